package main

import "github.com/spf13/cobra"

// ExplainOptions holds the flags of `posdoctor explain`.
type ExplainOptions struct {
	IO *IO
}

func newExplainCmd(f *factory, runF func(*ExplainOptions) error) *cobra.Command {
	opts := &ExplainOptions{IO: f.IO}
	return &cobra.Command{
		Use:   "explain",
		Short: "not yet available",
		RunE: func(cmd *cobra.Command, args []string) error {
			if runF != nil {
				return runF(opts)
			}
			return notYet("posdoctor explain")
		},
	}
}
