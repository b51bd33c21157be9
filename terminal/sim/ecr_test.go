package sim_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"testing"
	"time"

	"github.com/posdoctor/posdoctor/terminal/link"
	"github.com/posdoctor/posdoctor/terminal/sim"
	"github.com/posdoctor/posdoctor/terminal/zvt"
)

// This file is a small test-only ECR: literal spec byte sequences, the codec
// for reading answers, and its own serial framing on link.AppendFrame /
// link.Unframe. It shares nothing with the console's session or driver.

// wire moves whole APDUs for the test ECR.
type wire interface {
	send(apdu []byte) error
	recv(d time.Duration) ([]byte, error)
	close() error
}

// tcpWire is raw APDUs on TCP.
type tcpWire struct {
	nc  net.Conn
	buf []byte
}

func dialTCP(t testing.TB, addr string) *tcpWire {
	t.Helper()
	nc, err := net.DialTimeout("tcp", addr, 5*time.Second)
	if err != nil {
		t.Fatalf("dial %s: %v", addr, err)
	}
	return &tcpWire{nc: nc}
}

func (w *tcpWire) send(apdu []byte) error {
	_ = w.nc.SetWriteDeadline(time.Now().Add(5 * time.Second))
	_, err := w.nc.Write(apdu)
	return err
}

func (w *tcpWire) recv(d time.Duration) ([]byte, error) {
	rd := make([]byte, 4096)
	for {
		if a, n, err := zvt.ReadAPDU(w.buf); err == nil {
			out := append([]byte(nil), w.buf[:n]...)
			w.buf = w.buf[n:]
			_ = a
			return out, nil
		}
		_ = w.nc.SetReadDeadline(time.Now().Add(d))
		n, err := w.nc.Read(rd)
		w.buf = append(w.buf, rd[:n]...)
		if err != nil {
			return nil, err
		}
	}
}

func (w *tcpWire) close() error { return w.nc.Close() }

// serialWire is the ECR end of the serial framing.
type serialWire struct {
	rw    io.ReadWriteCloser
	in    chan []byte
	buf   []byte
	naks  int  // NAKs this ECR sent (bad frames received)
	noAck bool // do not ACK frames (a crashing ECR)
}

func newSerialWire(rw io.ReadWriteCloser) *serialWire {
	w := &serialWire{rw: rw, in: make(chan []byte, 16)}
	go func() {
		b := make([]byte, 1024)
		for {
			n, err := rw.Read(b)
			if n > 0 {
				w.in <- append([]byte(nil), b[:n]...)
			}
			if err != nil {
				close(w.in)
				return
			}
		}
	}()
	return w
}

func (w *serialWire) more(d time.Duration) error {
	select {
	case c, ok := <-w.in:
		if !ok {
			return io.EOF
		}
		w.buf = append(w.buf, c...)
		return nil
	case <-time.After(d):
		return context.DeadlineExceeded
	}
}

func (w *serialWire) send(apdu []byte) error {
	frame := link.AppendFrame(nil, apdu)
	for try := 0; try < 3; try++ {
		if _, err := w.rw.Write(frame); err != nil {
			return err
		}
		for {
			if len(w.buf) > 0 {
				b := w.buf[0]
				if b == 0x06 || b == 0x15 {
					w.buf = w.buf[1:]
					if b == 0x06 {
						return nil
					}
					break
				}
				if b == 0x10 {
					return fmt.Errorf("frame instead of ACK: % X", w.buf)
				}
				w.buf = w.buf[1:]
				continue
			}
			if err := w.more(5 * time.Second); err != nil {
				return fmt.Errorf("waiting for ACK: %w", err)
			}
		}
	}
	return errors.New("no ACK after 2 repeats")
}

