package checks

import (
	"bytes"
	"encoding/json"
	"fmt"
	"html/template"
	"io"
	"sort"
	"strings"
	"time"

	"github.com/posdoctor/posdoctor/model"
	"github.com/posdoctor/posdoctor/terminal"
)

// Report formats.
var ReportFormats = []string{"md", "html", "json"}

// ReportData is a session folded into what a ticket needs; it is also the
// JSON report.
type ReportData struct {
	SessionID string           `json:"session_id"`
	Journal   string           `json:"journal"`
	Started   time.Time        `json:"started_at"`
	Ended     time.Time        `json:"ended_at"`
	Torn      bool             `json:"torn,omitempty"`
	Terminals []ReportTerminal `json:"terminals"`
}

// ReportTerminal is one terminal of a session.
type ReportTerminal struct {
	Target    string           `json:"target"`
	Name      string           `json:"name,omitempty"`
	Identity  *terminal.Status `json:"identity,omitempty"`
	Verdict   model.Status     `json:"verdict"`
	Checks    []Result         `json:"checks"`
	Symptom   model.SymptomID  `json:"symptom,omitempty"`
	Diagnosis *model.Diagnosis `json:"diagnosis,omitempty"`
	Steps     []ReportStep     `json:"steps"`
	Payments  []ReportPayment  `json:"payments,omitempty"`
	Notes     []string         `json:"notes,omitempty"`
	Errors    []string         `json:"errors,omitempty"`
}

