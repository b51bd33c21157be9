package link

import (
	"context"
	"errors"
	"fmt"
	"io"
	"sync"
	"time"
)

// Serial timeouts (PA00P016 §3, research/zvt.md §2.4).
const (
	// DefaultT1 is the longest gap between two bytes of one frame.
	DefaultT1 = 200 * time.Millisecond
	// DefaultT2 is how long a sender waits for ACK or NAK.
	DefaultT2 = 5 * time.Second
	// DefaultRepeats is how often a frame is repeated after NAK or T2.
	DefaultRepeats = 2
)

// SerialOptions tunes [NewSerial]. Zero values take the defaults.
type SerialOptions struct {
	T1      time.Duration // inter-byte timeout, default 200 ms
	T2      time.Duration // ACK timeout, default 5 s
	Repeats int           // repeats after NAK or T2, default 2; -1 for none
	MaxLen  int           // largest APDU data length, default 65535
	// Notify, when set, is told about link-level events worth a trace line
	// (NAK sent or received, repeats, ignored bytes). It must not block.
	Notify func(msg string)
}

func (o *SerialOptions) defaults() {
	if o.T1 <= 0 {
		o.T1 = DefaultT1
	}
	if o.T2 <= 0 {
		o.T2 = DefaultT2
	}
	switch {
	case o.Repeats == 0:
		o.Repeats = DefaultRepeats
	case o.Repeats < 0:
		o.Repeats = 0
	}
	if o.MaxLen <= 0 || o.MaxLen > DefaultMaxLen {
		o.MaxLen = DefaultMaxLen
	}
}

// NewSerial runs the ZVT serial transport over rw: frames are DLE STX …
// DLE ETX CRC, each answered by a bare ACK or NAK. It is symmetric, so both
// the console (ECR) and the simulator (PT) use it. The receiving side ACKs a
// well-formed frame before handing it to Receive and NAKs a bad CRC, a DLE
// followed by anything but DLE or ETX, an over-long frame, or a frame that
// stalls for T1. Send repeats a frame at most Repeats times after NAK or T2
// and then fails with [ErrTransmission] inside a [*WriteError].
//
// NewSerial starts a goroutine reading rw; Close closes rw, which must unblock
// a pending Read (a go.bug.st/serial port or a non-blocking *os.File does).
func NewSerial(rw io.ReadWriteCloser, opts SerialOptions) Conn {
	opts.defaults()
	c := &serialConn{
		rw:     rw,
		opts:   opts,
		ctrl:   make(chan byte, 8),
		frames: make(chan []byte, 64),
		done:   make(chan struct{}),
		closed: make(chan struct{}),
	}
	chunks := make(chan []byte)
	go c.readLoop(chunks)
	go c.parseLoop(chunks)
	return c
}

type serialConn struct {
	rw   io.ReadWriteCloser
	opts SerialOptions

	sendMu sync.Mutex // one Send (frame + ACK wait) at a time
	wmu    sync.Mutex // one Write at a time

	ctrl   chan byte   // ACK or NAK from the peer
	frames chan []byte // good frames, already ACKed
	done   chan struct{}
	err    error // why the reader stopped; set before done is closed

	closeOnce sync.Once
	closed    chan struct{}
	readErr   error // set by readLoop before it closes chunks
}

func (c *serialConn) notify(format string, a ...any) {
	if c.opts.Notify != nil {
		c.opts.Notify(fmt.Sprintf(format, a...))
	}
}

func (c *serialConn) readLoop(chunks chan<- []byte) {
	defer close(chunks)
	buf := make([]byte, 4096)
	for {
		n, err := c.rw.Read(buf)
		if n > 0 {
			b := make([]byte, n)
			copy(b, buf[:n])
			select {
			case chunks <- b:
			case <-c.closed:
				return
			}
		}
		if err != nil {
			c.readErr = err
			return
		}
	}
}

// parseLoop is the receiving side: the [Deframer] parses, this loop keeps
// the time (T1) and answers. It ACKs a good frame before handing it on, NAKs
// what the Deframer says deserves it, and passes ACK/NAK to Send.
func (c *serialConn) parseLoop(chunks <-chan []byte) {
	d := Deframer{MaxFrame: c.opts.MaxLen + 5}
	var evs []Event
	t1 := time.NewTimer(time.Hour)
	t1.Stop()
	defer t1.Stop()
	finish := func(err error) {
		c.err = err
		close(c.done)
	}
	for {
		select {
		case <-c.closed:
			finish(ErrClosed)
			return
		case <-t1.C:
			if d.InFrame() {
				c.notify("serial: frame stalled for more than T1 (%v) after %d bytes: sent NAK", c.opts.T1, d.Buffered())
				c.writeCtrl(NAK)
			}
			d.Reset()
		case chunk, ok := <-chunks:
			if !ok {
				finish(c.endErr(&d))
				return
			}
			// Flush: skipped bytes are noticed once per read, at once.
			evs = d.Flush(d.Feed(evs[:0], chunk))
			if !c.act(evs) {
				finish(ErrClosed)
				return
			}
			if d.Idle() {
				t1.Stop()
			} else {
				t1.Reset(c.opts.T1)
			}
		}
	}
}

