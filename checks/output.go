package checks

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"
	"time"

	"github.com/posdoctor/posdoctor/model"
	"github.com/posdoctor/posdoctor/terminal"
)

// TerminalReport is the outcome of a run on one terminal: the JSON object
// of `posdoctor check --format json` (one line per terminal in a fleet
// sweep). Keys are snake_case; README documents them.
type TerminalReport struct {
	Target     string          `json:"target"`
	Name       string          `json:"name,omitempty"`
	SessionID  string          `json:"session_id,omitempty"`
	StartedAt  time.Time       `json:"started_at"`
	DurationMS int64           `json:"duration_ms"`
	Terminal   TerminalInfo    `json:"terminal"`
	Checks     []CheckReport   `json:"checks"`
	Verdict    model.Status    `json:"verdict"`
	ExitCode   int             `json:"exit_code"`
	Error      string          `json:"error,omitempty"` // why the run could not go on (exit code 3)
	Diagnosis  model.Diagnosis `json:"diagnosis"`
	Recovered  []Recovered     `json:"recovered,omitempty"`
	// StillOpen are the open test payments this run left alone (another
	// terminal's, or held by a posdoctor still running).
	StillOpen []Recovered `json:"still_open,omitempty"`
	Journal   string      `json:"journal,omitempty"`

	// Results keeps the full results (with traces) for reports; not in JSON.
	Results []Result `json:"-"`
}

// TerminalInfo is the terminal's identity as the checks learned it.
type TerminalInfo struct {
	TID             string `json:"tid"`
	Model           string `json:"model,omitempty"`
	Serial          string `json:"serial,omitempty"`
	SoftwareVersion string `json:"software_version"`
	StatusCode      string `json:"status_code"` // hex, "" when not known
	StatusText      string `json:"status_text,omitempty"`
	DeviceState     string `json:"device_state,omitempty"`
	Protocol        string `json:"protocol,omitempty"`
	Link            string `json:"link,omitempty"`
}

// CheckReport is one check in the JSON output.
type CheckReport struct {
	ID         model.CheckID     `json:"id"`
	Status     model.Status      `json:"status"`
	DurationMS int64             `json:"duration_ms"`
	Summary    string            `json:"summary"`
	Evidence   map[string]string `json:"evidence"`
	Codes      []model.Code      `json:"codes,omitempty"`
}

// ExitCodeFor maps a verdict to the exit codes of DESIGN.md: 0 ok (or
// everything skipped), 1 warn, 2 fail, 3 could not run.
func ExitCodeFor(v model.Status) int {
	switch v {
	case model.StatusWarn:
		return 1
	case model.StatusFail:
		return 2
	case model.StatusError:
		return 3
	}
	return 0
}

// NewTerminalReport builds the report of a run.
func NewTerminalReport(target, name string, id terminal.Status, info terminal.Info, results []Result, diag model.Diagnosis) TerminalReport {
	tr := TerminalReport{Target: target, Name: name, Results: results, Diagnosis: diag}
	tr.Terminal = identityInfo(id, info)
	for _, r := range results {
		ev := r.Evidence
		if ev == nil {
			ev = map[string]string{}
		}
		tr.Checks = append(tr.Checks, CheckReport{ID: r.ID, Status: r.Status, DurationMS: r.DurationMS, Summary: r.Summary, Evidence: ev, Codes: r.Codes})
		if tr.Terminal.TID == "" && r.Evidence["tid"] != "" {
			tr.Terminal.TID = r.Evidence["tid"]
		}
	}
	tr.Verdict = Verdict(results)
	tr.ExitCode = ExitCodeFor(tr.Verdict)
	if tr.Diagnosis.Causes == nil {
		tr.Diagnosis.Causes = []model.RankedCause{}
	}
	if tr.Diagnosis.Playbook == nil {
		tr.Diagnosis.Playbook = []model.PlayStep{}
	}
	if tr.Checks == nil {
		tr.Checks = []CheckReport{}
	}
	return tr
}

func identityInfo(id terminal.Status, info terminal.Info) TerminalInfo {
	ti := TerminalInfo{TID: id.TID, Model: id.Model, Serial: id.Serial, SoftwareVersion: id.SoftwareVersion,
		Protocol: info.Protocol, Link: info.Link}
	if id != (terminal.Status{}) {
		ti.StatusCode = hex2(id.Code)
		ti.StatusText = id.Text
		ti.DeviceState = id.DeviceState.String()
	}
	return ti
}

