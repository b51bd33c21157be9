package main

import (
	"bytes"
	"context"
	"errors"
	"net"
	"os"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/posdoctor/posdoctor/terminal/link"
	"github.com/posdoctor/posdoctor/terminal/sim"
	"github.com/spf13/cobra"
)

func TestNewSimCmd(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		cli     string
		want    SimOptions
		wantErr string
	}{
		{"defaults", "", SimOptions{Listen: defaultSimListen, Scenario: defaultSimScenario, Count: 1}, ""},
		{"all flags", "--listen 127.0.0.1:0 --scenario wrong-pin --count 3 --latency 100ms --fault never-ack --fault drop-after=2",
			SimOptions{Listen: "127.0.0.1:0", Scenario: "wrong-pin", Count: 3, Latency: 100 * time.Millisecond,
				Faults: []string{"never-ack", "drop-after=2"}}, ""},
		{"pty", "--pty --scenario noisy-line --trace", SimOptions{Listen: defaultSimListen, Scenario: "noisy-line", Count: 1, PTY: true, Trace: true}, ""},
		{"list", "--list", SimOptions{Listen: defaultSimListen, Scenario: defaultSimScenario, Count: 1, List: true}, ""},
		{"bad count", "--count 0", SimOptions{}, "invalid --count 0"},
		{"pty and count", "--pty --count 2", SimOptions{}, "--pty serves one terminal"},
		{"unknown fault", "--fault never-ak", SimOptions{}, "did you mean never-ack?"},
		{"fault needs arg", "--fault drop-after", SimOptions{}, "drop-after=N"},
		{"bad latency", "--latency soon", SimOptions{}, "invalid argument"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			f, _, _ := testFactory()
			var got *SimOptions
			cmd := newSimCmd(f, func(o *SimOptions) error { got = o; return nil })
			cmd.SetArgs(strings.Fields(tt.cli))
			cmd.SetOut(&bytes.Buffer{})
			cmd.SetErr(&bytes.Buffer{})
			cmd.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return &FlagError{err} })
			err := cmd.Execute()
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("got %v, want error containing %q", err, tt.wantErr)
				}
				if exitCode(err) != exitCantRun {
					t.Errorf("exit code %d, want %d", exitCode(err), exitCantRun)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			got.IO, got.Ctx = nil, nil
			if !reflect.DeepEqual(*got, tt.want) {
				t.Errorf("got %+v, want %+v", *got, tt.want)
			}
		})
	}
}

// syncBuffer is a bytes.Buffer safe for a writer and a reader goroutine.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func TestSimRunList(t *testing.T) {
	t.Parallel()
	io, out, _ := testIO()
	if err := simRun(&SimOptions{IO: io, List: true, Ctx: context.Background()}); err != nil {
		t.Fatal(err)
	}
	for _, name := range sim.Required {
		if !strings.Contains(out.String(), name+"  ") {
			t.Errorf("--list lacks %s:\n%s", name, out)
		}
	}
	if n := strings.Count(out.String(), "\n"); n < len(sim.Required) {
		t.Errorf("--list printed %d lines", n)
	}
}

func TestSimRunBadScenario(t *testing.T) {
	t.Parallel()
	io, _, _ := testIO()
	err := simRun(&SimOptions{IO: io, Scenario: "testdata/no-such.yaml", Listen: "127.0.0.1:0", Count: 1, Ctx: context.Background()})
	if exitCode(err) != exitCantRun || !strings.Contains(err.Error(), "no-such.yaml") {
		t.Errorf("got %v (exit %d)", err, exitCode(err))
	}
	err = simRun(&SimOptions{IO: io, Scenario: "helthy", Listen: "127.0.0.1:0", Count: 1, Ctx: context.Background()})
	if exitCode(err) != exitCantRun || !strings.Contains(err.Error(), "valid names are") {
		t.Errorf("got %v", err)
	}
}

