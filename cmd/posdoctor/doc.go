// Command posdoctor is an operator console for card-payment terminals.
//
// With no subcommand it opens the console (tui.go, with tui_backend.go
// wiring the ui package to the check engine). The subcommands are one file
// each, with an XOptions struct and newXCmd(f, runF): check.go, sim.go,
// decode.go, explain.go, kb.go, ports.go, report.go and tui.go.
//
// cli.go holds what they share: the root command, the IO streams, the
// factory, the typed errors and exitCode, the one place exit codes come
// from (0 ok, 1 warn, 2 fail, 3 could not run or bad input). main.go is only
// os.Exit(Main()), so testscript can run posdoctor in-process
// (script_test.go, testdata/script).
package main
