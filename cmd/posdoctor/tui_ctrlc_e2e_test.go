//go:build linux || darwin

package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/posdoctor/posdoctor/terminal/sim"
)

// TestConsoleCtrlCDuringPaymentReverses drives the real binary in tmux: a
// test payment is approved and held before its Reversal (the test hook of
// the e2e build), the operator presses Ctrl-C, and the simulator's own
// journal shows the payment reversed by the time the console has exited.
// The console says so on the normal screen after it left.
func TestConsoleCtrlCDuringPaymentReverses(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end: skipped with -short")
	}
	bin := posdoctorBinary(t)
	// The simulator runs in this process, so the test reads its journal.
	sc, err := sim.Load("healthy")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	fl, err := sim.ListenTCP(ctx, "127.0.0.1:0", sc, sim.Options{}, 1)
	if err != nil {
		cancel()
		t.Fatal(err)
	}
	t.Cleanup(func() { fl.Close(); cancel() })
	term := fl.Terminals()[0]
	target := "tcp://" + fl.Addrs()[0]

	home := t.TempDir()
	journal := filepath.Join(home, "journal")
	paused := filepath.Join(home, "paused")
	exitFile := filepath.Join(home, "exit")
	env := tuiEnv(home, journal, "POSDOCTOR_TEST_PAUSE_AFTER_AUTH=120s", "POSDOCTOR_TEST_PAUSE_FILE="+paused)
	shell := fmt.Sprintf("%s --target %s; echo $? > %s; sleep 60", bin, target, exitFile)
	s := newTmux(t, 100, 30, env, "sh", "-c", shell)
	s.waitFor("start", 15*time.Second, "What did the terminal show?")
	s.keys("a")
	s.waitFor("confirm", 5*time.Second, "reverses it at once")
	s.keys("y")
	deadline := time.Now().Add(30 * time.Second)
	for {
		if _, err := os.Stat(paused); err == nil {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the payment never reached the pause; screen:\n%s", s.screen())
		}
		time.Sleep(100 * time.Millisecond)
	}
	// Approved and held: not reversed yet.
	if got := term.Unreversed(); len(got) != 1 {
		t.Fatalf("before ctrl+c the simulator has %d open payments, want 1: %+v", len(got), term.Journal())
	}
	s.keys("C-c")

	deadline = time.Now().Add(60 * time.Second)
	var code string
	for {
		if b, err := os.ReadFile(exitFile); err == nil && strings.TrimSpace(string(b)) != "" {
			code = strings.TrimSpace(string(b))
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the console did not exit after ctrl+c; screen:\n%s", s.screen())
		}
		time.Sleep(50 * time.Millisecond)
	}
	// The console has exited: by now the terminal must have the reversal.
	j := term.Journal()
	if len(j) != 1 || j[0].State != sim.StateReversed {
		t.Fatalf("after the console exited the simulator's journal is %+v, want the payment reversed (06 30)", j)
	}
	if code != "0" {
		t.Errorf("console exit status %s, want 0", code)
	}
	scr := s.waitFor("exit note", 5*time.Second, "was reversed before exiting", "no money moved")
	for _, bad := range []string{"context canceled", "deadline exceeded", "EOF"} {
		if strings.Contains(scr, bad) {
			t.Errorf("Go error text %q on screen:\n%s", bad, scr)
		}
	}
}