// TestSimRunServes starts `posdoctor sim --count 3` on free ports, talks ZVT
// to each terminal and stops it with the context.
func TestSimRunServes(t *testing.T) {
	t.Parallel()
	out, errOut := &syncBuffer{}, &syncBuffer{}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done := make(chan error, 1)
	go func() {
		done <- simRun(&SimOptions{IO: &IO{Out: out, ErrOut: errOut}, Ctx: ctx, Listen: "127.0.0.1:0",
			Scenario: "wrong-pin", Count: 3, Faults: []string{"latency=1ms"}, Trace: true})
	}()
	var lines []string
	deadline := time.Now().Add(10 * time.Second)
	for len(lines) < 3 {
		if time.Now().After(deadline) {
			t.Fatalf("no addresses printed: %q / %q", out, errOut)
		}
		time.Sleep(10 * time.Millisecond)
		lines = strings.Fields(strings.TrimSpace(out.String()))
		lines = lines[:len(lines)/2*2]
		lines = everyOther(lines)
	}
	tids := map[string]bool{}
	for _, ln := range strings.Split(strings.TrimSpace(out.String()), "\n") {
		addr, tid, _ := strings.Cut(ln, "\t")
		tids[tid] = true
		nc, err := net.DialTimeout("tcp", strings.TrimPrefix(addr, "tcp://"), 5*time.Second)
		if err != nil {
			t.Fatal(err)
		}
		_ = nc.SetDeadline(time.Now().Add(5 * time.Second))
		// Status Enquiry: 05 01 00, the terminal answers 80 00 00 first.
		if _, err := nc.Write([]byte{0x05, 0x01, 0x00}); err != nil {
			t.Fatal(err)
		}
		b := make([]byte, 3)
		if _, err := nc.Read(b); err != nil || !bytes.Equal(b, []byte{0x80, 0x00, 0x00}) {
			t.Errorf("%s: got % X (%v)", addr, b, err)
		}
		nc.Close()
	}
	if len(tids) != 3 {
		t.Errorf("TIDs: %v, want 3 distinct", tids)
	}
	if !strings.Contains(errOut.String(), "simulating 3 terminals of scenario wrong-pin") || !strings.Contains(errOut.String(), "ECR→PT 05 01") {
		t.Errorf("stderr: %q", errOut)
	}
	cancel()
	select {
	case err := <-done:
		if err != nil && !errors.Is(err, context.Canceled) {
			t.Errorf("simRun: %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("simRun did not stop")
	}
}

func everyOther(s []string) []string {
	var out []string
	for i := 0; i < len(s); i += 2 {
		out = append(out, s[i])
	}
	return out
}

// TestSimRunPTY starts `posdoctor sim --pty`, opens the printed serial path
// and runs a Status Enquiry in the ZVT serial framing.
func TestSimRunPTY(t *testing.T) {
	t.Parallel()
	if !sim.PTYSupported {
		t.Skip("no pty on this platform")
	}
	out, errOut := &syncBuffer{}, &syncBuffer{}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done := make(chan error, 1)
	go func() {
		done <- simRun(&SimOptions{IO: &IO{Out: out, ErrOut: errOut}, Ctx: ctx, PTY: true, Scenario: "noisy-line", Count: 1})
	}()
	deadline := time.Now().Add(10 * time.Second)
	for !strings.HasSuffix(out.String(), "\n") {
		if time.Now().After(deadline) {
			t.Fatalf("no serial path printed: %q %q", out, errOut)
		}
		time.Sleep(10 * time.Millisecond)
	}
	path := strings.TrimPrefix(strings.TrimSpace(out.String()), "serial://")
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	// Status Enquiry 05 01 00, framed.
	if _, err := f.Write(link.AppendFrame(nil, []byte{0x05, 0x01, 0x00})); err != nil {
		t.Fatal(err)
	}
	var buf []byte
	chunks := make(chan []byte)
	go func() {
		b := make([]byte, 512)
		for {
			n, err := f.Read(b)
			if n > 0 {
				chunks <- append([]byte(nil), b[:n]...)
			}
			if err != nil {
				close(chunks)
				return
			}
		}
	}()
	var got [][]byte
	for len(got) < 2 {
		select {
		case c, ok := <-chunks:
			if !ok {
				t.Fatalf("pty closed; got %v", got)
			}
			buf = append(buf, c...)
		case <-time.After(10 * time.Second):
			t.Fatalf("no answer; buffer % X", buf)
		}
		for {
			i := bytes.Index(buf, []byte{0x10, 0x02})
			if i < 0 {
				break
			}
			apdu, n, err := link.Unframe(buf[i:])
			if err != nil && n == 0 {
				break // incomplete
			}
			buf = buf[i+n:]
			if err != nil {
				f.Write([]byte{0x15}) // noisy-line: bad CRC, ask again
				continue
			}
			f.Write([]byte{0x06})
			got = append(got, apdu)
			if len(got) == 2 {
				f.Write(link.AppendFrame(nil, []byte{0x80, 0x00, 0x00}))
			}
		}
	}
	if !bytes.Equal(got[0], []byte{0x80, 0x00, 0x00}) || got[1][0] != 0x06 || got[1][1] != 0x0F {
		t.Errorf("status enquiry over pty: got % X", got)
	}
	cancel()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("sim --pty did not stop")
	}
}