// act answers and delivers the events of one read. It reports false when
// the link was closed while a frame waited to be taken.
func (c *serialConn) act(evs []Event) bool {
	skipped, show := 0, []byte(nil)
	for _, ev := range evs {
		switch {
		case ev.Kind == EventFrame:
			c.writeCtrl(ACK)
			select {
			case c.frames <- ev.APDU:
			case <-c.closed:
				return false
			}
		case ev.Kind.Control() != 0:
			select {
			case c.ctrl <- ev.Kind.Control():
			default: // nobody waits; a stray ACK/NAK is dropped
			}
		case ev.Kind == EventSkipped:
			skipped += ev.End - ev.Offset
			show = append(show, ev.Skipped...)
		case ev.Kind.NAK():
			c.notify("serial: %s: sent NAK", reason(ev.Err))
			c.writeCtrl(NAK)
		}
	}
	if skipped > 0 {
		// One notice per read, not per byte: line noise must not flood the
		// trace. At most SkippedHead bytes are shown: they may be the data
		// of a frame whose DLE STX was lost, and a BCD PAN needs 7.
		c.notify("serial: ignored %d bytes outside a frame: % X", skipped, show[:min(len(show), SkippedHead)])
	}
	return true
}

// endErr is why the reader stopped once rw gave no more bytes.
func (c *serialConn) endErr(d *Deframer) error {
	select {
	case <-c.closed:
		return ErrClosed
	default:
	}
	if err := c.readErr; err != nil && !errors.Is(err, io.EOF) {
		return fmt.Errorf("link: serial read: %w", err)
	}
	if !d.Idle() {
		return io.ErrUnexpectedEOF
	}
	return io.EOF
}

// writeCtrl sends a bare ACK or NAK. A failure shows up in the reader.
func (c *serialConn) writeCtrl(b byte) {
	_, _ = c.write(context.Background(), []byte{b})
}

// write writes b with a deadline of T2: a serial Write has no timeout of its
// own, so it runs in a goroutine and a stalled write is reported, not waited
// for forever.
func (c *serialConn) write(ctx context.Context, b []byte) (int, error) {
	type result struct {
		n   int
		err error
	}
	res := make(chan result, 1)
	go func() {
		c.wmu.Lock()
		defer c.wmu.Unlock()
		n, err := c.rw.Write(b)
		res <- result{n, err}
	}()
	t := time.NewTimer(c.opts.T2)
	defer t.Stop()
	select {
	case r := <-res:
		if r.err != nil {
			select {
			case <-c.closed:
				r.err = ErrClosed
			default:
				r.err = fmt.Errorf("link: serial write: %w", r.err)
			}
		}
		return r.n, r.err
	case <-t.C:
		return len(b), fmt.Errorf("link: serial write stalled for %v: is the cable connected and the port free of flow control?", c.opts.T2)
	case <-ctx.Done():
		return len(b), ctx.Err()
	case <-c.closed:
		return len(b), ErrClosed
	}
}

// Send frames apdu, writes it and waits for ACK, repeating after NAK or T2.
func (c *serialConn) Send(ctx context.Context, apdu []byte) error {
	if len(apdu) > c.opts.MaxLen+5 {
		return &WriteError{Err: fmt.Errorf("link: %w: %d bytes", ErrTooLong, len(apdu))}
	}
	frame := AppendFrame(nil, apdu)
	c.sendMu.Lock()
	defer c.sendMu.Unlock()
	select {
	case <-c.closed:
		return &WriteError{Err: ErrClosed}
	case <-c.done:
		return &WriteError{Err: c.err}
	default:
	}
	for { // drop stale ACK/NAK
		select {
		case <-c.ctrl:
			continue
		default:
		}
		break
	}
	sent, naks := 0, 0
	var last string
	attempts := c.opts.Repeats + 1
	for i := range attempts {
		if i > 0 {
			c.notify("serial: %s: repeating frame (attempt %d of %d)", last, i+1, attempts)
		}
		n, err := c.write(ctx, frame)
		sent += n
		if err != nil {
			return &WriteError{Err: err, Sent: sent}
		}
		t := time.NewTimer(c.opts.T2)
		select {
		case b := <-c.ctrl:
			t.Stop()
			if b == ACK {
				return nil
			}
			naks++
			last = "peer answered NAK"
		case <-t.C:
			last = fmt.Sprintf("no ACK within T2 (%v)", c.opts.T2)
		case <-c.done:
			t.Stop()
			return &WriteError{Err: c.err, Sent: sent}
		case <-ctx.Done():
			t.Stop()
			return &WriteError{Err: ctx.Err(), Sent: sent}
		}
	}
	return &WriteError{
		Err:     fmt.Errorf("link: serial %w: the terminal did not acknowledge the frame after %d attempts (last: %s)", ErrTransmission, attempts, last),
		Sent:    sent,
		Refused: naks == attempts,
	}
}

// Receive returns the next frame's APDU; the frame has been ACKed already.
func (c *serialConn) Receive(ctx context.Context) ([]byte, error) {
	select {
	case f := <-c.frames:
		return f, nil
	default:
	}
	select {
	case f := <-c.frames:
		return f, nil
	case <-c.done:
		select {
		case f := <-c.frames:
			return f, nil
		default:
		}
		return nil, c.err
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// Answer is Send: a serial link never reconnects, so an answer always goes
// to the peer that sent the APDU it answers.
func (c *serialConn) Answer(ctx context.Context, apdu []byte) error { return c.Send(ctx, apdu) }

// Reset drops frames received but not yet taken, so that a late answer to
// an abandoned command cannot be taken for the answer to the next one.
func (c *serialConn) Reset() error {
	for {
		select {
		case <-c.frames:
		default:
			return nil
		}
	}
}

// Close closes the underlying port.
func (c *serialConn) Close() error {
	var err error
	c.closeOnce.Do(func() {
		close(c.closed)
		err = c.rw.Close()
	})
	return err
}
