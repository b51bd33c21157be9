package main

import "github.com/spf13/cobra"

// DecodeOptions holds the flags of `posdoctor decode`.
type DecodeOptions struct {
	IO *IO
}

func newDecodeCmd(f *factory, runF func(*DecodeOptions) error) *cobra.Command {
	opts := &DecodeOptions{IO: f.IO}
	return &cobra.Command{
		Use:   "decode",
		Short: "not yet available",
		RunE: func(cmd *cobra.Command, args []string) error {
			if runF != nil {
				return runF(opts)
			}
			return notYet("posdoctor decode")
		},
	}
}
