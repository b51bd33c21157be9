package checks

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/posdoctor/posdoctor/model"
	"github.com/posdoctor/posdoctor/terminal"
)

// Report formats.
var ReportFormats = []string{"md", "html", "json"}

// ReportData is a session folded into what a ticket needs; it is also the
// JSON report. Texts are in the report's language; ids stay ids.
type ReportData struct {
	SessionID string `json:"session_id"`
	// Journal is the journal's file name: a report leaves the machine, so
	// it carries no local path.
	Journal   string           `json:"journal"`
	Started   time.Time        `json:"started_at"`
	Ended     time.Time        `json:"ended_at"`
	Torn      bool             `json:"torn,omitempty"`
	Terminals []ReportTerminal `json:"terminals"`
}

// ReportTerminal is one terminal of a session (or the case without a
// connection, Target empty).
type ReportTerminal struct {
	Target   string           `json:"target"`
	Name     string           `json:"name,omitempty"`
	Identity *terminal.Status `json:"identity,omitempty"`
	Verdict  model.Status     `json:"verdict"`
	// Checks are the latest result of each check.
	Checks []Result `json:"checks"`
	// Runs is every result of every check, in the order they ran.
	Runs []ReportRun `json:"runs,omitempty"`
	// Reruns are the checks that ran more than once: each re-run with the
	// result before it.
	Reruns []ReportRerun `json:"reruns,omitempty"`
	// Symptom, Query and Codes are what the operator entered.
	Symptom   model.SymptomID  `json:"symptom,omitempty"`
	Query     string           `json:"query,omitempty"`
	Codes     []model.Code     `json:"codes,omitempty"`
	Diagnosis *model.Diagnosis `json:"diagnosis,omitempty"`
	Steps     []ReportStep     `json:"steps"`
	Fixes     []ReportFix      `json:"fixes,omitempty"`
	Verified  []ReportVerify   `json:"verified,omitempty"`
	Solved    *ReportVerify    `json:"solved,omitempty"`
	Payments  []ReportPayment  `json:"payments,omitempty"`
	Notes     []string         `json:"notes,omitempty"`
	Errors    []string         `json:"errors,omitempty"`
}

// ReportRun is one result of a check as the report shows it.
type ReportRun struct {
	Check  model.CheckID `json:"check"`
	Time   time.Time     `json:"time"`
	Status model.Status  `json:"status"`
	// Summary is the result's summary (English, as in check's JSON);
	// SummaryZh the same in Chinese.
	Summary   string `json:"summary"`
	SummaryZh string `json:"summary_zh,omitempty"`
}

// SummaryIn is the run's summary in l.
func (r ReportRun) SummaryIn(l model.Lang) string {
	return model.Text{En: r.Summary, Zh: r.SummaryZh}.In(l)
}

// ReportRerun is a check run again: the result before and after.
type ReportRerun struct {
	Check  model.CheckID `json:"check"`
	Before ReportRun     `json:"before"`
	After  ReportRun     `json:"after"`
	// Fix is the fix run on the terminal between the two, if any.
	Fix string `json:"fix,omitempty"`
}

// ReportStep is a playbook step and what the operator did with it.
type ReportStep struct {
	ID    string      `json:"id"`
	Text  string      `json:"text"`
	Actor model.Actor `json:"actor,omitempty"`
	Fraud bool        `json:"fraud,omitempty"`
	// State is done, skipped, failed (from the journal) or the playbook's
	// own state (todo, ruled_out, needs_check) when nobody acted on it.
	State string    `json:"state"`
	Note  string    `json:"note,omitempty"`
	Time  time.Time `json:"time,omitzero"`
}

// ReportFix is a fix run on the terminal and how it ended.
type ReportFix struct {
	FixRecord
	Time time.Time `json:"time"`
}

// ReportVerify is a step's verifying check run again (or the end of a
// solved case).
type ReportVerify struct {
	VerifyRecord
	Time time.Time `json:"time"`
}

// ReportPayment is a test payment's history in plain words.
type ReportPayment struct {
	TxnRef string   `json:"txn_ref"`
	Amount int64    `json:"amount"`
	State  string   `json:"state"`
	Events []string `json:"events"`
}

// maxTraceExcerpt is how many frames of each check the report shows.
const maxTraceExcerpt = 12

// folder folds a session's entries into report data.
type folder struct {
	lang     model.Lang
	d        ReportData
	byTarget map[string]*ReportTerminal
	order    []string
	steps    map[string]map[string]ReportStep // target → step id → what the operator did
	lastFix  map[string]string                // target → the last fix since the previous run, by check
	pays     map[string]*ReportPayment
	payOrder []string
	payTerm  map[string]string
}

