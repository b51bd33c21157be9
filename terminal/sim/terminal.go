package sim

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"sync"
	"time"

	"github.com/posdoctor/posdoctor/terminal"
	"github.com/posdoctor/posdoctor/terminal/zvt"
)

// Options change a simulated terminal beyond its scenario file.
type Options struct {
	// Faults are switched on in addition to the scenario's ("NAME" or
	// "NAME=ARG", see [FaultNames]). Invalid ones make [ListenTCP] fail;
	// check them with [ParseFault] first.
	Faults []string
	// Latency is added before every answer.
	Latency time.Duration
	// Now is the real clock (default time.Now).
	Now func() time.Time
	// Trace, when set, gets one line per APDU in either direction, decoded
	// with card data masked ("posdoctor sim --trace").
	Trace io.Writer
}

// Terminal is one simulated ZVT payment terminal (the PT side). Its state
// (keys, journal, registration) persists across connections. It is safe for
// concurrent use; commands from several connections run one at a time, as on
// a real terminal.
type Terminal struct {
	sc     *Scenario
	opts   Options
	faults faultSet
	cs     zvt.Charset
	bad    error // first invalid fault in Options

	// answerWait is how long the PT waits for the ECR's 80 00 to one of its
	// messages; t2 how long for a serial ACK. Tests shorten them.
	answerWait, t2 time.Duration

	cmdMu sync.Mutex // one command at a time

	mu         sync.Mutex // state below
	status     byte
	device     terminal.DeviceState
	cfg        byte // config byte from Registration
	tlv        bool // the ECR said it supports TLV
	textBlocks bool // the ECR listed 06 D3 in TLV 26
	trace      int
	receipt    int
	journal    []*Txn
	last       *Txn
	ruleUsed   []int
	offset     time.Duration
	start      time.Time
}

// New returns a terminal playing sc with opts. sc is not modified.
func New(sc *Scenario, opts Options) *Terminal {
	if opts.Now == nil {
		opts.Now = time.Now
	}
	t := &Terminal{sc: sc, opts: opts, status: sc.Identity.Status, device: sc.Identity.DeviceState,
		ruleUsed: make([]int, len(sc.Host)), start: opts.Now(), answerWait: answerTimeout, t2: serialT2}
	for _, f := range sc.Faults {
		t.faults.add(f)
	}
	for _, s := range opts.Faults {
		f, err := ParseFault(s)
		if err != nil {
			if t.bad == nil {
				t.bad = fmt.Errorf("--fault %s: %w", s, err)
			}
			continue
		}
		t.faults.add(f)
	}
	t.faults.latency += opts.Latency
	t.cs, _ = zvt.ParseCharset(sc.Identity.Charset)
	if t.faults.iso88591 {
		t.cs = zvt.ISO88591
	}
	return t
}

// Scenario returns the scenario the terminal plays.
func (t *Terminal) Scenario() *Scenario { return t.sc }

// TID returns the terminal id.
func (t *Terminal) TID() string { return t.sc.Identity.TID }

// DeviceState returns the terminal's current device state (it changes
// after a successful Initialisation).
func (t *Terminal) DeviceState() terminal.DeviceState {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.device
}

// now is the terminal's clock.
func (t *Terminal) now() time.Time {
	real := t.opts.Now()
	if !t.sc.Identity.Time.IsZero() {
		return t.sc.Identity.Time.Add(real.Sub(t.start) + t.offset)
	}
	return real.Add(t.offset)
}