// FailedReport is the report of a terminal that could not be checked at
// all (the link could not be opened): verdict error, exit code 3.
func FailedReport(target, name string, err error) TerminalReport {
	return TerminalReport{Target: target, Name: name, Verdict: model.StatusError, ExitCode: 3,
		Error: ScrubString(err.Error()), Checks: []CheckReport{},
		Diagnosis: model.Diagnosis{Causes: []model.RankedCause{}, Playbook: []model.PlayStep{}}}
}

// WriteJSON writes r as one line of JSON (JSON Lines in a fleet sweep).
func WriteJSON(w io.Writer, r any) error {
	b, err := json.Marshal(r)
	if err != nil {
		return err
	}
	b = append(ScrubPAN(b), '\n')
	_, err = w.Write(b)
	return err
}

// Lang picks the language of texts from a locale ("zh_CN.UTF-8", "en"),
// falling back to LC_ALL, LC_MESSAGES and LANG.
func Lang(locale string) model.Lang {
	return model.LocaleLang(locale, os.Getenv("LC_ALL"), os.Getenv("LC_MESSAGES"), os.Getenv("LANG"))
}

func fmtDuration(d time.Duration, ms int64) string {
	if d == 0 {
		d = time.Duration(ms) * time.Millisecond
	}
	switch {
	case d < time.Second:
		return fmt.Sprintf("%dms", d.Milliseconds())
	case d < time.Minute:
		return fmt.Sprintf("%.1fs", d.Seconds())
	}
	return d.Round(time.Second).String()
}

// FleetSummary is the last line of a fleet sweep.
type FleetSummary struct {
	Summary struct {
		Terminals  int          `json:"terminals"`
		OK         int          `json:"ok"`
		Warn       int          `json:"warn"`
		Fail       int          `json:"fail"`
		Error      int          `json:"error"`
		Skip       int          `json:"skip"`
		Verdict    model.Status `json:"verdict"`
		ExitCode   int          `json:"exit_code"`
		DurationMS int64        `json:"duration_ms"`
		Shard      string       `json:"shard,omitempty"`
	} `json:"summary"`
	// StillOpen are the test payments open after the sweep (other
	// terminals', or held by a posdoctor still running), each once.
	StillOpen []Recovered `json:"still_open,omitempty"`
}

// Add counts one terminal.
func (f *FleetSummary) Add(r TerminalReport) {
	s := &f.Summary
	s.Terminals++
	switch r.Verdict {
	case model.StatusOK:
		s.OK++
	case model.StatusWarn:
		s.Warn++
	case model.StatusFail:
		s.Fail++
	case model.StatusError:
		s.Error++
	default:
		s.Skip++
	}
	s.Verdict = FleetVerdict(s.Verdict, r.Verdict)
	s.ExitCode = ExitCodeFor(s.Verdict)
}

// FleetVerdict combines verdicts for a sweep: fail > error > warn > ok.
func FleetVerdict(a, b model.Status) model.Status {
	if a == "" || a == model.StatusSkip {
		return b
	}
	if b == model.StatusSkip {
		return a
	}
	return worse(a, b)
}

// Line is the summary as one line of text.
func (f FleetSummary) Line() string { return f.LineIn(model.LangEn) }

// LineIn is Line in l: in Chinese the verdict and the statuses by their
// labels.
func (f FleetSummary) LineIn(l model.Lang) string {
	s := f.Summary
	if l != model.LangZh {
		line := fmt.Sprintf("%s fleet: %d terminals: %d ok, %d warn, %d fail, %d error", strings.ToUpper(string(s.Verdict)), s.Terminals, s.OK, s.Warn, s.Fail, s.Error)
		if s.Skip > 0 {
			line += fmt.Sprintf(", %d skip", s.Skip)
		}
		if s.Shard != "" {
			line += " (shard " + s.Shard + ")"
		}
		return line
	}
	lb := func(st model.Status) string { return Label(model.KindStatus, string(st), l) }
	line := fmt.Sprintf("%s 全部终端：共 %d 台：%s %d 台，%s %d 台，%s %d 台，%s %d 台", lb(s.Verdict), s.Terminals,
		lb(model.StatusOK), s.OK, lb(model.StatusWarn), s.Warn, lb(model.StatusFail), s.Fail, lb(model.StatusError), s.Error)
	if s.Skip > 0 {
		line += fmt.Sprintf("，%s %d 台", lb(model.StatusSkip), s.Skip)
	}
	if s.Shard != "" {
		line += "（分片 " + s.Shard + "）"
	}
	return line
}

// JUnit XML (research/ecosystem.md §2.5): one testsuite per terminal, one
// testcase per check; warn is a failure of type warning, error an error.