// FoldSession turns journal entries into report data in lang.
func FoldSession(s Session, lang model.Lang) ReportData {
	f := &folder{lang: lang, byTarget: map[string]*ReportTerminal{}, steps: map[string]map[string]ReportStep{},
		lastFix: map[string]string{}, pays: map[string]*ReportPayment{}, payTerm: map[string]string{}}
	f.d = ReportData{SessionID: s.ID, Journal: filepath.Base(s.Path), Torn: s.Torn}
	if s.Path == "" {
		f.d.Journal = ""
	}
	for _, e := range s.Entries {
		f.entry(e)
	}
	for _, ref := range f.payOrder {
		t := f.term(f.payTerm[ref])
		t.Payments = append(t.Payments, *f.pays[ref])
	}
	sort.SliceStable(f.order, func(i, j int) bool { return f.order[i] != "" && f.order[j] == "" })
	for _, target := range f.order {
		if t := f.finish(target); t != nil {
			f.d.Terminals = append(f.d.Terminals, *t)
		}
	}
	if f.d.Terminals == nil {
		f.d.Terminals = []ReportTerminal{}
	}
	return f.d
}

func (f *folder) term(target string) *ReportTerminal {
	t := f.byTarget[target]
	if t == nil {
		t = &ReportTerminal{Target: target}
		f.byTarget[target] = t
		f.order = append(f.order, target)
	}
	return t
}

// entry folds one journal entry.
func (f *folder) entry(e Entry) {
	if f.d.Started.IsZero() || e.Time.Before(f.d.Started) {
		f.d.Started = e.Time
	}
	if e.Time.After(f.d.Ended) {
		f.d.Ended = e.Time
	}
	if e.Kind == EntrySessionStart && e.Target == "" {
		return
	}
	t := f.term(e.Target)
	if e.Name != "" {
		t.Name = e.Name
	}
	switch e.Kind {
	case EntryIdentity:
		t.Identity = e.Identity
	case EntryCheck:
		f.check(t, e)
	case EntrySymptom:
		t.Symptom, t.Query, t.Codes = e.Symptom, e.Text, e.Codes
	case EntryDiagnosis:
		t.Diagnosis = e.Diagnosis
		if e.Symptom != "" {
			t.Symptom = e.Symptom
		}
	case EntryStepState, EntryStepNote:
		f.step(e)
	case EntryFix:
		if e.Fix != nil {
			t.Fixes = append(t.Fixes, ReportFix{FixRecord: *e.Fix, Time: e.Time})
			if e.Fix.Phase != FixStarted {
				f.lastFix[e.Target] = fixText(*e.Fix, f.lang)
			}
		}
	case EntryVerify, EntrySolved:
		if e.Verify != nil {
			v := ReportVerify{VerifyRecord: *e.Verify, Time: e.Time}
			if e.Kind == EntrySolved {
				t.Solved = &v
			} else {
				t.Verified = append(t.Verified, v)
			}
		}
	case EntryNote, EntryShare:
		t.Notes = append(t.Notes, e.Text)
	case EntryError:
		t.Errors = append(t.Errors, e.Text)
	case EntrySessionEnd:
		if e.Verdict != "" {
			t.Verdict = e.Verdict
		}
	}
	if e.TxnRef != "" {
		f.payment(e)
	}
}

// check keeps the latest result of each check and every run before it.
func (f *folder) check(t *ReportTerminal, e Entry) {
	if e.Result == nil {
		return
	}
	res := *e.Result
	res.Text = model.Text{En: res.Summary, Zh: e.SummaryZh}
	run := ReportRun{Check: res.ID, Time: e.Time, Status: res.Status, Summary: res.SummaryIn(model.LangEn), SummaryZh: e.SummaryZh}
	for i := len(t.Runs) - 1; i >= 0; i-- {
		if t.Runs[i].Check == res.ID {
			t.Reruns = append(t.Reruns, ReportRerun{Check: res.ID, Before: t.Runs[i], After: run, Fix: f.lastFix[e.Target]})
			break
		}
	}
	t.Runs = append(t.Runs, run)
	for i := range t.Checks {
		if t.Checks[i].ID == res.ID {
			t.Checks[i] = res
			return
		}
	}
	t.Checks = append(t.Checks, res)
}

