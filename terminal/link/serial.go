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

// Receiver states.
const (
	stIdle     = iota
	stDLE      // got DLE outside a frame
	stData     // inside a frame
	stDataDLE  // got DLE inside a frame
	stCRC      // after DLE ETX, reading 2 CRC bytes
	stOverlong // frame too long: waiting for the line to go quiet
)

func (c *serialConn) parseLoop(chunks <-chan []byte) {
	state := stIdle
	var (
		data    []byte
		crc     uint16
		crcB    []byte
		ignored []byte
	)
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
			if state != stIdle && state != stDLE {
				c.notify("serial: frame stalled for more than T1 (%v) after %d bytes: sent NAK", c.opts.T1, len(data))
				c.writeCtrl(NAK)
			}
			state = stIdle
		case chunk, ok := <-chunks:
			if !ok {
				err := c.readErr
				select {
				case <-c.closed:
					err = ErrClosed
				default:
					if err == nil || errors.Is(err, io.EOF) {
						err = io.EOF
						if state != stIdle {
							err = io.ErrUnexpectedEOF
						}
					} else {
						err = fmt.Errorf("link: serial read: %w", err)
					}
				}
				finish(err)
				return
			}
			for _, b := range chunk {
				switch state {
				case stIdle:
					switch b {
					case ACK, NAK:
						select {
						case c.ctrl <- b:
						default: // nobody waits; a stray ACK/NAK is dropped
						}
					case DLE:
						state = stDLE
					default:
						ignored = append(ignored, b)
					}
				case stDLE:
					switch b {
					case STX:
						state, data, crc = stData, data[:0], 0
					case DLE:
						// stay: the second DLE may start the frame
					default:
						ignored = append(ignored, DLE, b)
						state = stIdle
					}
				case stData:
					if b == DLE {
						state = stDataDLE
						continue
					}
					data = append(data, b)
					crc = crcUpdate(crc, b)
				case stDataDLE:
					switch b {
					case DLE:
						data = append(data, DLE)
						crc = crcUpdate(crc, DLE)
						state = stData
					case ETX:
						crc = crcUpdate(crc, ETX)
						crcB = crcB[:0]
						state = stCRC
					default:
						c.notify("serial: DLE followed by %02X inside a frame (want 10 or 03): sent NAK", b)
						c.writeCtrl(NAK)
						state = stIdle
					}
				case stCRC:
					crcB = append(crcB, b)
					if len(crcB) < 2 {
						continue
					}
					state = stIdle
					got := uint16(crcB[0]) | uint16(crcB[1])<<8
					if got != crc {
						c.notify("serial: bad CRC: computed %02X %02X, received %02X %02X: sent NAK", byte(crc), byte(crc>>8), crcB[0], crcB[1])
						c.writeCtrl(NAK)
						continue
					}
					c.writeCtrl(ACK)
					apdu := make([]byte, len(data))
					copy(apdu, data)
					select {
					case c.frames <- apdu:
					case <-c.closed:
						finish(ErrClosed)
						return
					}
				case stOverlong:
					// swallow bytes until T1 passes without any
				}
				if (state == stData || state == stDataDLE) && len(data) > c.opts.MaxLen+5 {
					c.notify("serial: frame longer than %d bytes: sent NAK", c.opts.MaxLen+5)
					c.writeCtrl(NAK)
					state = stOverlong
				}
			}
			if len(ignored) > 0 {
				// One notice per read, not per byte: line noise must not
				// flood the trace. The bytes may be the data of a frame
				// whose DLE STX was lost, so at most 6 are shown: a BCD PAN
				// (13 digits or more) needs 7.
				show := ignored[:min(len(ignored), 6)]
				c.notify("serial: ignored %d bytes outside a frame: % X", len(ignored), show)
				ignored = ignored[:0]
			}
			if state != stIdle {
				t1.Reset(c.opts.T1)
			} else {
				t1.Stop()
			}
		}
	}
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
