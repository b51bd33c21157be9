package sim

import (
	"context"
	"errors"
	"io"
	"sync"
	"time"

	"github.com/posdoctor/posdoctor/terminal/link"
)

// Serial transport constants (PA00P016 §2.1, §3; research/zvt.md §2.4).
const (
	serialT1      = 200 * time.Millisecond // max gap between bytes of a frame
	serialT2      = 5 * time.Second        // wait for ACK/NAK
	serialRepeats = 2                      // repeats after NAK or T2
)

var errSerialClosed = errors.New("serial line closed")

// errNoAck is a frame the ECR never acknowledged after all repeats.
var errNoAck = errors.New("serial: no ACK from the ECR after 2 repeats")

// serialConn is the PT's end of the ZVT serial link: its own small sender
// on top of link.AppendFrame, so the faults (never ACK, corrupted frames)
// can sit inside it, and the receiver every serial link runs, link.Deframer.
type serialConn struct {
	rw   io.ReadWriteCloser
	f    *faultSet
	in   chan []byte // chunks from the reader goroutine
	done chan struct{}
	once sync.Once
	d    link.Deframer
	evs  []link.Event // received events not yet used
	sent int          // frames sent, for corrupt-byte and drop-after
	msgs int          // APDUs sent
	t2   time.Duration
}

func newSerialConn(rw io.ReadWriteCloser, f *faultSet, t2 time.Duration) *serialConn {
	c := &serialConn{rw: rw, f: f, in: make(chan []byte, 16), done: make(chan struct{}), t2: t2}
	go c.readLoop()
	return c
}

func (c *serialConn) readLoop() {
	b := make([]byte, 1024)
	for {
		n, err := c.rw.Read(b)
		if n > 0 {
			chunk := append([]byte(nil), b[:n]...)
			select {
			case c.in <- chunk:
			case <-c.done:
				return
			}
		}
		if err != nil {
			close(c.in) // Receive reports errSerialClosed
			return
		}
	}
}

// more waits for more bytes until timeout (0 = only ctx).
func (c *serialConn) more(ctx context.Context, timeout time.Duration) (bool, error) {
	var tc <-chan time.Time
	if timeout > 0 {
		tm := time.NewTimer(timeout)
		defer tm.Stop()
		tc = tm.C
	}
	select {
	case chunk, ok := <-c.in:
		if !ok {
			return false, errSerialClosed
		}
		c.evs = c.d.Feed(c.evs, chunk)
		return true, nil
	case <-tc:
		return false, nil
	case <-ctx.Done():
		return false, ctx.Err()
	case <-c.done:
		return false, errSerialClosed
	}
}

func (c *serialConn) write(b []byte) error {
	_, err := c.rw.Write(b)
	return err
}

// Receive returns the next APDU whose frame is well-formed with a good CRC;
// it ACKs it (unless the never-ack fault is on) and NAKs bad frames and
// frames that stall for T1. Stray bytes (a late ACK or NAK) are dropped.
func (c *serialConn) Receive(ctx context.Context) ([]byte, error) {
	for {
		for len(c.evs) > 0 {
			ev := c.evs[0]
			c.evs = c.evs[1:]
			switch {
			case ev.Kind == link.EventFrame:
				if !c.f.neverAck {
					if err := c.write([]byte{link.ACK}); err != nil {
						return nil, err
					}
				}
				return ev.APDU, nil
			case ev.Kind.NAK():
				if err := c.write([]byte{link.NAK}); err != nil {
					return nil, err
				}
			}
		}
		var t1 time.Duration
		if c.d.InFrame() {
			t1 = serialT1
		}
		got, err := c.more(ctx, t1)
		if err != nil {
			return nil, err
		}
		if !got && t1 > 0 { // T1: inter-byte timeout, drop the frame
			c.d.Reset()
			if err := c.write([]byte{link.NAK}); err != nil {
				return nil, err
			}
		}
	}
}

// Send frames apdu, writes it and waits for ACK, repeating after NAK or T2 at
// most twice.
func (c *serialConn) Send(ctx context.Context, apdu []byte) error {
	frame := link.AppendFrame(nil, apdu)
	for try := 0; try <= serialRepeats; try++ {
		c.sent++
		out := frame
		if c.f.corruptEvery > 0 && c.sent%c.f.corruptEvery == 0 {
			out = append([]byte(nil), frame...)
			out[len(out)-2] ^= 0x5A // CRC low byte: the ECR must NAK it
		}
		if err := c.write(out); err != nil {
			return err
		}
		res, err := c.waitAck(ctx)
		if err != nil {
			return err
		}
		if res == link.ACK {
			c.msgs++
			if c.f.dropAfter > 0 && c.msgs >= c.f.dropAfter {
				c.Close()
				return errDropped
			}
			return nil
		}
	}
	return errNoAck
}

// waitAck returns link.ACK, link.NAK, or 0 after T2. Bytes skipped before the answer
// are dropped; a frame the ECR started meanwhile (a collision) is kept for
// Receive, and the answer is not looked for past it.
func (c *serialConn) waitAck(ctx context.Context) (byte, error) {
	deadline := time.Now().Add(c.t2)
	for {
		for i, ev := range c.evs {
			if b := ev.Kind.Control(); b != 0 {
				c.evs = append(c.evs[:i], c.evs[i+1:]...)
				return b, nil
			}
			if ev.Kind != link.EventSkipped {
				break
			}
		}
		left := time.Until(deadline)
		if left <= 0 {
			return 0, nil
		}
		if _, err := c.more(ctx, left); err != nil {
			return 0, err
		}
	}
}

func (c *serialConn) WriteRaw(b []byte) error { return c.write(b) }

func (c *serialConn) Close() error {
	var err error
	c.once.Do(func() {
		close(c.done)
		err = c.rw.Close()
	})
	return err
}
