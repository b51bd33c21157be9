//go:build linux || darwin

package sim_test

import (
	"bytes"
	"context"
	"os"
	"syscall"
	"testing"
	"time"

	"github.com/posdoctor/posdoctor/terminal/link"

	"github.com/posdoctor/posdoctor/terminal/sim"
)

// startPTY serves term on a pseudo-terminal and returns a serial ECR on the
// other end, plus a function that opens another one.
func startPTY(t testing.TB, term *sim.Terminal) (*ecr, func() *ecr) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	path, done, err := term.ServePTY(ctx)
	if err != nil {
		cancel()
		t.Fatal(err)
	}
	var wires []*serialWire
	t.Cleanup(func() {
		for _, w := range wires {
			w.close()
		}
		cancel()
		<-done
	})
	open := func() *ecr {
		f, err := os.OpenFile(path, os.O_RDWR|syscall.O_NOCTTY, 0)
		if err != nil {
			t.Fatalf("open %s: %v", path, err)
		}
		w := newSerialWire(f)
		wires = append(wires, w)
		return &ecr{t: t, w: w}
	}
	return open(), open
}

// TestScenariosPTY runs every required scenario end to end through the
// serial framing on a pseudo-terminal.
func TestScenariosPTY(t *testing.T) {
	t.Parallel()
	for _, name := range sim.Required {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			sc := loadScenario(t, name)
			term := sim.New(sc, sim.Options{})
			e, open := startPTY(t, term)
			runScenario(t, e, term, name, open)
			if name == "noisy-line" {
				if w := e.w.(*serialWire); w.naks == 0 {
					t.Errorf("noisy-line: the ECR never had to NAK a frame")
				}
			}
		})
	}
}

func TestInteropPTY(t *testing.T) {
	t.Parallel()
	term := sim.New(eurHealthy(t), sim.Options{})
	e, _ := startPTY(t, term)
	interop(t, e, term)
}

// TestSerialLiteralFrames writes frames byte for byte as research/zvt.md §5
// prints them and checks the terminal's link-level answers.
func TestSerialLiteralFrames(t *testing.T) {
	t.Parallel()
	term := sim.New(eurHealthy(t), sim.Options{})
	e, _ := startPTY(t, term)
	w := e.w.(*serialWire)
	raw := func(b []byte) {
		t.Helper()
		if _, err := w.rw.Write(b); err != nil {
			t.Fatal(err)
		}
	}
	next := func() byte {
		t.Helper()
		for len(w.buf) == 0 {
			if err := w.more(5 * time.Second); err != nil {
				t.Fatalf("waiting for a byte: %v", err)
			}
		}
		b := w.buf[0]
		w.buf = w.buf[1:]
		return b
	}
	// V1 with its last CRC byte changed: NAK.
	raw([]byte{0x10, 0x02, 0x06, 0x01, 0x07, 0x04, 0x00, 0x00, 0x00, 0x00, 0x01, 0x90, 0x10, 0x03, 0x76, 0x58})
	if b := next(); b != 0x15 {
		t.Fatalf("bad CRC: got %02X, want NAK 15", b)
	}
	// A DLE followed by junk inside a frame: NAK.
	raw([]byte{0x10, 0x02, 0x06, 0x10, 0x41, 0x00})
	if b := next(); b != 0x15 {
		t.Fatalf("DLE then junk: got %02X, want NAK 15", b)
	}
	// A frame that stalls for longer than T1 (200 ms): NAK.
	raw([]byte{0x10, 0x02, 0x06, 0x00})
	if b := next(); b != 0x15 {
		t.Fatalf("stalled frame: got %02X, want NAK 15", b)
	}
	// V3: Registration with password 123456, after line noise and a stray
	// DLE, one byte per write: ACK, then a framed 84 83 00.
	for _, b := range []byte{0x41, 0x10, 0x10, 0x02, 0x06, 0x00, 0x04, 0x12, 0x34, 0x56, 0x8E, 0x10, 0x03, 0xB6, 0xE0} {
		raw([]byte{b})
	}
	if b := next(); b != 0x06 {
		t.Fatalf("V3 frame: got %02X, want ACK 06", b)
	}
	if got, err := w.recv(5 * time.Second); err != nil || !bytes.Equal(got, []byte{0x84, 0x83, 0x00}) {
		t.Fatalf("wrong password: got % X (%v), want 84 83 00", got, err)
	}
	// V1 as logged (PAYONE P400 Plus): ACK, 80 00 00, then the payment.
	raw([]byte{0x10, 0x02, 0x06, 0x01, 0x07, 0x04, 0x00, 0x00, 0x00, 0x00, 0x01, 0x90, 0x10, 0x03, 0x76, 0x57})
	if b := next(); b != 0x06 {
		t.Fatalf("V1 frame: got %02X, want ACK 06", b)
	}
	if got, err := w.recv(5 * time.Second); err != nil || !bytes.Equal(got, []byte{0x80, 0x00, 0x00}) {
		t.Fatalf("V1: got % X (%v), want 80 00 00", got, err)
	}
	for {
		m, err := w.recv(5 * time.Second)
		if err != nil {
			t.Fatal(err)
		}
		if err := w.send([]byte{0x80, 0x00, 0x00}); err != nil {
			t.Fatal(err)
		}
		if m[0] == 0x06 && m[1] == 0x0F {
			break
		}
	}
	j := term.Journal()
	if len(j) != 1 || j[0].Amount != 190 || j[0].State != sim.StateApproved {
		t.Fatalf("journal: %+v", j)
	}
	readResult(t, e.do(cmdReversal(j[0].Receipt)))
}

// TestNeverAckSerial: the terminal receives frames but never ACKs them.
func TestNeverAckSerial(t *testing.T) {
	t.Parallel()
	sc := loadScenario(t, "healthy")
	term := sim.New(sc, sim.Options{Faults: []string{"never-ack"}})
	e, _ := startPTY(t, term)
	w := e.w.(*serialWire)
	if _, err := w.rw.Write(link.AppendFrame(nil, []byte{0x05, 0x01, 0x00})); err != nil {
		t.Fatal(err)
	}
	// No ACK: the next thing on the line is the PT's own frame (80 00 00).
	if err := w.more(5 * time.Second); err != nil {
		t.Fatal(err)
	}
	if w.buf[0] != 0x10 {
		t.Errorf("never-ack: got % X, want the PT's frame without an ACK first", w.buf)
	}
}

// TestCrashedClientAutoReversesSerial: the ECR receives the 04 0F frame and
// dies before answering 80 00 00; the PT gives up and auto-reverses.
func TestCrashedClientAutoReversesSerial(t *testing.T) {
	t.Parallel()
	sc := loadScenario(t, "healthy")
	term := sim.New(sc, sim.Options{})
	sim.SetTimeouts(term, 300*time.Millisecond, 100*time.Millisecond)
	e, _ := startPTY(t, term)
	w := e.w.(*serialWire)
	_, err := e.try(cmdAuth(800), func(msg []byte) []byte {
		if msg[0] == 0x04 && msg[1] == 0x0F {
			w.noAck = true // later frames get no ACK either: the ECR is gone
			w.close()
			return nil
		}
		return []byte{0x80, 0x00, 0x00}
	})
	if err != nil {
		t.Fatal(err)
	}
	j := waitJournal(t, term, func(j []sim.Txn) bool { return len(j) == 1 && j[0].State != "pending" })
	if j[0].State != sim.StateAutoReversed {
		t.Errorf("journal: %+v", j)
	}
	if u := term.Unreversed(); len(u) != 0 {
		t.Errorf("unreversed: %+v", u)
	}
}
