//go:build !unix

package link

import "net"

// rawIO is the look and write without waiting of readnow_unix.go; elsewhere
// the caller reads with a short deadline and writes the usual way.
type rawIO struct{}

func newRawIO(net.Conn) *rawIO { return nil }

func (r *rawIO) readNow([]byte) (int, bool, error) { return 0, false, nil }

func (r *rawIO) writeNow([]byte) (int, bool) { return 0, false }
