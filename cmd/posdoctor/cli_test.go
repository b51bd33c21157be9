package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"
)

// testIO returns an IO on buffers, as if no stream were a terminal.
func testIO() (*IO, *bytes.Buffer, *bytes.Buffer) {
	out, errOut := &bytes.Buffer{}, &bytes.Buffer{}
	return &IO{In: strings.NewReader(""), Out: out, ErrOut: errOut}, out, errOut
}

func testFactory() (*factory, *bytes.Buffer, *bytes.Buffer) {
	io, out, errOut := testIO()
	return &factory{IO: io, Now: func() time.Time { return time.Date(2026, 11, 21, 17, 0, 0, 0, time.UTC) }}, out, errOut
}

func TestExitCode(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		err  error
		want int
	}{
		{"nil is ok", nil, exitOK},
		{"verdict warn", &ExitError{Code: exitWarn}, exitWarn},
		{"verdict fail", &ExitError{Code: exitFail}, exitFail},
		{"wrapped verdict", fmt.Errorf("x: %w", &ExitError{Code: exitFail}), exitFail},
		{"flag error", &FlagError{errors.New("bad")}, exitCantRun},
		{"plain error", errors.New("could not connect"), exitCantRun},
	}
	for _, tt := range tests {
		if got := exitCode(tt.err); got != tt.want {
			t.Errorf("%s: exitCode = %d, want %d", tt.name, got, tt.want)
		}
	}
}

func TestRunFlagErrorIsOneLineExit3(t *testing.T) {
	t.Parallel()
	f, _, errOut := testFactory()
	code := run(context.Background(), []string{"decode", "--no-such-flag"}, f)
	if code != exitCantRun {
		t.Errorf("exit = %d, want %d", code, exitCantRun)
	}
	msg := strings.TrimSpace(errOut.String())
	if strings.Count(msg, "\n") != 0 || !strings.Contains(msg, "no-such-flag") {
		t.Errorf("stderr = %q, want one line naming the flag", msg)
	}
}

func TestSilentExitErrorPrintsNothing(t *testing.T) {
	t.Parallel()
	var b bytes.Buffer
	printErr(&b, &ExitError{Code: exitFail})
	if b.Len() != 0 {
		t.Errorf("printed %q", b.String())
	}
	printErr(&b, errors.New("no answer from tcp://127.0.0.1:1"))
	if got := b.String(); got != "posdoctor: no answer from tcp://127.0.0.1:1\n" {
		t.Errorf("printed %q", got)
	}
}

func TestPrintErrMasksAFullPAN(t *testing.T) {
	t.Parallel()
	var b bytes.Buffer
	printErr(&b, fmt.Errorf("the terminal refused: %w", errors.New("card 6228480000000001016 blocked")))
	if got := b.String(); got != "posdoctor: the terminal refused: card 622848*********1016 blocked\n" {
		t.Errorf("printed %q", got)
	}
}
