package main

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/posdoctor/posdoctor/checks"
	"github.com/posdoctor/posdoctor/model"
	"github.com/posdoctor/posdoctor/terminal"
	"github.com/posdoctor/posdoctor/terminal/link"
	"github.com/posdoctor/posdoctor/terminal/sim"
	"github.com/posdoctor/posdoctor/ui"
)

// consoleBackend is the real ui.Backend: serial ports from link, scenarios
// from sim, connections through dial, checks through checks.Engine, the
// knowledge base through model.
type consoleBackend struct {
	cfg checks.Config
	now func() time.Time
	// purpose is the session journal's session_start text ("console").
	purpose string
	open    func(ctx context.Context, target string, cfg checks.Config) (terminal.Driver, error)

	mu       sync.Mutex
	offline  *checks.Journal // a journal for reports made without a connection
	sessions []*consoleSession
}

func newConsoleBackend(cfg checks.Config, now func() time.Time) *consoleBackend {
	return &consoleBackend{cfg: cfg, now: now, open: openDriver, purpose: "console"}
}

func (b *consoleBackend) close() {
	b.mu.Lock()
	defer b.mu.Unlock()
	for _, s := range b.sessions {
		_ = s.Close()
	}
	b.sessions = nil
	if b.offline != nil {
		_ = b.offline.Close()
	}
}

func (b *consoleBackend) Ports() ([]ui.Port, error) {
	ps, err := link.Ports()
	out := make([]ui.Port, 0, len(ps))
	for _, p := range ps {
		prod := strings.TrimSpace(p.Manufacturer + " " + p.Product)
		out = append(out, ui.Port{Name: p.Name, Product: prod, VID: p.VID, PID: p.PID})
	}
	return out, err
}

func (b *consoleBackend) Scenarios() []ui.Scenario {
	var out []ui.Scenario
	for _, s := range sim.Scenarios() {
		out = append(out, ui.Scenario{Name: s.Name, Description: s.Description, DescriptionZh: s.DescriptionZh})
	}
	return out
}

// recentPath is where recent targets are kept (one per line, newest first).
func recentPath() string {
	d, err := os.UserConfigDir()
	if err != nil {
		return ""
	}
	return filepath.Join(d, "posdoctor", "recent")
}

const maxRecent = 8

func (b *consoleBackend) Recent() []string {
	p := recentPath()
	if p == "" {
		return nil
	}
	f, err := os.Open(p)
	if err != nil {
		return nil
	}
	defer f.Close()
	var out []string
	sc := bufio.NewScanner(f)
	for sc.Scan() && len(out) < maxRecent {
		if t := strings.TrimSpace(sc.Text()); t != "" && !strings.HasPrefix(t, "sim://") {
			out = append(out, t)
		}
	}
	return out
}

func (b *consoleBackend) remember(target string) {
	p := recentPath()
	if p == "" || strings.HasPrefix(target, "sim://") {
		return
	}
	list := []string{target}
	for _, r := range b.Recent() {
		if r != target {
			list = append(list, r)
		}
	}
	if len(list) > maxRecent {
		list = list[:maxRecent]
	}
	if err := os.MkdirAll(filepath.Dir(p), 0o700); err != nil {
		return
	}
	_ = os.WriteFile(p, []byte(strings.Join(list, "\n")+"\n"), 0o600)
}

func (b *consoleBackend) Connect(ctx context.Context, target string) (ui.Session, error) {
	return b.ConnectProgress(ctx, target, func(string) {})
}

// ConnectProgress is Connect reporting each step (ui.ProgressConnector):
// the session start every front end shares (checks.Connect), with the
// open test payments of earlier sessions resolved before anything else
// (DESIGN.md §Safety).
func (b *consoleBackend) ConnectProgress(ctx context.Context, target string, step func(string)) (ui.Session, error) {
	c, err := checks.Connect(ctx, checks.ConnectOptions{Target: target, Config: b.cfg, Open: b.open,
		Purpose: b.purpose, RequireRegistration: true, Recover: true, ListOthers: true,
		Progress: step, Now: b.now})
	if err != nil {
		return nil, err
	}
	s := &consoleSession{c: c, target: target, log: checks.NewCaseLog(c.Journal, target)}
	b.remember(target)
	b.mu.Lock()
	b.sessions = append(b.sessions, s)
	b.mu.Unlock()
	return s, nil
}

func (b *consoleBackend) Symptoms() []model.Symptom { return model.Symptoms() }

func (b *consoleBackend) Resolve(q string) (model.Input, error) { return model.Resolve(q, "") }

func (b *consoleBackend) Diagnose(in model.Input, results []checks.Result) model.Diagnosis {
	return checks.Diagnose(in, results)
}

