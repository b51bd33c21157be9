package main

import (
	"context"
	"io"
	"strings"
	"testing"
	"time"
)

// TestDecodeOnATerminalSaysItWaitsAndHonoursCtrlC: with no argument and
// stdin a terminal, decode says it waits for hex, and Ctrl-C (the command's
// context ending) stops the wait with one line instead of hanging.
func TestDecodeOnATerminalSaysItWaitsAndHonoursCtrlC(t *testing.T) {
	t.Parallel()
	stdin, w := io.Pipe() // a terminal nobody types into
	defer w.Close()
	iox, _, errOut := testIO()
	iox.In, iox.InTTY = stdin, true
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- decodeRun(&DecodeOptions{IO: iox, Ctx: ctx, Charset: "cp437"}) }()
	time.Sleep(50 * time.Millisecond)
	cancel() // Ctrl-C
	select {
	case err := <-done:
		if err == nil || !strings.Contains(err.Error(), "Ctrl-C") {
			t.Fatalf("err %v, want the stop named", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("decode kept waiting after Ctrl-C")
	}
	if !strings.Contains(errOut.String(), "waiting for hex on stdin") {
		t.Fatalf("stderr %q does not say decode waits for hex", errOut.String())
	}
}

// TestDecodePipeReadsWithoutPrompt: stdin that is not a terminal is read
// at once, without the waiting line.
func TestDecodePipeReadsWithoutPrompt(t *testing.T) {
	t.Parallel()
	iox, out, errOut := testIO()
	iox.In = strings.NewReader("80 00 00")
	if err := decodeRun(&DecodeOptions{IO: iox, Ctx: context.Background(), Charset: "cp437"}); err != nil {
		t.Fatal(err)
	}
	if errOut.Len() != 0 || !strings.Contains(out.String(), "80 00") {
		t.Fatalf("out %q err %q", out.String(), errOut.String())
	}
}
