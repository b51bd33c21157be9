//go:build !linux && !darwin

package sim

import (
	"context"
	"errors"
)

// PTYSupported reports whether ServePTY works on this platform.
const PTYSupported = false

// ServePTY is only available on Linux and macOS.
func (t *Terminal) ServePTY(ctx context.Context) (string, <-chan error, error) {
	return "", nil, errors.New("--pty needs Linux or macOS; on Windows use --listen and a tcp:// target")
}
