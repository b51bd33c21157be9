//go:build linux

package main

import (
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/charmbracelet/x/vt"
	"github.com/creack/pty"
)

// ptyConsole runs the real binary in a pseudo-terminal and counts what it
// writes to the terminal.
type ptyConsole struct {
	cmd  *exec.Cmd
	f    *os.File
	mu   sync.Mutex
	emu  *vt.Emulator
	n    int64
	done chan struct{}
}

func startPTY(tb testing.TB, bin string, env []string, args ...string) *ptyConsole {
	tb.Helper()
	cmd := exec.Command(bin, args...)
	cmd.Env = append(os.Environ(), env...)
	f, err := pty.StartWithSize(cmd, &pty.Winsize{Cols: 100, Rows: 30})
	if err != nil {
		tb.Fatal(err)
	}
	c := &ptyConsole{cmd: cmd, f: f, done: make(chan struct{}), emu: vt.NewEmulator(100, 30)}
	// The emulator answers the console's queries like a real terminal.
	go func() { _, _ = io.Copy(f, c.emu) }()
	go func() {
		defer close(c.done)
		b := make([]byte, 32<<10)
		for {
			n, err := f.Read(b)
			if n > 0 {
				c.mu.Lock()
				_, _ = c.emu.Write(b[:n])
				c.n += int64(n)
				c.mu.Unlock()
			}
			if err != nil {
				return
			}
		}
	}()
	tb.Cleanup(func() { _ = cmd.Process.Kill(); _ = f.Close() })
	return c
}

func (c *ptyConsole) written() int64 {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.n
}

// waitFor waits until the output contains want; it returns false at the
// deadline.
func (c *ptyConsole) waitFor(want string, d time.Duration) bool {
	deadline := time.Now().Add(d)
	for time.Now().Before(deadline) {
		c.mu.Lock()
		ok := strings.Contains(c.emu.String(), want)
		c.mu.Unlock()
		if ok {
			return true
		}
		time.Sleep(2 * time.Millisecond)
	}
	return false
}

// quit ends the console and returns its peak resident memory in KiB, read
// from /proc (VmHWM) just before it exits. The rusage of wait4 is not used:
// on Linux a child's ru_maxrss starts from the parent's RSS at fork (the
// test binary's), which would overstate the console's memory.
func (c *ptyConsole) quit(tb testing.TB) (maxRSSKB int64) {
	maxRSSKB = vmHWM(c.cmd.Process.Pid)
	_, _ = c.f.Write([]byte("q"))
	time.Sleep(50 * time.Millisecond)
	_, _ = c.f.Write([]byte("y"))
	errc := make(chan error, 1)
	go func() { errc <- c.cmd.Wait() }()
	select {
	case <-errc:
	case <-time.After(10 * time.Second):
		_ = c.cmd.Process.Kill()
		<-errc
	}
	return maxRSSKB
}

// vmHWM is a process's peak resident set size in KiB (Linux /proc).
func vmHWM(pid int) int64 {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0
	}
	for _, l := range strings.Split(string(b), "\n") {
		if f := strings.Fields(l); len(f) >= 2 && f[0] == "VmHWM:" {
			n, _ := strconv.ParseInt(f[1], 10, 64)
			return n
		}
	}
	return 0
}

func benchEnv(tb testing.TB) []string {
	home := tb.TempDir()
	return []string{"HOME=" + home, "XDG_CONFIG_HOME=" + filepath.Join(home, "config"), "LANG=en_US.UTF-8",
		"TERM=xterm-256color", "POSDOCTOR_JOURNAL_DIR=" + filepath.Join(home, "journal")}
}

// BenchmarkConsoleStartup: time from process start to the first full frame
// of the connect screen (its footer is the last line drawn).
func BenchmarkConsoleStartup(b *testing.B) {
	bin := posdoctorBinary(b)
	env := benchEnv(b)
	b.ResetTimer()
	var total time.Duration
	var rss int64
	for i := 0; i < b.N; i++ {
		start := time.Now()
		c := startPTY(b, bin, env)
		if !c.waitFor("q quit", 10*time.Second) {
			b.Fatal("no first frame within 10 s")
		}
		total += time.Since(start)
		rss = max(rss, c.quit(b))
	}
	b.ReportMetric(float64(total.Milliseconds())/float64(b.N), "ms/first-frame")
	b.ReportMetric(float64(rss)/1024, "MB-peak-rss")
}

// BenchmarkConsoleIdleBytes: bytes written to the terminal per second while
// the console sits idle (target 0: no idle repaint).
func BenchmarkConsoleIdleBytes(b *testing.B) {
	bin := posdoctorBinary(b)
	c := startPTY(b, bin, benchEnv(b))
	if !c.waitFor("q quit", 10*time.Second) {
		b.Fatal("no first frame")
	}
	time.Sleep(500 * time.Millisecond) // let start-up queries settle
	b.ResetTimer()
	before := c.written()
	const window = 2 * time.Second
	for i := 0; i < b.N; i++ {
		time.Sleep(window / time.Duration(b.N))
	}
	idle := c.written() - before
	b.StopTimer()
	b.ReportMetric(float64(idle)/window.Seconds(), "bytes/s-idle")
	// A focused text field must not blink the screen either.
	_, _ = c.f.Write([]byte("\t"))
	time.Sleep(300 * time.Millisecond)
	before = c.written()
	time.Sleep(time.Second)
	b.ReportMetric(float64(c.written()-before), "bytes/s-idle-in-field")
	rss := c.quit(b)
	b.ReportMetric(float64(rss)/1024, "MB-peak-rss")
}

// BenchmarkConsoleRunBytes: bytes per second written while every check runs
// against the simulator over TCP (healthy: fast; slow-network: the spinner
// ticks for seconds), bytes per second idle after the run, and peak memory.
func BenchmarkConsoleRunBytes(b *testing.B) {
	bin := posdoctorBinary(b)
	b.ResetTimer()
	for _, scenario := range []string{"healthy", "slow-network"} {
		b.Run(scenario, func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				target := simTarget(b, bin, scenario)
				c := startPTY(b, bin, benchEnv(b), "--target", target)
				if !c.waitFor("What did the terminal show?", 15*time.Second) {
					b.Fatal("did not connect")
				}
				time.Sleep(300 * time.Millisecond)
				before := c.written()
				start := time.Now()
				_, _ = c.f.Write([]byte("a"))
				if !c.waitFor("reverses it at once", 5*time.Second) {
					b.Fatal("no confirmation")
				}
				_, _ = c.f.Write([]byte("y"))
				if !c.waitFor("Run finished", 120*time.Second) {
					b.Fatal("run did not finish")
				}
				d := time.Since(start)
				n := c.written() - before
				time.Sleep(300 * time.Millisecond) // the last spinner tick
				idle0 := c.written()
				time.Sleep(time.Second)
				idle := c.written() - idle0
				rss := c.quit(b)
				b.ReportMetric(float64(n)/d.Seconds(), "bytes/s-running")
				b.ReportMetric(float64(d.Milliseconds()), "ms/run-all")
				b.ReportMetric(float64(idle), "bytes/s-idle-after-run")
				b.ReportMetric(float64(rss)/1024, "MB-peak-rss")
			}
		})
	}
}
