//go:build linux || darwin

package sim

import (
	"context"
	"fmt"

	"github.com/creack/pty"
	"golang.org/x/term"
)

// PTYSupported reports whether ServePTY works on this platform.
const PTYSupported = true

// ServePTY creates a pseudo-terminal pair, speaks the ZVT serial framing on
// its master side and returns the path of the other side (/dev/pts/N) for an
// ECR to open as a serial port. The slave is kept open and in raw mode, so
// ECRs can open and close it repeatedly. Serving stops when ctx ends; done
// then receives the result.
func (t *Terminal) ServePTY(ctx context.Context) (path string, done <-chan error, err error) {
	master, slave, err := pty.Open()
	if err != nil {
		return "", nil, fmt.Errorf("open pty: %w", err)
	}
	if _, err := term.MakeRaw(int(slave.Fd())); err != nil {
		master.Close()
		slave.Close()
		return "", nil, fmt.Errorf("pty raw mode: %w", err)
	}
	ch := make(chan error, 1)
	go func() {
		err := t.ServeSerial(ctx, master)
		slave.Close()
		ch <- err
	}()
	return slave.Name(), ch, nil
}
