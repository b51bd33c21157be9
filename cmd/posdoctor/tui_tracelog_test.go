//go:build linux || darwin

package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/posdoctor/posdoctor/model"
)

// TestReadTraceLogPairs reads the interleaved host log the way the console
// does: one frame per message, each request naming its answer and the time
// between them or that none came, card data masked.
func TestReadTraceLogPairs(t *testing.T) {
	t.Parallel()
	b := &consoleBackend{}
	l, err := b.ReadTraceLog("../../fixtures/traces/iso8583-host.log", model.LangEn)
	if err != nil {
		t.Fatal(err)
	}
	if l.Messages != 12 || l.Exchanges != 4 || l.Unanswered != 2 || len(l.Frames) != 12 {
		t.Fatalf("log %d messages %d exchanges %d unanswered %d frames", l.Messages, l.Exchanges, l.Unanswered, len(l.Frames))
	}
	wants := []string{
		"0800 STAN 000122 TID 12345678 -> 0810 39=00 after 410 ms",
		"0810 STAN 000122 TID 12345678 39=00 Approved <- 0800",
		"0200 STAN 000123 TID 12345678 -> 0210 39=00 after 1420 ms",
		"0200 STAN 000124 TID 87654321 -> 0210 39=55 after 650 ms",
		"0210 STAN 000124 TID 87654321 39=55 Incorrect PIN <- 0200",
		"0210 STAN 000123 TID 12345678 39=00 Approved <- 0200",
		"0200 STAN 000125 TID 12345678 -> no answer",
		"0400 STAN 000125 TID 12345678 -> 0410 39=00 after 800 ms",
		"0410 STAN 000125 TID 12345678 39=00 Approved <- 0400",
		"0200 STAN 000126 TID 12345678 -> no answer",
		"0210 STAN 000126 TID 87654321 39=05",
		"line 13: not a hex message",
	}
	for i, w := range wants {
		if got := l.Frames[i].Frame.Summary; !strings.HasPrefix(got, w) {
			t.Errorf("frame %d = %q, want %q", i, got, w)
		}
	}
	if !strings.HasSuffix(l.Frames[10].Frame.Summary, "<- request not in the log") || l.Frames[0].At.Format("15:04:05.000") != "14:29:57.900" {
		t.Errorf("orphan %q, time %v", l.Frames[10].Frame.Summary, l.Frames[0].At)
	}
	for _, fr := range l.Frames {
		all := fr.Frame.Summary + fr.Frame.Detail + fr.Frame.Hex
		for _, s := range isoSecrets {
			if strings.Contains(all, s) {
				t.Errorf("frame shows %q", s)
			}
		}
	}
	zh, err := b.ReadTraceLog("../../fixtures/traces/iso8583-host.log", model.LangZh)
	if err != nil || !strings.Contains(zh.Frames[1].Frame.Summary, "交易成功") || !strings.Contains(zh.Frames[6].Frame.Summary, "无应答") {
		t.Errorf("zh: %v %q %q", err, zh.Frames[1].Frame.Summary, zh.Frames[6].Frame.Summary)
	}
}

func TestReadTraceLogErrors(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	notLog := filepath.Join(dir, "notes.txt")
	if err := os.WriteFile(notLog, []byte("hello\nworld\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	b := &consoleBackend{}
	for _, tt := range []struct {
		path string
		lang model.Lang
		want string
	}{
		{filepath.Join(dir, "missing.log"), model.LangEn, "there is no file"},
		{filepath.Join(dir, "missing.log"), model.LangZh, "找不到文件"},
		{notLog, model.LangEn, "holds no ISO 8583 messages"},
		{dir, model.LangEn, "cannot read"},
	} {
		_, err := b.ReadTraceLog(tt.path, tt.lang)
		if err == nil || !strings.Contains(err.Error(), tt.want) || strings.Contains(err.Error(), "directory") {
			t.Errorf("%s (%s): %v, want %q", tt.path, tt.lang, err, tt.want)
		}
	}
}

// TestConsoleTraceLogEndToEnd starts the real binary in tmux with
// --trace-log: the trace view shows the host log paired, and / finds the
// unanswered requests.
func TestConsoleTraceLogEndToEnd(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end: skipped with -short")
	}
	bin := posdoctorBinary(t)
	home := t.TempDir()
	logPath, err := filepath.Abs("../../fixtures/traces/iso8583-host.log")
	if err != nil {
		t.Fatal(err)
	}
	s := newTmux(t, 120, 40, tuiEnv(home, filepath.Join(home, "journal")), bin, "--trace-log", logPath)
	s.waitFor("log opened", 15*time.Second, "Host message log", "12 message(s), 4 answered, 2 unanswered",
		"14:29:57.900 pos->host 0800 STAN 000122 TID 12345678 -> 0810 39=00 after 410 ms")
	s.keys("/")
	s.keys("-l", "--", "-> no answer") // the 0400's field 39 meaning also says "no answer received"
	s.keys("Enter")
	scr := s.waitFor("search", 5*time.Second, "2 match(es)")
	if strings.Contains(scr, "6217001234567890123") {
		t.Errorf("full PAN on screen:\n%s", scr)
	}
}
