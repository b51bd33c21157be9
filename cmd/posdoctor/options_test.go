package main

import (
	"bytes"

	"github.com/spf13/cobra"
)

// parseOptions builds a command with newCmd, runs it on argv with a runF
// that only keeps the options, and returns them (nil when the arguments did
// not parse) with Execute's error. Output and usage are discarded.
func parseOptions[O any](newCmd func(*factory, func(*O) error) *cobra.Command, argv []string) (*O, error) {
	f, _, _ := testFactory()
	var got *O
	cmd := newCmd(f, func(o *O) error { got = o; return nil })
	cmd.SetArgs(argv)
	cmd.SetOut(&bytes.Buffer{})
	cmd.SetErr(&bytes.Buffer{})
	err := cmd.Execute()
	return got, err
}
