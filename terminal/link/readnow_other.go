//go:build !unix

package link

import "net"

// readNow is the look without waiting of readnow_unix.go; elsewhere the
// caller reads with a short deadline.
func readNow(net.Conn, []byte) (int, bool, error) { return 0, false, nil }

// writeNow is the write without waiting of readnow_unix.go.
func writeNow(net.Conn, []byte) (int, bool) { return 0, false }
