//go:build unix

package checks

import (
	"os"
	"syscall"
)

// lockFile takes an exclusive, non-blocking lock on f; false when another
// open file (another running posdoctor) holds it. The lock ends when f is
// closed or the process dies, so kill -9 leaves no stale lock.
func lockFile(f *os.File) bool {
	return syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB) == nil
}
