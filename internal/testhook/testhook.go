// Package testhook holds the seams that only test code sets: the release
// binary never sets them, so they do nothing there. No environment variable
// reaches them from a shipped build (issue 9: no test hook in the money
// path); a test sets them in its own main (cmd/posdoctor's TestMain) or
// builds the binary with the posdoctor_testhook tag
// (cmd/posdoctor/testhook_on.go).
package testhook

import "context"

// AfterApproval, when set, runs between an approved Authorization of the
// transaction check (journaled) and its Reversal, so a test can kill the
// process exactly there. Nil in the release binary.
var AfterApproval func(ctx context.Context)

// RunAfterApproval calls AfterApproval when it is set.
func RunAfterApproval(ctx context.Context) {
	if AfterApproval != nil {
		AfterApproval(ctx)
	}
}
