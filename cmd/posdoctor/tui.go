package main

import "github.com/spf13/cobra"

// TUIOptions holds the flags of `posdoctor tui`.
type TUIOptions struct {
	IO *IO
}

func newTUICmd(f *factory, runF func(*TUIOptions) error) *cobra.Command {
	opts := &TUIOptions{IO: f.IO}
	return &cobra.Command{
		Use:   "tui",
		Short: "not yet available",
		RunE: func(cmd *cobra.Command, args []string) error {
			if runF != nil {
				return runF(opts)
			}
			return notYet("posdoctor tui")
		},
	}
}
