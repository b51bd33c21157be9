//go:build unix

package link

import (
	"errors"
	"io"
	"net"
	"syscall"
)

// readNow reads what the socket under c holds right now, without waiting:
// n > 0 bytes, or err io.EOF when the peer closed, or errNothing when
// nothing is there. ok is false when c is not a plain socket (TLS, a pipe):
// the caller then reads with a short deadline instead.
func readNow(c net.Conn, buf []byte) (n int, ok bool, err error) {
	sc, isSys := c.(syscall.Conn)
	if !isSys {
		return 0, false, nil
	}
	rc, rerr := sc.SyscallConn()
	if rerr != nil {
		return 0, false, nil
	}
	cerr := rc.Read(func(fd uintptr) bool {
		for {
			n, err = syscall.Read(int(fd), buf)
			if err != syscall.EINTR {
				break
			}
		}
		return true // never wait: this is a look, not a read
	})
	switch {
	case cerr != nil:
		// The descriptor is closed, or a read deadline has passed.
		return 0, true, cerr
	case errors.Is(err, syscall.EAGAIN) || errors.Is(err, syscall.EWOULDBLOCK):
		return 0, true, errNothing
	case err != nil:
		return 0, true, err
	case n == 0 && len(buf) > 0:
		return 0, true, io.EOF
	}
	return n, true, nil
}

// writeNow writes as much of b as the socket under c takes right now,
// without waiting and without arming a deadline. It reports n = 0 when it
// wrote nothing or failed (the caller then writes the usual way, which
// reports the error in full); ok is false when c is not a plain socket.
func writeNow(c net.Conn, b []byte) (n int, ok bool) {
	sc, isSys := c.(syscall.Conn)
	if !isSys {
		return 0, false
	}
	rc, err := sc.SyscallConn()
	if err != nil {
		return 0, false
	}
	cerr := rc.Write(func(fd uintptr) bool {
		for {
			n, err = syscall.Write(int(fd), b)
			if err != syscall.EINTR {
				break
			}
		}
		return true
	})
	if cerr != nil || err != nil || n < 0 {
		return 0, true
	}
	return n, true
}
