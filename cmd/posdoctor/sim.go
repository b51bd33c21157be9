package main

import "github.com/spf13/cobra"

// SimOptions holds the flags of `posdoctor sim`.
type SimOptions struct {
	IO *IO
}

func newSimCmd(f *factory, runF func(*SimOptions) error) *cobra.Command {
	opts := &SimOptions{IO: f.IO}
	return &cobra.Command{
		Use:   "sim",
		Short: "not yet available",
		RunE: func(cmd *cobra.Command, args []string) error {
			if runF != nil {
				return runF(opts)
			}
			return notYet("posdoctor sim")
		},
	}
}