// Export records the diagnosis and the operator's steps in the session
// journal, then renders the journal as a report file next to it (0600).
func (b *consoleBackend) Export(r ui.Report, format string) (string, error) {
	j, target, err := b.journalFor(r.Target)
	if err != nil {
		return "", err
	}
	diag := r.Diagnosis
	if r.Target == "" {
		target = "(no connection)"
		if r.Identity.TID != "" {
			id := r.Identity
			_ = j.Record(checks.Entry{Kind: checks.EntryIdentity, Target: target, Identity: &id})
		}
	}
	if r.Target == "" && (r.Input.Symptom != "" || len(r.Input.Codes) > 0) {
		// Without a connection nothing was journalled as it went: what the
		// operator entered goes in now, for the report.
		_ = checks.NewCaseLog(j, target).Record(string(checks.CaseSymptom), checks.SymptomFields(r.Input.Message, r.Input))
	}
	if len(diag.Causes) > 0 || len(diag.Playbook) > 0 || r.Input.Symptom != "" {
		_ = j.Record(checks.Entry{Kind: checks.EntryDiagnosis, Target: target, Symptom: r.Input.Symptom, Diagnosis: &diag})
	}
	if r.Target == "" {
		for _, st := range r.Steps {
			if st.Mark != "" {
				_ = j.RecordStep(target, st.ID, stepState(st.Mark), st.Note)
			}
		}
	}
	s, err := checks.ReadSession(j.Path())
	if err != nil {
		return "", err
	}
	ext := format
	if ext == "markdown" {
		ext = "md"
	}
	p := strings.TrimSuffix(j.Path(), checks.JournalExt) + "-report." + ext
	f, err := os.OpenFile(p, os.O_CREATE|os.O_WRONLY|os.O_TRUNC, 0o600)
	if err != nil {
		return "", fmt.Errorf("report: %w", err)
	}
	if err := checks.WriteReportLang(f, s, format, langOf(r.Lang)); err != nil {
		f.Close()
		return "", err
	}
	if err := f.Close(); err != nil {
		return "", err
	}
	return p, nil
}

func (b *consoleBackend) journalFor(target string) (*checks.Journal, string, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	for i := len(b.sessions) - 1; i >= 0; i-- {
		if s := b.sessions[i]; s.target == target && target != "" {
			return s.c.Journal, target, nil
		}
	}
	if b.offline == nil {
		j, err := checks.OpenSessionJournal(b.cfg, checks.NewSessionID(b.now()))
		if err != nil {
			return nil, "", err
		}
		_ = j.Record(checks.Entry{Kind: checks.EntrySessionStart, Text: "console, no connection"})
		b.offline = j
	}
	return b.offline, target, nil
}

func stepState(mark string) string {
	switch mark {
	case "done":
		return checks.StepDone
	case "skipped":
		return checks.StepSkipped
	default:
		return checks.StepFailed
	}
}

// consoleSession is a connected terminal: the session checks.Connect
// started (driver, journal, one check engine). The engine asks the terminal
// afresh on every run (checks.TestRerunAsksStatusAgain), so a re-run after
// a fix shows the fix.
type consoleSession struct {
	c      *checks.Conn
	target string
	// log writes the case to the journal as it goes (checks.CaseLog).
	log *checks.CaseLog

	closeOnce sync.Once
	closeErr  error
}

// NoticeTexts says, in both languages of the console, what happened to open
// test payments from earlier sessions (resolved before anything else on
// connecting, DESIGN.md §Safety), and which are still open: each once.
func (s *consoleSession) NoticeTexts() []model.Text {
	var out []model.Text
	if err := s.c.RecoverErr; err != nil {
		e := err.Error()
		out = append(out, model.Text{En: "could not check for open test payments: " + e, Zh: "无法检查是否有未了结的测试交易：" + e})
	}
	for _, r := range append(append([]checks.Recovered(nil), s.c.Recovered...), s.c.StillOpen...) {
		out = append(out, model.Text{En: r.Text, Zh: r.TextZh})
	}
	return out
}

func (s *consoleSession) Subscribe() (<-chan checks.Event, func()) { return s.c.Engine.Subscribe() }

func (s *consoleSession) Run(ctx context.Context, ids []model.CheckID, o ui.RunOptions) []checks.Result {
	rs := s.c.Engine.Run(ctx, ids, checks.RunOptions{WithCard: o.WithCard, Amount: o.Amount, Target: s.target})
	_ = s.log.Ran(rs) // the diagnosis they lead to, for the report
	return rs
}

// Identity is what the last status check learnt, or what the terminal said
// on connecting when no status check has run yet.
func (s *consoleSession) Identity() terminal.Status {
	if id := s.c.Engine.Identity(); id != (terminal.Status{}) {
		return id
	}
	return s.c.Identity
}

func (s *consoleSession) Info() terminal.Info { return s.c.Driver.Info() }

func (s *consoleSession) Initialise(ctx context.Context) (terminal.Result, error) {
	return s.c.Driver.Initialise(ctx)
}

// Record writes the case's events to the journal (checks.CaseLog: the
// symptom, step marks and notes, fixes, verifications, the solved case).
func (s *consoleSession) Record(kind string, fields map[string]string) error {
	return s.log.Record(kind, fields)
}

func (s *consoleSession) Close() error {
	s.closeOnce.Do(func() { s.closeErr = s.c.Close() })
	return s.closeErr
}