// ServeConn speaks ZVT over TCP framing (raw APDUs) on nc until the peer
// closes it, a fault drops it or ctx ends. It closes nc. A peer that goes
// away is not an error.
func (t *Terminal) ServeConn(ctx context.Context, nc net.Conn) error {
	if t.bad != nil {
		nc.Close()
		return t.bad
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	// Closing on ctx's end needs no goroutine of its own per connection.
	context.AfterFunc(ctx, func() { nc.Close() })
	c := &tcpConn{nc: nc, f: &t.faults}
	return t.serve(ctx, t.traced(c), false)
}

// Serve accepts connections on ln and serves each with [Terminal.ServeConn]
// (the terminal's state persists across them) until ln is closed. It
// returns once every connection it started has ended: end ctx as well as
// closing ln to stop it.
func (t *Terminal) Serve(ctx context.Context, ln net.Listener) {
	var conns sync.WaitGroup
	defer conns.Wait()
	for {
		nc, err := ln.Accept()
		if err != nil {
			return
		}
		conns.Add(1)
		go func() {
			defer conns.Done()
			_ = t.ServeConn(ctx, nc)
		}()
	}
}

// ServeSerial speaks ZVT serial framing (DLE STX … DLE ETX CRC, ACK/NAK, 2
// repeats) on rw until it is closed or ctx ends. It closes rw.
func (t *Terminal) ServeSerial(ctx context.Context, rw io.ReadWriteCloser) error {
	if t.bad != nil {
		rw.Close()
		return t.bad
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	c := newSerialConn(rw, &t.faults, t.t2)
	context.AfterFunc(ctx, func() { c.Close() })
	return t.serve(ctx, t.traced(c), true)
}

// banner is what a Worldline Yomani sent on port 5001 (research/zvt.md §7.5).
var banner = append([]byte{0x00, 0x00, 0x00, 0x3E}, "VER|APP 19.46.69|MODEL Yomani 2|SERIAL 00000000|STATUS OK\r\n"...)

type rawWriter interface{ WriteRaw(b []byte) error }

func (t *Terminal) serve(ctx context.Context, c ptConn, serial bool) error {
	defer c.Close()
	if t.faults.banner {
		if w, ok := c.(rawWriter); ok {
			if err := w.WriteRaw(banner); err != nil {
				return nil
			}
		}
	}
	for {
		rctx, cancel := ctx, context.CancelFunc(func() {})
		if t.faults.idleClose > 0 {
			rctx, cancel = context.WithTimeout(ctx, t.faults.idleClose)
		}
		apdu, err := c.Receive(rctx)
		cancel()
		if err != nil {
			if ctx.Err() != nil || isClosed(err) || errors.Is(err, context.DeadlineExceeded) || errors.Is(err, os.ErrDeadlineExceeded) {
				return nil // peer gone, idle close, or shutdown
			}
			return err
		}
		if isAnswer(apdu) {
			// 80 00 / 84 xx from the ECR with no PT message waiting for it:
			// a late or repeated acknowledgement (e.g. of Read Card's 04 0F,
			// or of a message of a connection that was dropped, arriving on
			// the new one). It is an answer, not a command: a real terminal
			// ignores it. Answering it with 84 83 would make an ECR that
			// acknowledges everything acknowledge that too, forever.
			continue
		}
		if err := t.command(ctx, c, apdu, serial); err != nil {
			if t.opts.Trace != nil && !errors.Is(err, errDropped) {
				traceMu.Lock()
				fmt.Fprintf(t.opts.Trace, "%s %s %v\n", t.opts.Now().Format("15:04:05.000"), t.sc.Identity.TID, err)
				traceMu.Unlock()
			}
			if errors.Is(err, errDropped) || ctx.Err() != nil {
				return nil
			}
			var se *StepError
			if errors.As(err, &se) && se.Err != nil && isClosed(se.Err) {
				return nil
			}
			if errors.As(err, &se) && se.Err != nil {
				// Timeout waiting for the ECR: the link is unusable.
				return nil
			}
		}
	}
}

// isAnswer reports whether b is an answer (80 00 or 84 xx), not a command.
func isAnswer(b []byte) bool {
	return len(b) >= 2 && (b[0] == 0x80 && b[1] == 0x00 || b[0] == 0x84)
}

func isClosed(err error) bool {
	return errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, net.ErrClosed) ||
		errors.Is(err, os.ErrClosed) || errors.Is(err, errDropped) || errors.Is(err, errSerialClosed)
}

// command handles one ECR command: compile it into steps, play them, and
// make sure no payment is left pending whatever happened on the link.
func (t *Terminal) command(ctx context.Context, c ptConn, apdu []byte, serial bool) error {
	t.cmdMu.Lock()
	defer t.cmdMu.Unlock()
	if t.faults.neverAck && !serial {
		return nil // TCP: the ECR's T3 expires
	}
	steps, pending := t.handle(apdu)
	err := t.run(ctx, c, steps)
	if pending != nil {
		t.mu.Lock()
		still := pending.State == statePending
		t.mu.Unlock()
		if still {
			t.autoReverse(pending)
		}
	}
	return err
}

// tcpConn reads and writes raw APDUs on a TCP connection, putting APDUs
// back together from arbitrary segments.
type tcpConn struct {
	nc   net.Conn
	f    *faultSet
	buf  []byte
	rd   [4096]byte
	sent int
	out  []byte // queued APDUs, written with the next Send
}

func (c *tcpConn) Receive(ctx context.Context) ([]byte, error) {
	dl, _ := ctx.Deadline()
	return c.receive(ctx, dl)
}

// receive is Receive with the read deadline dl (zero: none). A read that
// reaches dl is context.DeadlineExceeded, as Receive's context would say.
func (c *tcpConn) receive(ctx context.Context, dl time.Time) ([]byte, error) {
	for {
		if len(c.buf) >= 3 {
			a, n, err := zvt.ReadAPDU(c.buf)
			if err == nil {
				out, _ := zvt.AppendAPDU(nil, a.Class, a.Instr, a.Data)
				c.buf = append(c.buf[:0], c.buf[n:]...)
				return out, nil
			}
			if !errors.Is(err, zvt.ErrShort) {
				return nil, err
			}
		}
		_ = c.nc.SetReadDeadline(dl)
		n, err := c.nc.Read(c.rd[:])
		c.buf = append(c.buf, c.rd[:n]...)
		if err != nil {
			if ctx.Err() != nil {
				return nil, ctx.Err()
			}
			if !dl.IsZero() && errors.Is(err, os.ErrDeadlineExceeded) {
				return nil, context.DeadlineExceeded
			}
			if len(c.buf) > 0 && errors.Is(err, io.EOF) {
				return nil, io.ErrUnexpectedEOF
			}
			return nil, err
		}
	}
}

func (c *tcpConn) Send(ctx context.Context, apdu []byte) error {
	if dl, ok := ctx.Deadline(); ok {
		_ = c.nc.SetWriteDeadline(dl)
	} else {
		_ = c.nc.SetWriteDeadline(time.Now().Add(answerTimeout))
	}
	b := apdu
	if len(c.out) > 0 {
		b = append(c.out, apdu...)
		c.out = c.out[:0]
	}
	if _, err := c.nc.Write(b); err != nil {
		return err
	}
	c.sent++
	if c.f.dropAfter > 0 && c.sent >= c.f.dropAfter {
		c.nc.Close()
		return errDropped
	}
	return nil
}

// Queue keeps apdu to go out in one write with the next Send, as a PT
// sends 80 00 and the message after it back to back. The drop-after fault
// counts messages one write each, so with it nothing is queued.
func (c *tcpConn) Queue(apdu []byte) bool {
	if c.f.dropAfter > 0 {
		return false
	}
	c.out = append(c.out, apdu...)
	return true
}

func (c *tcpConn) WriteRaw(b []byte) error {
	_ = c.nc.SetWriteDeadline(time.Now().Add(answerTimeout))
	_, err := c.nc.Write(b)
	return err
}

func (c *tcpConn) Close() error { return c.nc.Close() }