// step keeps the last mark of each step and its last note.
func (f *folder) step(e Entry) {
	if e.Step == nil {
		return
	}
	if f.steps[e.Target] == nil {
		f.steps[e.Target] = map[string]ReportStep{}
	}
	rs := f.steps[e.Target][e.Step.ID]
	rs.ID = e.Step.ID
	if e.Kind == EntryStepState {
		rs.State, rs.Time = e.Step.State, e.Time
	}
	if e.Step.Note != "" || e.Kind == EntryStepState {
		rs.Note = e.Step.Note
	}
	f.steps[e.Target][e.Step.ID] = rs
}

func (f *folder) payment(e Entry) {
	p := f.pays[e.TxnRef]
	if p == nil {
		p = &ReportPayment{TxnRef: e.TxnRef, Amount: e.Amount, State: "open"}
		f.pays[e.TxnRef] = p
		f.payOrder = append(f.payOrder, e.TxnRef)
		f.payTerm[e.TxnRef] = e.Target
	}
	p.Events = append(p.Events, paymentEvent(e, f.lang))
	switch e.Kind {
	case EntryTxnClosed:
		p.State = e.Text
	case EntryTxnUnresolved:
		p.State = TxnUnresolved
	}
}

// finish completes one terminal: the verdict, the steps in playbook order
// with the operator's marks, the trace excerpts. A target with nothing in
// it (the session's own entries) is dropped.
func (f *folder) finish(target string) *ReportTerminal {
	t := f.byTarget[target]
	if target == "" && len(t.Checks) == 0 && len(t.Notes) == 0 && len(t.Errors) == 0 && f.steps[""] == nil && t.Diagnosis == nil && t.Symptom == "" {
		return nil
	}
	sort.SliceStable(t.Checks, func(i, j int) bool { return checkIndex(t.Checks[i].ID) < checkIndex(t.Checks[j].ID) })
	if t.Verdict == "" && len(t.Checks) > 0 {
		t.Verdict = Verdict(t.Checks)
	}
	marks := f.steps[target]
	seen := map[string]bool{}
	if t.Diagnosis != nil {
		for _, ps := range t.Diagnosis.Playbook {
			rs := ReportStep{ID: ps.ID, Text: ps.Text.In(f.lang), Actor: ps.Actor, Fraud: ps.Fraud, State: string(ps.State)}
			if m, ok := marks[ps.ID]; ok {
				if m.State != "" {
					rs.State, rs.Time = m.State, m.Time
				}
				rs.Note = m.Note
			}
			seen[ps.ID] = true
			t.Steps = append(t.Steps, rs)
		}
	}
	var extra []string
	for id := range marks {
		if !seen[id] {
			extra = append(extra, id)
		}
	}
	sort.Strings(extra)
	for _, id := range extra {
		m := marks[id]
		if info, ok := model.Step(id); ok {
			m.Text, m.Actor, m.Fraud = info.Text.In(f.lang), info.Actor, info.Fraud
		}
		t.Steps = append(t.Steps, m)
	}
	if t.Steps == nil {
		t.Steps = []ReportStep{}
	}
	if t.Checks == nil {
		t.Checks = []Result{}
	}
	for i := range t.Checks {
		if len(t.Checks[i].Trace) > maxTraceExcerpt {
			t.Checks[i].Trace = t.Checks[i].Trace[:maxTraceExcerpt]
		}
	}
	return t
}

func checkIndex(id model.CheckID) int {
	for i, c := range model.CheckOrder {
		if c == id {
			return i
		}
	}
	return len(model.CheckOrder)
}

// WriteReport renders a session as a ticket-ready report in format md,
// html or json.
func WriteReport(w io.Writer, s Session, format string) error {
	return WriteReportLang(w, s, format, Lang(""))
}

// WriteReportLang is WriteReport with an explicit language.
func WriteReportLang(w io.Writer, s Session, format string, lang model.Lang) error {
	d := FoldSession(s, lang)
	var buf bytes.Buffer
	switch format {
	case "json":
		enc := json.NewEncoder(&buf)
		enc.SetIndent("", "  ")
		if err := enc.Encode(d); err != nil {
			return err
		}
	case "md", "markdown":
		writeMarkdown(&buf, d, lang)
	case "html":
		if err := writeHTML(&buf, d, lang); err != nil {
			return err
		}
	default:
		return fmt.Errorf("unknown report format %q: valid values are %s", format, strings.Join(ReportFormats, ", "))
	}
	_, err := w.Write(ScrubPAN(buf.Bytes()))
	return err
}