// ReportStep is a playbook step and what the operator did with it.
type ReportStep struct {
	ID    string      `json:"id"`
	Text  string      `json:"text"`
	Actor model.Actor `json:"actor,omitempty"`
	// State is done, skipped, failed (from the journal) or the playbook's
	// own state (todo, ruled_out, needs_check) when nobody acted on it.
	State string    `json:"state"`
	Note  string    `json:"note,omitempty"`
	Time  time.Time `json:"time,omitempty"`
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

// FoldSession turns journal entries into report data.
func FoldSession(s Session, lang model.Lang) ReportData {
	d := ReportData{SessionID: s.ID, Journal: s.Path, Torn: s.Torn}
	byTarget := map[string]*ReportTerminal{}
	var order []string
	term := func(target string) *ReportTerminal {
		t := byTarget[target]
		if t == nil {
			t = &ReportTerminal{Target: target}
			byTarget[target] = t
			order = append(order, target)
		}
		return t
	}
	steps := map[string]map[string]StepRecord{}
	stepTimes := map[string]map[string]time.Time{}
	pays := map[string]*ReportPayment{}
	var payOrder []string
	for _, e := range s.Entries {
		if d.Started.IsZero() || e.Time.Before(d.Started) {
			d.Started = e.Time
		}
		if e.Time.After(d.Ended) {
			d.Ended = e.Time
		}
		if e.Kind == EntrySessionStart && e.Target == "" {
			continue
		}
		t := term(e.Target)
		if e.Name != "" {
			t.Name = e.Name
		}
		switch e.Kind {
		case EntryIdentity:
			t.Identity = e.Identity
		case EntryCheck:
			if e.Result != nil {
				res := *e.Result
				res.Text = model.Text{En: res.Summary, Zh: e.SummaryZh}
				replaced := false
				for i := range t.Checks {
					if t.Checks[i].ID == res.ID {
						t.Checks[i], replaced = res, true
					}
				}
				if !replaced {
					t.Checks = append(t.Checks, res)
				}
			}
		case EntryDiagnosis:
			t.Diagnosis = e.Diagnosis
			if e.Symptom != "" {
				t.Symptom = e.Symptom
			}
		case EntryStepState:
			if e.Step != nil {
				if steps[e.Target] == nil {
					steps[e.Target] = map[string]StepRecord{}
					stepTimes[e.Target] = map[string]time.Time{}
				}
				steps[e.Target][e.Step.ID] = *e.Step
				stepTimes[e.Target][e.Step.ID] = e.Time
			}
		case EntryNote:
			t.Notes = append(t.Notes, e.Text)
		case EntryError:
			t.Errors = append(t.Errors, e.Text)
		case EntrySessionEnd:
			if e.Verdict != "" {
				t.Verdict = e.Verdict
			}
		}
		if e.TxnRef != "" {
			p := pays[e.TxnRef]
			if p == nil {
				p = &ReportPayment{TxnRef: e.TxnRef, Amount: e.Amount, State: "open"}
				pays[e.TxnRef] = p
				payOrder = append(payOrder, e.TxnRef)
			}
			p.Events = append(p.Events, paymentEvent(e))
			switch e.Kind {
			case EntryTxnClosed:
				p.State = e.Text
			case EntryTxnUnresolved:
				p.State = TxnUnresolved
			}
		}
	}
	for _, ref := range payOrder {
		p := pays[ref]
		for _, e := range s.Entries {
			if e.TxnRef == ref {
				term(e.Target).Payments = append(term(e.Target).Payments, *p)
				break
			}
		}
	}
	sort.SliceStable(order, func(i, j int) bool { return order[i] != "" && order[j] == "" })
	for _, target := range order {
		t := byTarget[target]
		if target == "" && len(t.Checks) == 0 && len(t.Notes) == 0 && len(t.Errors) == 0 && steps[""] == nil && t.Diagnosis == nil {
			continue
		}
		sort.SliceStable(t.Checks, func(i, j int) bool { return checkIndex(t.Checks[i].ID) < checkIndex(t.Checks[j].ID) })
		if t.Verdict == "" && len(t.Checks) > 0 {
			t.Verdict = Verdict(t.Checks)
		}
		seen := map[string]bool{}
		if t.Diagnosis != nil {
			for _, ps := range t.Diagnosis.Playbook {
				rs := ReportStep{ID: ps.ID, Text: ps.Text.In(lang), Actor: ps.Actor, State: string(ps.State)}
				if rec, ok := steps[target][ps.ID]; ok {
					rs.State, rs.Note, rs.Time = rec.State, rec.Note, stepTimes[target][ps.ID]
				}
				seen[ps.ID] = true
				t.Steps = append(t.Steps, rs)
			}
		}
		var extra []string
		for id := range steps[target] {
			if !seen[id] {
				extra = append(extra, id)
			}
		}
		sort.Strings(extra)
		for _, id := range extra {
			rec := steps[target][id]
			t.Steps = append(t.Steps, ReportStep{ID: id, State: rec.State, Note: rec.Note, Time: stepTimes[target][id]})
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
		d.Terminals = append(d.Terminals, *t)
	}
	if d.Terminals == nil {
		d.Terminals = []ReportTerminal{}
	}
	return d
}

func checkIndex(id model.CheckID) int {
	for i, c := range model.CheckOrder {
		if c == id {
			return i
		}
	}
	return len(model.CheckOrder)
}

func paymentEvent(e Entry) string {
	ts := e.Time.UTC().Format("15:04:05")
	switch e.Kind {
	case EntryTxnIntent:
		return fmt.Sprintf("%s intent: authorization of %s", ts, formatAmount(e.Amount, e.Currency))
	case EntryTxnResult, EntryReversalResult:
		what := "authorization"
		if e.Kind == EntryReversalResult {
			what = "reversal"
		}
		if e.Text == "repeat_receipt" {
			what = "repeat receipt"
		}
		if e.Payment == nil {
			return ts + " " + what
		}
		out := "declined"
		if e.Payment.Approved {
			out = "approved"
		}
		s := fmt.Sprintf("%s %s %s", ts, what, out)
		if e.Payment.Receipt != 0 {
			s += fmt.Sprintf(", receipt %d", e.Payment.Receipt)
		}
		if !e.Payment.Approved {
			s += ", " + resultText(e.Payment.Result)
		}
		return s
	case EntryReversalIntent:
		return ts + " reversal intent"
	case EntryTxnUnknown:
		return ts + " outcome unknown: " + e.Text
	case EntryTxnClosed:
		return ts + " closed: " + e.Text
	case EntryTxnUnresolved:
		return ts + " UNRESOLVED: " + e.Text
	}
	return ts + " " + string(e.Kind)
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
		if err := reportHTML.Execute(&buf, htmlData{d, lang}); err != nil {
			return err
		}
	default:
		return fmt.Errorf("unknown report format %q: valid values are %s", format, strings.Join(ReportFormats, ", "))
	}
	_, err := w.Write(ScrubPAN(buf.Bytes()))
	return err
}

func mdEscape(s string) string {
	r := strings.NewReplacer("|", `\|`, "\n", " ", "\r", " ")
	return r.Replace(s)
}

func writeMarkdown(b *bytes.Buffer, d ReportData, lang model.Lang) {
	fmt.Fprintf(b, "# posdoctor report: session %s\n\n", d.SessionID)
	fmt.Fprintf(b, "- Started: %s\n- Ended: %s\n- Journal: `%s`\n", d.Started.UTC().Format(time.RFC3339), d.Ended.UTC().Format(time.RFC3339), d.Journal)
	if d.Torn {
		b.WriteString("- Note: the journal's last line was cut short (the session ended abruptly)\n")
	}
	for _, t := range d.Terminals {
		title := t.Target
		if t.Name != "" {
			title = t.Name + " (" + t.Target + ")"
		}
		fmt.Fprintf(b, "\n## Terminal %s\n\n", title)
		if t.Verdict != "" {
			fmt.Fprintf(b, "**Verdict: %s**\n\n", strings.ToUpper(string(t.Verdict)))
		}
		if id := t.Identity; id != nil {
			b.WriteString("| TID | Model | Serial | Software | Status | Device state |\n|---|---|---|---|---|---|\n")
			fmt.Fprintf(b, "| %s | %s | %s | %s | %02X %s | %s |\n\n", mdEscape(id.TID), mdEscape(id.Model), mdEscape(id.Serial),
				mdEscape(id.SoftwareVersion), id.Code, mdEscape(id.Text), id.DeviceState)
		}
		if len(t.Checks) > 0 {
			b.WriteString("### Checks\n\n| Check | Status | Time | Summary |\n|---|---|---|---|\n")
			for _, c := range t.Checks {
				fmt.Fprintf(b, "| %s | %s | %s | %s |\n", c.ID, c.Status, fmtDuration(c.Duration, c.DurationMS), mdEscape(c.SummaryIn(lang)))
			}
			b.WriteString("\n")
			for _, c := range t.Checks {
				if len(c.Evidence) == 0 {
					continue
				}
				fmt.Fprintf(b, "**%s evidence**: ", c.ID)
				keys := sortedKeys(c.Evidence)
				for i, k := range keys {
					if i > 0 {
						b.WriteString(", ")
					}
					fmt.Fprintf(b, "`%s`=%s", k, mdEscape(c.Evidence[k]))
				}
				b.WriteString("\n\n")
			}
		}
		if t.Diagnosis != nil {
			b.WriteString("### Diagnosis\n\n")
			if t.Diagnosis.Symptom != "" {
				fmt.Fprintf(b, "Symptom: `%s`\n\n", t.Diagnosis.Symptom)
			}
			for i, c := range t.Diagnosis.Causes {
				fmt.Fprintf(b, "%d. %s (`%s`, %s, score %d)\n", i+1, mdEscape(c.Title.In(lang)), c.ID, c.Actor, c.Score)
			}
			if len(t.Diagnosis.Causes) == 0 {
				b.WriteString("No cause ranked.\n")
			}
			b.WriteString("\n")
		}
		if len(t.Steps) > 0 {
			b.WriteString("### Steps\n\n| # | Step | Who | State | Note |\n|---|---|---|---|---|\n")
			for i, s := range t.Steps {
				txt := s.Text
				if txt == "" {
					txt = s.ID
				}
				fmt.Fprintf(b, "| %d | %s | %s | %s | %s |\n", i+1, mdEscape(txt), s.Actor, s.State, mdEscape(s.Note))
			}
			b.WriteString("\n")
		}
		if len(t.Payments) > 0 {
			b.WriteString("### Test payments\n\n")
			for _, p := range t.Payments {
				fmt.Fprintf(b, "- `%s`: **%s**\n", p.TxnRef, p.State)
				for _, e := range p.Events {
					fmt.Fprintf(b, "  - %s\n", mdEscape(e))
				}
			}
			b.WriteString("\n")
		}
		for _, n := range t.Notes {
			fmt.Fprintf(b, "> Note: %s\n\n", mdEscape(n))
		}
		for _, e := range t.Errors {
			fmt.Fprintf(b, "> Error: %s\n\n", mdEscape(e))
		}
		var trace bool
		for _, c := range t.Checks {
			// The link check shows the session opening; others only when they did not pass.
			if len(c.Trace) == 0 || c.Status == model.StatusOK && c.ID != model.CheckLink {
				continue
			}
			if !trace {
				b.WriteString("### Protocol trace (excerpt, card data masked)\n\n```\n")
				trace = true
			}
			fmt.Fprintf(b, "-- %s\n", c.ID)
			for _, f := range c.Trace {
				fmt.Fprintf(b, "%s %s  %s\n", f.Dir, f.Summary, f.Hex)
			}
		}
		if trace {
			b.WriteString("```\n")
		}
	}
}

func sortedKeys(m map[string]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

type htmlData struct {
	ReportData
	Lang model.Lang
}

var reportHTML = template.Must(template.New("report").Funcs(template.FuncMap{
	"upper":   func(s model.Status) string { return strings.ToUpper(string(s)) },
	"in":      func(t model.Text, l model.Lang) string { return t.In(l) },
	"summary": func(r Result, l model.Lang) string { return r.SummaryIn(l) },
	"keys":    sortedKeys,
	"dur":     func(r Result) string { return fmtDuration(r.Duration, r.DurationMS) },
	"hex":     hex2,
	"ts":      func(t time.Time) string { return t.UTC().Format(time.RFC3339) },
}).Parse(`<!doctype html>
<html lang="{{.Lang}}"><head><meta charset="utf-8">
<title>posdoctor report {{.SessionID}}</title>
<style>body{font-family:sans-serif;max-width:60em;margin:2em auto}table{border-collapse:collapse}td,th{border:1px solid #999;padding:.2em .5em;text-align:left}pre{background:#f4f4f4;padding:.5em;overflow:auto}.fail,.error{color:#a00}.warn{color:#850}</style>
</head><body>
<h1>posdoctor report: session {{.SessionID}}</h1>
<p>Started {{ts .Started}}, ended {{ts .Ended}}. Journal <code>{{.Journal}}</code>.{{if .Torn}} The journal's last line was cut short.{{end}}</p>
{{range $t := .Terminals}}
<h2>Terminal {{if .Name}}{{.Name}} ({{.Target}}){{else}}{{.Target}}{{end}}</h2>
{{if .Verdict}}<p class="{{.Verdict}}"><strong>Verdict: {{upper .Verdict}}</strong></p>{{end}}
{{with .Identity}}<table><tr><th>TID</th><th>Model</th><th>Serial</th><th>Software</th><th>Status</th><th>Device state</th></tr>
<tr><td>{{.TID}}</td><td>{{.Model}}</td><td>{{.Serial}}</td><td>{{.SoftwareVersion}}</td><td>{{hex .Code}} {{.Text}}</td><td>{{.DeviceState}}</td></tr></table>{{end}}
{{if .Checks}}<h3>Checks</h3>
<table><tr><th>Check</th><th>Status</th><th>Time</th><th>Summary</th><th>Evidence</th></tr>
{{range .Checks}}<tr><td>{{.ID}}</td><td class="{{.Status}}">{{.Status}}</td><td>{{dur .}}</td><td>{{summary . $.Lang}}</td><td>{{$ev := .Evidence}}{{range $k := keys $ev}}<code>{{$k}}</code>={{index $ev $k}}<br>{{end}}</td></tr>
{{end}}</table>{{end}}
{{with .Diagnosis}}<h3>Diagnosis</h3>{{if .Symptom}}<p>Symptom: <code>{{.Symptom}}</code></p>{{end}}
<ol>{{range .Causes}}<li>{{in .Title $.Lang}} (<code>{{.ID}}</code>, {{.Actor}}, score {{.Score}})</li>{{end}}</ol>{{end}}
{{if .Steps}}<h3>Steps</h3><table><tr><th>Step</th><th>Who</th><th>State</th><th>Note</th></tr>
{{range .Steps}}<tr><td>{{if .Text}}{{.Text}}{{else}}{{.ID}}{{end}}</td><td>{{.Actor}}</td><td>{{.State}}</td><td>{{.Note}}</td></tr>
{{end}}</table>{{end}}
{{if .Payments}}<h3>Test payments</h3><ul>{{range .Payments}}<li><code>{{.TxnRef}}</code>: <strong>{{.State}}</strong><ul>{{range .Events}}<li>{{.}}</li>{{end}}</ul></li>{{end}}</ul>{{end}}
{{range .Notes}}<p>Note: {{.}}</p>{{end}}{{range .Errors}}<p class="error">Error: {{.}}</p>{{end}}
{{range .Checks}}{{if .Trace}}<h4>Trace: {{.ID}} (excerpt, card data masked)</h4><pre>{{range .Trace}}{{.Dir}} {{.Summary}}  {{.Hex}}
{{end}}</pre>{{end}}{{end}}
{{end}}
</body></html>
`))
