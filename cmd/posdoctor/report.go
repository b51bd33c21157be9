package main

import "github.com/spf13/cobra"

// ReportOptions holds the flags of `posdoctor report`.
type ReportOptions struct {
	IO *IO
}

func newReportCmd(f *factory, runF func(*ReportOptions) error) *cobra.Command {
	opts := &ReportOptions{IO: f.IO}
	return &cobra.Command{
		Use:   "report",
		Short: "not yet available",
		RunE: func(cmd *cobra.Command, args []string) error {
			if runF != nil {
				return runF(opts)
			}
			return notYet("posdoctor report")
		},
	}
}
