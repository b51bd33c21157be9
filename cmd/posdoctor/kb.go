package main

import "github.com/spf13/cobra"

// KBOptions holds the flags of `posdoctor kb`.
type KBOptions struct {
	IO *IO
}

func newKBCmd(f *factory, runF func(*KBOptions) error) *cobra.Command {
	opts := &KBOptions{IO: f.IO}
	return &cobra.Command{
		Use:   "kb",
		Short: "not yet available",
		RunE: func(cmd *cobra.Command, args []string) error {
			if runF != nil {
				return runF(opts)
			}
			return notYet("posdoctor kb")
		},
	}
}
