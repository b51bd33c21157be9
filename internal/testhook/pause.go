package testhook

import (
	"context"
	"os"
	"time"
)

// Environment variables read by [PauseFromEnv]. Only test builds reference
// PauseFromEnv, so these names are not in the release binary
// (cmd/posdoctor TestReleaseBinaryHasNoTestHook checks it).
const (
	PauseEnv     = "POSDOCTOR_TEST_PAUSE_AFTER_AUTH"
	PauseFileEnv = "POSDOCTOR_TEST_PAUSE_FILE"
)

// PauseFromEnv is an [AfterApproval] for tests that drive the real binary:
// when $POSDOCTOR_TEST_PAUSE_AFTER_AUTH is a duration it writes the file
// named by $POSDOCTOR_TEST_PAUSE_FILE (if set) and sleeps that long, or
// until ctx ends.
func PauseFromEnv(ctx context.Context) {
	d, err := time.ParseDuration(os.Getenv(PauseEnv))
	if err != nil || d <= 0 {
		return
	}
	if f := os.Getenv(PauseFileEnv); f != "" {
		_ = os.WriteFile(f, []byte("paused\n"), 0o600)
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
	case <-ctx.Done():
	}
}
