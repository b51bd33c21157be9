//go:build linux || darwin

package main

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/posdoctor/posdoctor/internal/testhook"
)

// testHookMarks are what the pause hook leaves in a binary that has it:
// its environment variables and its function's symbol.
var testHookMarks = []string{testhook.PauseEnv, testhook.PauseFileEnv, "testhook.PauseFromEnv"}

// TestReleaseBinaryHasNoTestHook (issue 9): the binary built as README
// builds it (`make build`: go build -o bin/posdoctor ./cmd/posdoctor) holds
// no trace of the pause between an approved test payment and its
// Reversal, so no environment can switch it on. The e2e binary, built with
// -tags posdoctor_testhook, has it: that shows the search finds it.
func TestReleaseBinaryHasNoTestHook(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary: skipped with -short")
	}
	bin := filepath.Join(t.TempDir(), "posdoctor")
	cmd := exec.Command("go", "build", "-o", bin, "./cmd/posdoctor")
	cmd.Dir = "../.."
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	release, err := os.ReadFile(bin)
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range testHookMarks {
		if bytes.Contains(release, []byte(m)) {
			t.Errorf("the release binary contains %q", m)
		}
	}
	tagged, err := os.ReadFile(posdoctorBinary(t))
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range testHookMarks {
		if !bytes.Contains(tagged, []byte(m)) {
			t.Errorf("the test build (-tags posdoctor_testhook) lacks %q: the search would not find the hook", m)
		}
	}
}
