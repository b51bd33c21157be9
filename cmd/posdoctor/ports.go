package main

import "github.com/spf13/cobra"

// PortsOptions holds the flags of `posdoctor ports`.
type PortsOptions struct {
	IO *IO
}

func newPortsCmd(f *factory, runF func(*PortsOptions) error) *cobra.Command {
	opts := &PortsOptions{IO: f.IO}
	return &cobra.Command{
		Use:   "ports",
		Short: "not yet available",
		RunE: func(cmd *cobra.Command, args []string) error {
			if runF != nil {
				return runF(opts)
			}
			return notYet("posdoctor ports")
		},
	}
}
