package main

import "github.com/spf13/cobra"

// CheckOptions holds the flags of `posdoctor check`.
type CheckOptions struct {
	IO *IO
}

func newCheckCmd(f *factory, runF func(*CheckOptions) error) *cobra.Command {
	opts := &CheckOptions{IO: f.IO}
	return &cobra.Command{
		Use:   "check",
		Short: "not yet available",
		RunE: func(cmd *cobra.Command, args []string) error {
			if runF != nil {
				return runF(opts)
			}
			return notYet("posdoctor check")
		},
	}
}
