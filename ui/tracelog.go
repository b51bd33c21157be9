package ui

import (
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/posdoctor/posdoctor/model"
	"github.com/posdoctor/posdoctor/terminal"
)

// TraceLogReader is a Backend that can open a log file of host messages (a
// POSP or terminal debug log of CUP ISO 8583 messages as hex lines) for the
// trace view. cmd/posdoctor reads and pairs the log with terminal/iso8583;
// the console sees only frames, so it imports no protocol package.
type TraceLogReader interface {
	// ReadTraceLog reads the log at path, its texts in lang. The error is one
	// line that says what to do.
	ReadTraceLog(path string, lang model.Lang) (TraceLog, error)
}

// TraceLog is a log read for the trace view: its messages in order, each a
// frame whose Summary names it and, for a request, its answer and the time
// between them (or that none came), and the counts.
type TraceLog struct {
	Path       string
	Frames     []LogFrame
	Messages   int
	Exchanges  int // requests with their answer
	Unanswered int // requests without one
}

// LogFrame is one message of a log: when it was logged (zero when the line
// had no timestamp) and its frame, card data masked.
type LogFrame struct {
	At    time.Time
	Frame terminal.Frame
}

// traceLogMsg carries a read log (or why it could not be read) to the trace
// view.
type traceLogMsg struct {
	log TraceLog
	err error
}

// readTraceLog is the tea.Cmd that reads path (I/O stays out of Update).
func readTraceLog(r TraceLogReader, path string, lang model.Lang) tea.Cmd {
	return func() tea.Msg {
		l, err := r.ReadTraceLog(path, lang)
		return traceLogMsg{log: l, err: err}
	}
}

// logReader returns the backend's TraceLogReader, if it has one.
func (m *Model) logReader() (TraceLogReader, bool) {
	r, ok := m.opts.Backend.(TraceLogReader)
	return r, ok
}

// pathKey handles a key while the operator types a log file's path.
func (t *traceView) pathKey(msg tea.KeyPressMsg, k traceKeys) tea.Cmd {
	switch {
	case key.Matches(msg, k.Search): // enter
		t.path.Blur()
		p := strings.TrimSpace(t.path.Value())
		r, ok := t.m.logReader()
		if p == "" || !ok {
			return nil
		}
		return t.openLog(r, p)
	case key.Matches(msg, k.Back):
		t.path.Blur()
		return nil
	}
	return updateField(&t.path, msg)
}

// openLog reads the log at path in a tea.Cmd.
func (t *traceView) openLog(r TraceLogReader, path string) tea.Cmd {
	t.m.setToast(t.m.F("trace.logreading", path), false)
	return readTraceLog(r, path, t.m.lang)
}

// loaded shows a read log, or says why it could not be read.
func (t *traceView) loaded(msg traceLogMsg) {
	if msg.err != nil {
		t.m.setToast(t.m.F("trace.logfailed", t.m.plain(msg.err)), true)
		return
	}
	l := msg.log
	t.log = &l
	t.query, t.matches = "", nil
	t.vp.SetYOffset(0)
	t.refresh()
	t.m.setToast(t.m.F("trace.logopened", l.Path, l.Messages), false)
}

// logText is the opened log as plain text: one line per message with its
// time, direction and summary (a request names its answer and the time
// between them), then its detail.
func (t *traceView) logText() []string {
	out := []string{}
	for _, fr := range t.log.Frames {
		ts := ""
		if !fr.At.IsZero() {
			ts = fr.At.Format("15:04:05.000") + " "
		}
		out = append(out, ts+padRight(t.m.direction(fr.Frame.Dir), 9)+" "+fr.Frame.Summary)
		if fr.Frame.Detail != "" {
			for _, l := range strings.Split(fr.Frame.Detail, "\n") {
				out = append(out, "      "+l)
			}
		}
		if fr.Frame.Hex != "" {
			out = append(out, "      hex: "+fr.Frame.Hex)
		}
	}
	return out
}