type junitSuites struct {
	XMLName xml.Name     `xml:"testsuites"`
	Tests   int          `xml:"tests,attr"`
	Fail    int          `xml:"failures,attr"`
	Errors  int          `xml:"errors,attr"`
	Suites  []junitSuite `xml:"testsuite"`
}

type junitSuite struct {
	Name    string      `xml:"name,attr"`
	Tests   int         `xml:"tests,attr"`
	Fail    int         `xml:"failures,attr"`
	Errors  int         `xml:"errors,attr"`
	Skipped int         `xml:"skipped,attr"`
	Time    string      `xml:"time,attr"`
	Cases   []junitCase `xml:"testcase"`
	SysOut  string      `xml:"system-out,omitempty"`
}

type junitCase struct {
	Class   string       `xml:"classname,attr"`
	Name    string       `xml:"name,attr"`
	Time    string       `xml:"time,attr"`
	Failure *junitResult `xml:"failure,omitempty"`
	Error   *junitResult `xml:"error,omitempty"`
	Skipped *junitResult `xml:"skipped,omitempty"`
	SysOut  string       `xml:"system-out,omitempty"`
}

type junitResult struct {
	Message string `xml:"message,attr"`
	Type    string `xml:"type,attr,omitempty"`
	Text    string `xml:",chardata"`
}

// xmlSafe drops characters XML 1.0 cannot hold (STX/ETX from serial traces).
func xmlSafe(s string) string {
	return strings.Map(func(r rune) rune {
		if r == '\t' || r == '\n' || r == '\r' || r >= 0x20 && r <= 0xD7FF || r >= 0xE000 && r <= 0xFFFD || r >= 0x10000 && r <= 0x10FFFF {
			return r
		}
		return -1
	}, ScrubString(s))
}

func evidenceText(ev map[string]string) string {
	keys := make([]string, 0, len(ev))
	for k := range ev {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var b strings.Builder
	for _, k := range keys {
		fmt.Fprintf(&b, "%s=%s\n", k, ev[k])
	}
	return b.String()
}

// WriteJUnit writes reports as JUnit XML.
func WriteJUnit(w io.Writer, reports []TerminalReport, lang model.Lang) error {
	var all junitSuites
	for _, r := range reports {
		name := r.Target
		if r.Name != "" {
			name = r.Name
		}
		class := "posdoctor." + name
		s := junitSuite{Name: xmlSafe(name), Time: fmt.Sprintf("%.3f", float64(r.DurationMS)/1000)}
		if r.Error != "" {
			s.Cases = append(s.Cases, junitCase{Class: xmlSafe(class), Name: "connect", Time: "0",
				Error: &junitResult{Message: xmlSafe(r.Error), Type: "error"}})
			s.Errors++
		}
		for _, c := range r.Checks {
			jc := junitCase{Class: xmlSafe(class), Name: string(c.ID), Time: fmt.Sprintf("%.3f", float64(c.DurationMS)/1000),
				SysOut: xmlSafe(evidenceText(c.Evidence))}
			res := &junitResult{Message: xmlSafe(c.Summary), Type: string(c.Status)}
			switch c.Status {
			case model.StatusFail:
				jc.Failure = res
				s.Fail++
			case model.StatusWarn:
				res.Type = "warning"
				jc.Failure = res
				s.Fail++
			case model.StatusError:
				jc.Error = res
				s.Errors++
			case model.StatusSkip:
				jc.Skipped = &junitResult{Message: xmlSafe(c.Summary)}
				s.Skipped++
			}
			s.Cases = append(s.Cases, jc)
		}
		s.Tests = len(s.Cases)
		var out strings.Builder
		for i, c := range r.Diagnosis.Causes {
			if i == maxCauses {
				break
			}
			fmt.Fprintf(&out, "cause %d: %s [%s]\n", i+1, c.Title.In(lang), c.ID)
		}
		n := 0
		for _, st := range r.Diagnosis.Playbook {
			if st.State == model.StepRuledOut || n == maxSteps {
				continue
			}
			n++
			fmt.Fprintf(&out, "step %d: [%s] %s\n", n, st.Actor, st.Text.In(lang))
		}
		s.SysOut = xmlSafe(out.String())
		all.Tests += s.Tests
		all.Fail += s.Fail
		all.Errors += s.Errors
		all.Suites = append(all.Suites, s)
	}
	b, err := xml.MarshalIndent(all, "", "  ")
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	buf.WriteString(xml.Header)
	buf.Write(b)
	buf.WriteByte('\n')
	_, err = w.Write(ScrubPAN(buf.Bytes()))
	return err
}
