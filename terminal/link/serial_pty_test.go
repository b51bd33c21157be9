//go:build linux || darwin

package link_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"os"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/creack/pty"

	"github.com/posdoctor/posdoctor/terminal"
	"github.com/posdoctor/posdoctor/terminal/link"
)

// ptyPair opens a real pseudo-terminal. The ECR side opens the slave through
// go.bug.st/serial (link.OpenSerial) exactly like a USB serial port; the test
// plays the terminal on the master.
func ptyPair(t *testing.T) (master *os.File, device string) {
	t.Helper()
	m, s, err := pty.Open()
	if err != nil {
		t.Skipf("no pseudo-terminal available: %v", err)
	}
	// pty.Open leaves the master blocking, which makes read deadlines and
	// Close-unblocks-Read not work (creack/pty#162; research/ecosystem.md §1.3).
	if err := syscall.SetNonblock(int(m.Fd()), true); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { m.Close(); s.Close() })
	return m, s.Name()
}

func openECR(t *testing.T, device string, opts link.SerialOptions) link.Conn {
	t.Helper()
	tgt, err := terminal.ParseTarget("serial://" + device)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	c, err := link.OpenSerial(ctx, tgt, opts)
	if err != nil {
		t.Fatalf("OpenSerial(%s): %v", device, err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

// corruptFirstFrame flips a data byte in the first frame written through it.
type corruptFirstFrame struct {
	io.ReadWriteCloser
	once sync.Once
}

func (c *corruptFirstFrame) Write(p []byte) (int, error) {
	if len(p) > 4 {
		c.once.Do(func() {
			q := append([]byte(nil), p...)
			q[3] ^= 0x40 // inside the APDU: the CRC no longer matches
			p = q
		})
	}
	return c.ReadWriteCloser.Write(p)
}

func TestSerialPTYCorruptedFrameIsNAKedAndRepeated(t *testing.T) {
	master, dev := ptyPair(t)
	var ecrNotes, ptNotes notes
	ecr := openECR(t, dev, link.SerialOptions{T2: time.Second, Notify: ecrNotes.add})
	pt := link.NewSerial(&corruptFirstFrame{ReadWriteCloser: master}, link.SerialOptions{T2: time.Second, Notify: ptNotes.add})
	defer pt.Close()

	// PT → ECR: the first frame is corrupted on the line, the ECR NAKs it,
	// the PT repeats it and the ECR receives it intact.
	status := unhex(t, "04 FF 0A 10 10") // contains DLE: stuffed on the line
	ctx := ctxT(t, 10*time.Second)
	errc := make(chan error, 1)
	go func() { errc <- pt.Send(ctx, status) }()
	got, err := ecr.Receive(ctx)
	if err != nil {
		t.Fatalf("ECR Receive: %v", err)
	}
	if !bytes.Equal(got, status) {
		t.Fatalf("ECR got % X, want % X", got, status)
	}
	if err := <-errc; err != nil {
		t.Fatalf("PT Send: %v", err)
	}
	if !ecrNotes.has("bad CRC") {
		t.Errorf("ECR notes %q: want a bad CRC NAK", ecrNotes.msg)
	}
	if !ptNotes.has("peer answered NAK: repeating frame (attempt 2 of 3)") {
		t.Errorf("PT notes %q: want a repeat after NAK", ptNotes.msg)
	}

	// ECR → PT on the same line: clean.
	ack := unhex(t, "80 00 00")
	go func() { errc <- ecr.Send(ctx, ack) }()
	got, err = pt.Receive(ctx)
	if err != nil || !bytes.Equal(got, ack) {
		t.Fatalf("PT Receive = % X, %v; want % X", got, err, ack)
	}
	if err := <-errc; err != nil {
		t.Fatalf("ECR Send: %v", err)
	}
}

// readRaw reads from the master until want returns true or the deadline passes.
func readRaw(t *testing.T, m *os.File, d time.Duration, want func([]byte) bool) []byte {
	t.Helper()
	var got []byte
	buf := make([]byte, 512)
	deadline := time.Now().Add(d)
	for !want(got) {
		if time.Now().After(deadline) {
			t.Fatalf("timed out; read % X", got)
		}
		m.SetReadDeadline(time.Now().Add(100 * time.Millisecond))
		n, _ := m.Read(buf)
		got = append(got, buf[:n]...)
	}
	return got
}

func TestSerialPTYPeerNeverACKs(t *testing.T) {
	master, dev := ptyPair(t)
	ecr := openECR(t, dev, link.SerialOptions{T2: 150 * time.Millisecond})
	apdu := unhex(t, "06 00 04 12 34 56 8E")
	frame := link.AppendFrame(nil, apdu)

	ctx := ctxT(t, 10*time.Second)
	errc := make(chan error, 1)
	go func() { errc <- ecr.Send(ctx, apdu) }()
	// The silent terminal sees the frame three times: once and two repeats.
	raw := readRaw(t, master, 5*time.Second, func(b []byte) bool { return bytes.Count(b, frame) >= 3 })
	err := <-errc
	if !errors.Is(err, link.ErrTransmission) {
		t.Fatalf("Send err = %v, want ErrTransmission", err)
	}
	if !strings.Contains(err.Error(), "after 3 attempts") || !strings.Contains(err.Error(), "no ACK within T2") {
		t.Errorf("err = %q: want it to say 3 attempts and no ACK", err)
	}
	var we *link.WriteError
	if !errors.As(err, &we) || we.Sent != 3*len(frame) || we.SafeToRetry() {
		t.Errorf("WriteError = %+v: want Sent %d and not safe to retry", we, 3*len(frame))
	}
	// No fourth attempt.
	time.Sleep(300 * time.Millisecond)
	master.SetReadDeadline(time.Now().Add(50 * time.Millisecond))
	extra, _ := master.Read(make([]byte, 64))
	if n := bytes.Count(raw, frame); n != 3 || extra != 0 {
		t.Errorf("terminal saw %d frames and %d more bytes, want exactly 3 frames", n, extra)
	}
}

func TestSerialPTYReceiverNAKs(t *testing.T) {
	tests := []struct {
		name string
		send func(m *os.File)
		note string
	}{
		{"stall longer than T1", func(m *os.File) {
			m.Write(unhex(t, "10 02 80 00"))
			time.Sleep(300 * time.Millisecond) // T1 is 100 ms here
		}, "stalled"},
		{"DLE followed by junk", func(m *os.File) { m.Write(unhex(t, "10 02 80 10 41 00 10 03 00 00")) }, "DLE followed by 41"},
		{"bad CRC", func(m *os.File) { m.Write(unhex(t, "10 02 80 00 00 10 03 F5 1E")) }, "bad CRC"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			master, dev := ptyPair(t)
			var n notes
			ecr := openECR(t, dev, link.SerialOptions{T1: 100 * time.Millisecond, Notify: n.add})
			tt.send(master)
			readRaw(t, master, 3*time.Second, func(b []byte) bool { return bytes.Contains(b, []byte{link.NAK}) })
			if !n.has(tt.note) {
				t.Errorf("notes %q: want %q", n.msg, tt.note)
			}
			// The line recovers: a good frame is ACKed and delivered.
			master.Write(unhex(t, "10 02 80 00 00 10 03 F5 1F"))
			readRaw(t, master, 3*time.Second, func(b []byte) bool { return bytes.Contains(b, []byte{link.ACK}) })
			got, err := ecr.Receive(ctxT(t, 3*time.Second))
			if err != nil || !bytes.Equal(got, []byte{0x80, 0, 0}) {
				t.Fatalf("Receive = % X, %v", got, err)
			}
		})
	}
}

func TestOpenSerialErrors(t *testing.T) {
	t.Parallel()
	_, err := link.OpenSerial(context.Background(), terminal.Target{Device: "/dev/posdoctor-no-such-port"}, link.SerialOptions{})
	var se *link.SerialError
	if !errors.As(err, &se) {
		t.Fatalf("err = %v, want *SerialError", err)
	}
	if !strings.Contains(err.Error(), "could not open serial port /dev/posdoctor-no-such-port: no such port") ||
		!(strings.Contains(err.Error(), "ports that exist") || strings.Contains(err.Error(), "no serial ports found")) {
		t.Errorf("err = %q: want the port and the ports that exist", err)
	}
}

// The live link reads through the Deframer whatever the reads look like:
// noise, a stray DLE and frames written one byte at a time arrive as the
// frames, each ACKed once, and the noise is noticed.
func TestSerialPTYFramesSplitIntoSingleBytes(t *testing.T) {
	master, dev := ptyPair(t)
	var n notes
	ecr := openECR(t, dev, link.SerialOptions{Notify: n.add})
	first, second := unhex(t, "80 00 00"), unhex(t, "04 FF 0A 10 10")
	line := append(unhex(t, "41 42 10 10"), link.AppendFrame(nil, first)[1:]...) // 10 10 02: the frame starts at the second DLE
	line = append(append(line, 0x43), link.AppendFrame(nil, second)...)
	for _, b := range line {
		if _, err := master.Write([]byte{b}); err != nil {
			t.Fatal(err)
		}
	}
	ctx := ctxT(t, 5*time.Second)
	for _, want := range [][]byte{first, second} {
		got, err := ecr.Receive(ctx)
		if err != nil || !bytes.Equal(got, want) {
			t.Fatalf("Receive = % X, %v; want % X", got, err, want)
		}
	}
	raw := readRaw(t, master, 3*time.Second, func(b []byte) bool { return bytes.Count(b, []byte{link.ACK}) >= 2 })
	if !bytes.Equal(raw, []byte{link.ACK, link.ACK}) {
		t.Errorf("terminal saw % X, want two ACKs and nothing else", raw)
	}
	if !n.has("serial: ignored") {
		t.Errorf("notes %q: want the noise noticed", n.msg)
	}
}

// A stray DLE before the terminal's ACK does not hide the ACK: the frame is
// sent once.
func TestSerialPTYStrayDLEBeforeACK(t *testing.T) {
	master, dev := ptyPair(t)
	ecr := openECR(t, dev, link.SerialOptions{T2: 2 * time.Second})
	apdu := unhex(t, "06 00 04 12 34 56 8E")
	frame := link.AppendFrame(nil, apdu)
	ctx := ctxT(t, 10*time.Second)
	errc := make(chan error, 1)
	go func() { errc <- ecr.Send(ctx, apdu) }()
	readRaw(t, master, 3*time.Second, func(b []byte) bool { return bytes.Contains(b, frame) })
	master.Write([]byte{link.DLE, link.ACK})
	if err := <-errc; err != nil {
		t.Fatalf("Send: %v; want the ACK after the stray DLE taken", err)
	}
}