func (w *serialWire) recv(d time.Duration) ([]byte, error) {
	deadline := time.Now().Add(d)
	for {
		if i := bytes.Index(w.buf, []byte{0x10, 0x02}); i >= 0 {
			w.buf = w.buf[i:]
			apdu, n, err := link.Unframe(w.buf)
			if err == nil {
				w.buf = w.buf[n:]
				if !w.noAck {
					if _, err := w.rw.Write([]byte{0x06}); err != nil {
						return nil, err
					}
				}
				return append([]byte(nil), apdu...), nil
			}
			var ce *link.CRCError
			if errors.As(err, &ce) {
				w.buf = w.buf[n:]
				w.naks++
				if _, err := w.rw.Write([]byte{0x15}); err != nil {
					return nil, err
				}
				continue
			}
		}
		left := time.Until(deadline)
		if left <= 0 {
			return nil, context.DeadlineExceeded
		}
		if err := w.more(left); err != nil {
			return nil, err
		}
	}
}

func (w *serialWire) close() error { return w.rw.Close() }

// ecr is the test ECR on a wire.
type ecr struct {
	t testing.TB
	w wire
}

// transcript is what the PT sent in answer to one command.
type transcript struct {
	first []byte   // 80 00 00 or 84 xx 00
	msgs  [][]byte // every PT message after it, in order
	end   []byte   // the final 06 0F / 06 1E / (Read Card) 04 0F, nil if none
}

func (tr transcript) find(cmd zvt.Command) []byte {
	for _, m := range tr.msgs {
		if len(m) >= 2 && zvt.Command(uint16(m[0])<<8|uint16(m[1])) == cmd {
			return m
		}
	}
	return nil
}

// do sends cmd and answers every PT message with 80 00 00 until the
// Completion or Abort (or Read Card's 04 0F).
func (e *ecr) do(cmd []byte) transcript {
	e.t.Helper()
	tr, err := e.try(cmd, nil)
	if err != nil {
		e.t.Fatalf("command % X: %v (so far: %s)", cmd[:2], err, tr)
	}
	return tr
}

func (tr transcript) String() string {
	var b bytes.Buffer
	fmt.Fprintf(&b, "first=% X", tr.first)
	for _, m := range tr.msgs {
		fmt.Fprintf(&b, " | % X", head(m, 12))
	}
	return b.String()
}

func head(b []byte, n int) []byte {
	if len(b) > n {
		return b[:n]
	}
	return b
}

// try is do with a hook: answer returns the ECR's answer to a PT message
// (nil = hang up without answering).
func (e *ecr) try(cmd []byte, answer func(msg []byte) []byte) (transcript, error) {
	var tr transcript
	if err := e.w.send(cmd); err != nil {
		return tr, fmt.Errorf("send: %w", err)
	}
	first, err := e.w.recv(10 * time.Second)
	if err != nil {
		return tr, fmt.Errorf("first answer: %w", err)
	}
	tr.first = first
	if first[0] != 0x80 {
		return tr, nil
	}
	readCard := cmd[0] == 0x06 && cmd[1] == 0xC0
	logOff := cmd[0] == 0x06 && (cmd[1] == 0x02 || cmd[1] == 0xB0)
	if logOff {
		return tr, nil
	}
	for {
		m, err := e.w.recv(10 * time.Second)
		if err != nil {
			return tr, fmt.Errorf("waiting for PT message: %w", err)
		}
		tr.msgs = append(tr.msgs, m)
		reply := []byte{0x80, 0x00, 0x00}
		if answer != nil {
			reply = answer(m)
			if reply == nil {
				return tr, nil
			}
		}
		if err := e.w.send(reply); err != nil {
			return tr, fmt.Errorf("answer: %w", err)
		}
		c := zvt.Command(uint16(m[0])<<8 | uint16(m[1]))
		if c == zvt.CmdCompletion || c == zvt.CmdAbortPT || readCard && c == zvt.CmdStatusInfo {
			tr.end = m
			return tr, nil
		}
	}
}

// result reads the outcome of a payment transcript the way BRIEF "Host
// response codes on the ZVT wire" says a driver must.
type result struct {
	code     byte
	hostCode string
	text     string
	receipt  int
	approved bool
}

