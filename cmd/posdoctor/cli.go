package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"time"

	"charm.land/fang/v2"
	"github.com/spf13/cobra"
	"golang.org/x/term"

	"github.com/posdoctor/posdoctor/internal/buildinfo"
	"github.com/posdoctor/posdoctor/terminal"
)

// version is the --version text: version, commit and build date from the
// -ldflags stamp of `make build` (internal/buildinfo) or the module's
// build info; "dev" when neither says.
var version = buildinfo.Get().String()

// Exit codes (DESIGN.md contracts).
const (
	exitOK      = 0
	exitWarn    = 1
	exitFail    = 2
	exitCantRun = 3
)

// IO is where a command reads and writes. Results go to Out; progress and
// hints go to ErrOut.
type IO struct {
	In     io.Reader
	Out    io.Writer
	ErrOut io.Writer
	// InTTY, OutTTY and ErrTTY say whether the streams are terminals: no
	// colour, spinner or prompt when they are not.
	InTTY, OutTTY, ErrTTY bool
}

func systemIO() *IO {
	isTTY := func(f *os.File) bool { return term.IsTerminal(int(f.Fd())) }
	return &IO{
		In: os.Stdin, Out: os.Stdout, ErrOut: os.Stderr,
		InTTY: isTTY(os.Stdin), OutTTY: isTTY(os.Stdout), ErrTTY: isTTY(os.Stderr),
	}
}

// factory carries what every command needs; tests build their own.
type factory struct {
	IO  *IO
	Now func() time.Time
}

// FlagError is a bad flag or argument: exit 3, one line that says the fix.
type FlagError struct{ Err error }

// Error returns the flag problem and its fix.
func (e *FlagError) Error() string { return e.Err.Error() }

// Unwrap returns the underlying error.
func (e *FlagError) Unwrap() error { return e.Err }

func flagErrorf(format string, a ...any) error { return &FlagError{fmt.Errorf(format, a...)} }

// ExitError ends the command with Code. Err, when set, is printed as one
// line; when nil the command's output already said everything (a check
// verdict).
type ExitError struct {
	Code int
	Err  error
}

// Error returns the message, or the exit status when there is none.
func (e *ExitError) Error() string {
	if e.Err == nil {
		return fmt.Sprintf("exit status %d", e.Code)
	}
	return e.Err.Error()
}

// Unwrap returns Err.
func (e *ExitError) Unwrap() error { return e.Err }

// exitCode is the one place errors become exit codes.
func exitCode(err error) int {
	var ee *ExitError
	switch {
	case err == nil:
		return exitOK
	case errors.As(err, &ee):
		return ee.Code
	default:
		return exitCantRun
	}
}

// printErr writes err as one line on w. Silent exit errors print nothing.
// A full PAN in it (a terminal's or host's text quoted in an error) is
// masked: stderr ends up in tickets and chat.
func printErr(w io.Writer, err error) {
	var ee *ExitError
	if errors.As(err, &ee) && ee.Err == nil {
		return
	}
	fmt.Fprintf(w, "posdoctor: %s\n", terminal.ScrubString(err.Error()))
}

func newRootCmd(f *factory) *cobra.Command {
	root := &cobra.Command{
		Use:   "posdoctor",
		Short: "Operator console for card-payment (POS) terminals",
		Long: `posdoctor connects to a card-payment terminal over serial or TCP (ZVT),
runs live checks, explains what the terminal's codes and messages mean, and
walks you through the fix one step at a time.

With no subcommand it opens the console. With no --target it offers the
serial ports it finds, recent targets, and the built-in simulator.

Targets:
  tcp://HOST[:PORT]            ZVT over TCP (default port 20007)
  tls://HOST[:PORT]            ZVT over TLS (?insecure=1 or ?pin=SHA256)
  serial:///dev/ttyUSB0        ZVT serial framing, 9600 8N2 (?baud=115200)
  serial://COM3                the same on Windows
  sim://SCENARIO               the built-in simulator (posdoctor sim --list)`,
		SilenceUsage:  true,
		SilenceErrors: true,
		Version:       version,
	}
	root.SetIn(f.IO.In)
	root.SetOut(f.IO.Out)
	root.SetErr(f.IO.ErrOut)
	tui := newTUICmd(f, nil)
	root.Flags().AddFlagSet(tui.Flags())
	root.RunE = tui.RunE
	root.AddCommand(
		tui,
		newCheckCmd(f, nil),
		newSimCmd(f, nil),
		newDecodeCmd(f, nil),
		newExplainCmd(f, nil),
		newKBCmd(f, nil),
		newPortsCmd(f, nil),
		newReportCmd(f, nil),
		newExporterCmd(f, nil),
		newInventoryCmd(f, nil),
		newServeCmd(f, nil),
	)
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return &FlagError{err} })
	return root
}

// Main runs posdoctor with os.Args and returns the exit code.
func Main() int {
	return run(context.Background(), os.Args[1:], &factory{IO: systemIO(), Now: time.Now})
}

func run(ctx context.Context, args []string, f *factory) int {
	root := newRootCmd(f)
	root.SetArgs(args)
	err := fang.Execute(ctx, root,
		fang.WithVersion(version),
		fang.WithoutManpage(),
		fang.WithNotifySignal(os.Interrupt),
		fang.WithErrorHandler(func(w io.Writer, _ fang.Styles, err error) { printErr(w, err) }),
	)
	return exitCode(err)
}
