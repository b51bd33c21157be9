package ui

import (
	"errors"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/posdoctor/posdoctor/model"
	"github.com/posdoctor/posdoctor/terminal"
)

// logBackend is the fake backend with a TraceLogReader: it returns a canned
// log for one path (the pairing itself is tested in terminal/iso8583 and
// cmd/posdoctor, against the real reader).
type logBackend struct {
	fakeBackend
	asked []string
}

func (b *logBackend) ReadTraceLog(path string, lang model.Lang) (TraceLog, error) {
	b.asked = append(b.asked, path+" "+string(lang))
	if path != "host.log" {
		return TraceLog{}, errors.New("there is no file " + path + ": check the path")
	}
	at := time.Date(2026, 12, 2, 14, 30, 14, 500e6, time.UTC)
	return TraceLog{Path: path, Messages: 3, Exchanges: 1, Unanswered: 1, Frames: []LogFrame{
		{At: at, Frame: terminal.Frame{Dir: "pos->host", Summary: "0200 STAN 000123 TID 12345678 -> 0210 39=00 after 1420 ms", Detail: "F2 621700*********0123"}},
		{At: at.Add(1420 * time.Millisecond), Frame: terminal.Frame{Dir: "host->pos", Summary: "0210 STAN 000123 TID 12345678 39=00 Approved <- 0200"}},
		{At: at.Add(5 * time.Second), Frame: terminal.Frame{Dir: "pos->host", Summary: "0200 STAN 000125 TID 12345678 -> no answer"}},
	}}, nil
}

// runCmd runs c and feeds its message to m; a batch runs each part. A Cmd
// that waits for events (a subscription) is left after a bounded wait.
func runCmd(m *Model, c tea.Cmd) {
	if c == nil {
		return
	}
	done := make(chan tea.Msg, 1)
	go func() { done <- c() }()
	var msg tea.Msg
	select {
	case msg = <-done:
	case <-time.After(2 * time.Second):
		return
	}
	if b, ok := msg.(tea.BatchMsg); ok {
		for _, c := range b {
			runCmd(m, c)
		}
		return
	}
	m.Update(msg)
}

// TestTraceOpensLog: o asks for a path, enter reads it in a Cmd, the view
// shows the log's messages with their pairs and counts; esc goes back to the
// live trace; a path that does not exist says so in one line.
func TestTraceOpensLog(t *testing.T) {
	t.Parallel()
	fb := &logBackend{}
	m := New(Options{Backend: fb, Lang: model.LangEn, NoColor: true, Now: fixedNow, Scenario: "lost-card", Amount: 1, Currency: 156})
	m.Update(tea.WindowSizeMsg{Width: 120, Height: 30})
	m.show(scrTrace)
	press(m, "l")
	typeText(m, "missing.log")
	runCmd(m, press(m, "enter"))
	if scr := screenText(m); !strings.Contains(scr, "Could not open the log: there is no file missing.log") {
		t.Fatalf("missing file:\n%s", scr)
	}
	press(m, "l")
	for range len("missing.log") {
		press(m, "backspace")
	}
	typeText(m, "host.log")
	runCmd(m, press(m, "enter"))
	scr := screenText(m)
	for _, want := range []string{"Host message log", "3 message(s), 1 answered, 1 unanswered", "14:30:14.500 pos->host 0200 STAN 000123",
		"after 1420 ms", "14:30:15.920 host->pos 0210 STAN 000123", "no answer", "621700*********0123"} {
		if !strings.Contains(scr, want) {
			t.Errorf("screen lacks %q:\n%s", want, scr)
		}
	}
	if len(fb.asked) != 2 || fb.asked[1] != "host.log en" {
		t.Errorf("asked %v", fb.asked)
	}
	press(m, "esc")
	if scr := screenText(m); strings.Contains(scr, "Host message log") || !strings.Contains(scr, "Protocol trace") {
		t.Errorf("esc did not return to the live trace:\n%s", scr)
	}
}

// TestTraceLogAtStart: Options.TraceLog opens the log in the trace view at
// start; without a TraceLogReader backend the key is off.
func TestTraceLogAtStart(t *testing.T) {
	t.Parallel()
	fb := &logBackend{}
	m := New(Options{Backend: fb, Lang: model.LangZh, NoColor: true, Now: fixedNow, Scenario: "lost-card", TraceLog: "host.log"})
	m.Update(tea.WindowSizeMsg{Width: 120, Height: 30})
	runCmd(m, m.Init())
	if scr := screenText(m); !strings.Contains(scr, "主机报文日志") || !strings.Contains(scr, "共 3 条报文，1 条已应答，1 条无应答") {
		t.Errorf("start with a log:\n%s", scr)
	}
	plain, _ := newTestModel(t, model.LangEn, 120, 30)
	plain.show(scrTrace)
	if k := plain.trace.keys(); k.Open.Enabled() {
		t.Error("o is on without a TraceLogReader")
	}
}