func readResult(t testing.TB, tr transcript) result {
	t.Helper()
	var r result
	si := tr.find(zvt.CmdStatusInfo)
	if si != nil {
		a, _, err := zvt.ReadAPDU(si)
		if err != nil {
			t.Fatalf("status info: %v", err)
		}
		f, err := zvt.DecodeBMPs(a.Data)
		if err != nil {
			t.Fatalf("status info BMPs: %v", err)
		}
		r.code, _ = f.ResultCode()
		r.receipt, _ = f.Receipt()
		if v, ok := f.TLVValue(zvt.TagExtraResult); ok {
			r.hostCode = string(v)
		}
		if v, ok := f.TLVValue(zvt.TagExtErrorText); ok {
			r.text = zvt.CP437.DecodeText(v)
		} else if s, ok := f.Text(zvt.BMPText, zvt.CP437); ok {
			r.text = s
		}
	}
	if tr.end == nil {
		return r
	}
	a, _, _ := zvt.ReadAPDU(tr.end)
	switch a.Command() {
	case zvt.CmdCompletion:
		r.approved = si != nil && r.code == 0
	case zvt.CmdAbortPT:
		if len(a.Data) > 0 {
			r.code = a.Data[0]
			if f, err := zvt.DecodeBMPs(a.Data[1:]); err == nil && r.text == "" {
				if v, ok := f.TLVValue(zvt.TagExtErrorText); ok {
					r.text = zvt.CP437.DecodeText(v)
				}
			}
		}
	}
	if r.hostCode == "" && r.code >= 0x01 && r.code <= 0x63 {
		r.hostCode = fmt.Sprintf("%02d", r.code)
	}
	return r
}

// Literal ECR commands (research/zvt.md §3, §5).
var (
	// Registration: password 000000, config 08 (send intermediate status),
	// currency 01 56 (CNY, no tag), 06 00 = "I support TLV".
	cmdRegister = []byte{0x06, 0x00, 0x08, 0x00, 0x00, 0x00, 0x08, 0x01, 0x56, 0x06, 0x00}
	// Status Enquiry with password 000000.
	cmdStatus = []byte{0x05, 0x01, 0x03, 0x00, 0x00, 0x00}
	// Diagnosis, no data (extended diagnosis is the default).
	cmdDiagnosis = []byte{0x06, 0x70, 0x00}
	// Read Card, timeout 15 s.
	cmdReadCard = []byte{0x06, 0xC0, 0x01, 0x0F}
	// Initialisation with password 000000.
	cmdInit = []byte{0x06, 0x93, 0x03, 0x00, 0x00, 0x00}
	// Repeat Receipt, password, service byte 01 (resend the 04 0F).
	cmdRepeat = []byte{0x06, 0x20, 0x05, 0x00, 0x00, 0x00, 0x03, 0x01}
)

// cmdAuth is Authorization 06 01 with BMP 04 amount (minor units) and 49 CNY.
func cmdAuth(amount int64) []byte {
	b := []byte{0x06, 0x01, 0x0A, 0x04}
	b = append(b, bcd(amount, 6)...)
	return append(b, 0x49, 0x01, 0x56)
}

// cmdReversal is Reversal 06 30 with password and BMP 87 receipt number.
func cmdReversal(receipt int) []byte {
	b := []byte{0x06, 0x30, 0x06, 0x00, 0x00, 0x00, 0x87}
	return append(b, bcd(int64(receipt), 2)...)
}

func bcd(v int64, n int) []byte {
	out := make([]byte, n)
	for i := n - 1; i >= 0; i-- {
		out[i] = byte(v%10) | byte(v/10%10)<<4
		v /= 100
	}
	return out
}

// startTCP serves sc on a loopback listener and returns an ECR on it.
func startTCP(t testing.TB, sc *sim.Scenario, opts sim.Options) (*ecr, *sim.Terminal, func() *ecr) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	f, err := sim.ListenTCP(ctx, "127.0.0.1:0", sc, opts, 1)
	if err != nil {
		cancel()
		t.Fatal(err)
	}
	var wires []wire
	t.Cleanup(func() {
		for _, w := range wires {
			w.close()
		}
		cancel()
		f.Close()
	})
	dial := func() *ecr {
		w := dialTCP(t, f.Addrs()[0])
		wires = append(wires, w)
		return &ecr{t: t, w: w}
	}
	return dial(), f.Terminals()[0], dial
}
