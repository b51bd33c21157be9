package main

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// BenchmarkDecodeProcess runs the release binary as a user does,
// `posdoctor decode [--json] < day.hex > /dev/null`, on 1,000 copies of the
// real 4,093-byte Print Text-Block (cap-feig-system-config, one per line:
// 8 MB of hex), and reports the whole process's time (ms/op) and
// throughput (MB/s of hex read), and its CPU time. Issue 12's target:
// --json in 60 ms or less (the first build took about 1 s).
func BenchmarkDecodeProcess(b *testing.B) {
	if testing.Short() {
		b.Skip("builds the binary: skipped with -short")
	}
	dir := b.TempDir()
	bin := filepath.Join(dir, "posdoctor")
	build := exec.Command("go", "build", "-o", bin, "./cmd/posdoctor")
	build.Dir = "../.."
	if out, err := build.CombinedOutput(); err != nil {
		b.Fatalf("go build: %v\n%s", err, out)
	}
	in := filepath.Join(dir, "day.hex")
	if err := os.WriteFile(in, textBlocks1000(b), 0o600); err != nil {
		b.Fatal(err)
	}
	for _, mode := range []struct{ name, flag string }{{"json", "--json"}, {"text", ""}} {
		b.Run(mode.name, func(b *testing.B) {
			st, err := os.Stat(in)
			if err != nil {
				b.Fatal(err)
			}
			b.SetBytes(st.Size())
			var total, cpu time.Duration
			for b.Loop() {
				f, err := os.Open(in)
				if err != nil {
					b.Fatal(err)
				}
				args := []string{"decode"}
				if mode.flag != "" {
					args = append(args, mode.flag)
				}
				cmd := exec.Command(bin, args...)
				cmd.Stdin = f // stdout nil: /dev/null
				var stderr bytes.Buffer
				cmd.Stderr = &stderr
				start := time.Now()
				err = cmd.Run()
				total += time.Since(start)
				if cmd.ProcessState != nil {
					cpu += cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime()
				}
				f.Close()
				if err != nil {
					b.Fatalf("decode %s: %v %s", mode.flag, err, stderr.String())
				}
			}
			b.ReportMetric(float64(total.Microseconds())/1000/float64(b.N), "ms/op")
			// CPU time (user + system) of the process: what the machine's
			// load does not change.
			b.ReportMetric(float64(cpu.Microseconds())/1000/float64(b.N), "cpu-ms/op")
		})
	}
}

// textBlocks1000 is 1,000 copies of the 4 KB capture as compact hex, one a line.
func textBlocks1000(tb testing.TB) []byte {
	tb.Helper()
	var hex strings.Builder
	for _, line := range strings.Split(decodeVector(tb, "cap-feig-system-config.hex"), "\n") {
		if !strings.HasPrefix(line, "#") {
			hex.WriteString(strings.ReplaceAll(line, " ", ""))
		}
	}
	one := hex.String()
	if len(one) != 2*4093 {
		tb.Fatalf("the capture is %d hex digits, want %d", len(one), 2*4093)
	}
	return []byte(strings.Repeat(one+"\n", 1000))
}
