package checks

import (
	"os"
	"testing"
)

// TestMain removes what benchmarks share across their runs (the journal
// history of BenchmarkStartup).
func TestMain(m *testing.M) {
	code := m.Run()
	if historyDir != "" {
		_ = os.RemoveAll(historyDir)
	}
	os.Exit(code)
}
