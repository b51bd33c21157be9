//go:build posdoctor_testhook

package main

import "github.com/posdoctor/posdoctor/internal/testhook"

// A binary built with -tags posdoctor_testhook (the tmux end-to-end tests
// build one) can be held between an approved test payment and its
// Reversal through $POSDOCTOR_TEST_PAUSE_AFTER_AUTH. The release build
// (`go build ./cmd/posdoctor`) has no such file and no such variable.
func init() { testhook.AfterApproval = testhook.PauseFromEnv }
