//go:build linux || darwin

package main

import (
	"bytes"
	"io"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/x/vt"
	"github.com/creack/pty"

	"github.com/posdoctor/posdoctor/fixtures/golden"
	"github.com/posdoctor/posdoctor/model"
)

// runOnPTY runs the real binary with stdin, stdout and stderr on one
// pseudo-terminal, as a technician runs it, and returns what the screen
// shows at the end (through a terminal emulator, so text rewritten in place
// counts once) and the raw bytes.
func runOnPTY(t *testing.T, env []string, args ...string) (screen, raw string) {
	t.Helper()
	bin := posdoctorBinary(t)
	cmd := exec.Command(bin, args...)
	home := t.TempDir()
	cmd.Env = append(os.Environ(), "HOME="+home, "XDG_CONFIG_HOME="+home, "XDG_CACHE_HOME="+home, "NO_COLOR=1")
	cmd.Env = append(cmd.Env, env...)
	f, err := pty.StartWithSize(cmd, &pty.Winsize{Cols: 160, Rows: 50})
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var buf bytes.Buffer
	done := make(chan struct{})
	go func() { _, _ = io.Copy(&buf, f); close(done) }()
	waited := make(chan error, 1)
	go func() { waited <- cmd.Wait() }()
	select {
	case <-waited:
	case <-time.After(60 * time.Second):
		_ = cmd.Process.Kill()
		t.Fatalf("posdoctor %s did not finish within 60 s; output so far:\n%s", strings.Join(args, " "), buf.String())
	}
	select {
	case <-done:
	case <-time.After(5 * time.Second):
	}
	emu := vt.NewEmulator(160, 50)
	go func() { _, _ = io.Copy(io.Discard, emu) }()
	_, _ = emu.Write(buf.Bytes())
	return emu.String(), buf.String()
}

// countLines counts the screen lines that contain every one of words.
func countLines(screen string, words ...string) int {
	n := 0
	for _, l := range strings.Split(screen, "\n") {
		all := true
		for _, w := range words {
			all = all && strings.Contains(l, w)
		}
		if all {
			n++
		}
	}
	return n
}

// TestCheckOnTTYOneLinePerCheck: on a terminal each check is one line on
// the screen (progress is rewritten in place and erased), the summary shows
// first and last, and the progress did show while the checks ran.
func TestCheckOnTTYOneLinePerCheck(t *testing.T) {
	cfg := writeConfig(t, "")
	screen, raw := runOnPTY(t, []string{"LANG=C", "LC_ALL="}, "check", "--target", "sim://keys-out-of-sync", "--journal-dir", t.TempDir(), "--config", cfg)
	for _, c := range []string{"link", "status", "version", "network", "reader", "transaction"} {
		if n := countLines(screen, "  "+c+" "); n != 1 {
			t.Errorf("check %s shows on %d lines, want 1:\n%s", c, n, screen)
		}
	}
	if n := countLines(screen, "FAIL sim://keys-out-of-sync"); n != 2 {
		t.Errorf("summary shows %d times, want 2 (first and last):\n%s", n, screen)
	}
	if !strings.Contains(raw, "… link") {
		t.Errorf("no progress was shown while the checks ran:\n%q", raw)
	}
}

// TestCheckOnTTYZh: the same in Chinese, and the screen has no English word.
func TestCheckOnTTYZh(t *testing.T) {
	cfg := writeConfig(t, "")
	screen, _ := runOnPTY(t, []string{"LANG=zh_CN.UTF-8", "LC_ALL="}, "check", "--target", "sim://keys-out-of-sync", "--journal-dir", t.TempDir(), "--config", cfg)
	for _, id := range model.CheckOrder {
		c := model.Label(model.KindCheck, string(id), model.LangZh)
		if n := countLines(screen, "  "+c+" "); n != 1 {
			t.Errorf("check %s shows on %d lines, want 1:\n%s", c, n, screen)
		}
	}
	golden.CheckChinese(t, "check on a TTY, zh", screen, kbCheckIDs...)
}

// TestCheckOnTTYErrorOnce: a run that cannot start says so once, on
// stderr, not on stdout as well.
func TestCheckOnTTYErrorOnce(t *testing.T) {
	cfg := writeConfig(t, "")
	screen, _ := runOnPTY(t, []string{"LANG=C", "LC_ALL="}, "check", "--target", "tcp://127.0.0.1:1", "--journal-dir", t.TempDir(), "--config", cfg)
	if n := strings.Count(screen, "127.0.0.1:1"); n != 1 {
		t.Errorf("the error shows %d times, want once:\n%s", n, screen)
	}
	if !strings.Contains(screen, "posdoctor: ") {
		t.Errorf("no error line:\n%s", screen)
	}
}
