//go:build unix

package link

import (
	"errors"
	"io"
	"net"
	"syscall"
)

// rawIO reads and writes the socket under a connection without waiting and
// without arming deadlines. It is made once per connection: its callbacks
// are bound then, so a look or a write allocates nothing. Reads and writes
// may run at the same time (they use separate fields), but not two reads or
// two writes.
type rawIO struct {
	rc      syscall.RawConn
	rbuf    []byte
	rn      int
	rerr    error
	wbuf    []byte
	wn      int
	werr    error
	readFn  func(fd uintptr) bool
	writeFn func(fd uintptr) bool
}

// newRawIO returns nil when c is not a plain socket (TLS, a pipe): the
// caller then reads with a short deadline and writes the usual way.
func newRawIO(c net.Conn) *rawIO {
	sc, ok := c.(syscall.Conn)
	if !ok {
		return nil
	}
	rc, err := sc.SyscallConn()
	if err != nil {
		return nil
	}
	r := &rawIO{rc: rc}
	r.readFn, r.writeFn = r.doRead, r.doWrite
	return r
}

func (r *rawIO) doRead(fd uintptr) bool {
	for {
		r.rn, r.rerr = syscall.Read(int(fd), r.rbuf)
		if r.rerr != syscall.EINTR {
			return true // never wait: this is a look, not a read
		}
	}
}

func (r *rawIO) doWrite(fd uintptr) bool {
	for {
		r.wn, r.werr = syscall.Write(int(fd), r.wbuf)
		if r.werr != syscall.EINTR {
			return true
		}
	}
}

// readNow reads what the socket holds right now: n > 0 bytes, or err io.EOF
// when the peer closed, or errNothing when nothing is there. ok is false
// when r is nil.
func (r *rawIO) readNow(buf []byte) (n int, ok bool, err error) {
	if r == nil {
		return 0, false, nil
	}
	r.rbuf, r.rn, r.rerr = buf, 0, nil
	cerr := r.rc.Read(r.readFn)
	n, err = r.rn, r.rerr
	r.rbuf = nil
	switch {
	case cerr != nil:
		// The descriptor is closed, or a read deadline has passed.
		return 0, true, cerr
	case err == syscall.EAGAIN || errors.Is(err, syscall.EWOULDBLOCK):
		return 0, true, errNothing
	case err != nil:
		return 0, true, err
	case n == 0 && len(buf) > 0:
		return 0, true, io.EOF
	}
	return n, true, nil
}

// writeNow writes as much of b as the socket takes right now. It reports
// n = 0 when it wrote nothing or failed (the caller then writes the usual
// way, which reports the error in full); ok is false when r is nil.
func (r *rawIO) writeNow(b []byte) (n int, ok bool) {
	if r == nil {
		return 0, false
	}
	r.wbuf, r.wn, r.werr = b, 0, nil
	cerr := r.rc.Write(r.writeFn)
	n, err := r.wn, r.werr
	r.wbuf = nil
	if cerr != nil || err != nil || n < 0 {
		return 0, true
	}
	return n, true
}
