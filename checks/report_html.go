package checks

import (
	"bytes"
	"fmt"
	"html/template"
	"sync"
	"time"

	"github.com/posdoctor/posdoctor/model"
)

// The HTML report, for a ticket system and for print to PDF: it opens with
// the answer (verdict, what the terminal showed, the top cause, what was
// done, the before/after), the evidence follows folded (<details>) with
// labels instead of keys, a print style lays it out on A4 pages with every
// fold open, and it names no local file. One self-contained page: no
// external style, font or script.

// htmlPage is what the template reads: every text already in the report's
// language.
type htmlPage struct {
	Lang      model.Lang
	W         map[string]string // the words of the page, by name
	SessionID string
	Started   string
	Ended     string
	Torn      bool
	Terminals []htmlTerminal
}

type htmlTerminal struct {
	Title    string
	Verdict  model.Status
	Answer   reportAnswer
	Identity []evidenceRow
	Checks   []htmlCheck
	Reruns   []string
	Symptom  string
	Entered  string
	Causes   []string
	Steps    []htmlStep
	Fixes    []string
	Payments []htmlPayment
	Notes    []string
	Errors   []string
	Trace    []htmlTrace
}

type htmlCheck struct {
	Name, Status, Time, Summary string
	Class                       model.Status
	Evidence                    []evidenceRow
}

type htmlStep struct{ Text, Who, State, Note string }

type htmlPayment struct {
	Ref, State string
	Events     []string
}

type htmlTrace struct {
	Check string
	Lines []string
}

// htmlWords are the page's fixed words.
var htmlWords = map[string]model.Text{
	"title": wReportTitle, "session": wSession, "started": wStarted, "ended": wEnded, "torn": wTorn,
	"terminal": wTerminal, "answer": wAnswer, "verdict": wVerdict, "case": wCaseStatus, "showed": wShowed,
	"top_cause": wTopCause, "done": wWhatWasDone, "before_after": wBeforeAfter, "identity": wIdentity,
	"checks": wChecks, "check": wCheck, "status": wStatus, "time": wTime, "summary": wSummaryCol,
	"evidence": wEvidence, "reruns": wRerunsHeading, "diagnosis": wDiagnosis, "symptom": wSymptom,
	"entered": wQuery, "no_cause": wNoCause, "steps": wSteps, "step": wStep, "who": wWho, "state": wState,
	"note": wNote, "fixes": wFixes, "payments": wPayments, "notes": wNotes, "errors": wErrors, "trace": wTrace,
	"colon": wColon,
}

func writeHTML(b *bytes.Buffer, d ReportData, l model.Lang) error {
	p := htmlPage{Lang: l, W: map[string]string{}, SessionID: d.SessionID, Torn: d.Torn,
		Started: d.Started.UTC().Format(time.RFC3339), Ended: d.Ended.UTC().Format(time.RFC3339)}
	for k, w := range htmlWords {
		p.W[k] = w.In(l)
	}
	for _, t := range d.Terminals {
		p.Terminals = append(p.Terminals, htmlTerminalOf(t, l))
	}
	return reportHTML().Execute(b, p)
}

// htmlTerminalOf puts one terminal's report into words.
func htmlTerminalOf(t ReportTerminal, l model.Lang) htmlTerminal {
	h := htmlTerminal{Title: terminalTitle(t, l), Verdict: t.Verdict, Answer: answerOf(t, l)}
	if id := t.Identity; id != nil {
		for _, r := range []evidenceRow{{wordIn(wTIDCol, l), id.TID}, {wordIn(wModel, l), id.Model}, {wordIn(wSerial, l), id.Serial},
			{wordIn(wSoftware, l), id.SoftwareVersion}, {wordIn(wStatus, l), statusCodeText(id.Code, id.Text, l)},
			{wordIn(wDeviceState, l), Label(model.KindDeviceState, id.DeviceState.String(), l)}} {
			if r.Value != "" {
				h.Identity = append(h.Identity, r)
			}
		}
	}
	for _, c := range t.Checks {
		h.Checks = append(h.Checks, htmlCheck{Name: Label(model.KindCheck, string(c.ID), l), Status: Label(model.KindStatus, string(c.Status), l),
			Class: c.Status, Time: fmtDuration(c.Duration, c.DurationMS), Summary: c.SummaryIn(l), Evidence: evidenceRows(c.Evidence, l)})
	}
	for _, r := range t.Reruns {
		h.Reruns = append(h.Reruns, r.After.Time.UTC().Format("15:04:05")+" "+rerunText(r, l))
	}
	if t.Symptom != "" {
		h.Symptom = Label(model.KindSymptom, string(t.Symptom), l)
	}
	if t.Query != "" || len(t.Codes) > 0 {
		h.Entered = showed(t, l)
	}
	for _, c := range causesOf(t) {
		fraud := ""
		if c.Fraud {
			fraud = wordIn(wFraudTag, l) + " "
		}
		h.Causes = append(h.Causes, fraud+c.Title.In(l)+fmt.Sprintf(wordIn(wParen, l),
			Label(model.KindActor, string(c.Actor), l)+wordIn(wComma, l)+fmt.Sprintf(wordIn(wScore, l), c.Score)))
	}
	for _, s := range t.Steps {
		txt := s.Text
		if txt == "" {
			txt = s.ID
		}
		if s.Fraud {
			txt = wordIn(wFraudTag, l) + " " + txt
		}
		h.Steps = append(h.Steps, htmlStep{Text: txt, Who: Label(model.KindActor, string(s.Actor), l), State: StepStateLabel(s.State, l), Note: s.Note})
	}
	for _, f := range t.Fixes {
		h.Fixes = append(h.Fixes, f.Time.UTC().Format("15:04:05")+" "+fixText(f.FixRecord, l))
	}
	for _, p := range t.Payments {
		h.Payments = append(h.Payments, htmlPayment{Ref: p.TxnRef, State: Label(model.KindPayment, p.State, l), Events: p.Events})
	}
	h.Notes, h.Errors = t.Notes, t.Errors
	for _, c := range traced(t) {
		tr := htmlTrace{Check: Label(model.KindCheck, string(c.ID), l)}
		for _, f := range c.Trace {
			tr.Lines = append(tr.Lines, fmt.Sprintf("%s %s  %s", f.Dir, f.Summary, f.Hex))
		}
		h.Trace = append(h.Trace, tr)
	}
	return h
}

// reportCSS lays the page out for a screen and for A4 paper: long values
// (hex, references) wrap instead of widening the page; in print every fold
// is open and headings stay with what follows.
const reportCSS = `*{box-sizing:border-box}
body{font-family:"Noto Sans CJK SC","Source Han Sans SC","PingFang SC","Microsoft YaHei",sans-serif;max-width:60em;margin:1.5em auto;padding:0 1em;line-height:1.45;color:#111}
h1{font-size:1.4em}h2{font-size:1.2em;border-bottom:1px solid #999;margin-top:1.5em}h3{font-size:1.05em}
table{border-collapse:collapse;width:100%;margin:.3em 0 .8em}
td,th{border:1px solid #999;padding:.2em .45em;text-align:left;vertical-align:top;overflow-wrap:anywhere;word-break:break-word}
th{background:#eee}
.answer{border:2px solid #333;padding:.4em 1em;margin:.5em 0 1em}
.answer dt{font-weight:bold;margin-top:.3em}.answer dd{margin:0 0 0 1em}
.verdict{font-size:1.15em;font-weight:bold}
.fail,.error{color:#a00}.warn{color:#850}.ok{color:#060}
details{margin:.3em 0}summary{cursor:pointer}
pre{white-space:pre-wrap;overflow-wrap:anywhere;background:#f4f4f4;padding:.5em;font-size:.85em}
code{overflow-wrap:anywhere}
.meta{color:#444;font-size:.9em}
@page{size:A4;margin:14mm 12mm}
@media print{
body{max-width:none;margin:0;padding:0;font-size:10pt}
details::details-content{content-visibility:visible;display:block}
summary{list-style:none;font-weight:bold}
h2,h3{break-after:avoid}
tr,.answer,li{break-inside:avoid}
}`

// reportHTML is parsed when a report is first written, not when any
// posdoctor command starts (a third of a millisecond).
var reportHTML = sync.OnceValue(func() *template.Template {
	return template.Must(template.New("report").Parse(`<!doctype html>
<html lang="{{if eq .Lang "zh"}}zh-CN{{else}}en{{end}}"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{.W.title}} {{.SessionID}}</title>
<style>` + reportCSS + `</style>
<script>addEventListener("beforeprint",function(){document.querySelectorAll("details").forEach(function(d){d.open=true})})</script>
</head><body>
<h1>{{.W.title}}</h1>
<p class="meta">{{.W.session}}{{.W.colon}}{{.SessionID}} · {{.W.started}}{{.W.colon}}{{.Started}} · {{.W.ended}}{{.W.colon}}{{.Ended}}</p>
{{if .Torn}}<p class="meta">{{.W.torn}}</p>{{end}}
{{range $t := .Terminals}}
<h2>{{$.W.terminal}} {{.Title}}</h2>
<section class="answer"><h3>{{$.W.answer}}</h3><dl>
<dt>{{$.W.verdict}}</dt><dd class="verdict {{.Verdict}}">{{.Answer.Verdict}}</dd>
{{if .Answer.Case}}<dt>{{$.W.case}}</dt><dd>{{.Answer.Case}}</dd>{{end}}
<dt>{{$.W.showed}}</dt><dd>{{.Answer.Showed}}</dd>
{{if .Answer.TopCause}}<dt>{{$.W.top_cause}}</dt><dd>{{.Answer.TopCause}}</dd>{{end}}
<dt>{{$.W.done}}</dt>{{range .Answer.Done}}<dd>{{.}}</dd>{{end}}
{{if .Answer.Before}}<dt>{{$.W.before_after}}</dt>{{range .Answer.Before}}<dd>{{.}}</dd>{{end}}{{end}}
</dl></section>
{{if .Identity}}<h3>{{$.W.identity}}</h3><table>{{range .Identity}}<tr><th>{{.Label}}</th><td>{{.Value}}</td></tr>{{end}}</table>{{end}}
{{if .Checks}}<h3>{{$.W.checks}}</h3>
<table><tr><th>{{$.W.check}}</th><th>{{$.W.status}}</th><th>{{$.W.time}}</th><th>{{$.W.summary}}</th></tr>
{{range .Checks}}<tr><td>{{.Name}}</td><td class="{{.Class}}">{{.Status}}</td><td>{{.Time}}</td><td>{{.Summary}}</td></tr>
{{end}}</table>
{{range .Checks}}{{if .Evidence}}<details><summary>{{$.W.evidence}}{{$.W.colon}}{{.Name}}</summary><table>{{range .Evidence}}<tr><th>{{.Label}}</th><td>{{.Value}}</td></tr>{{end}}</table></details>
{{end}}{{end}}{{end}}
{{if .Reruns}}<h3>{{$.W.reruns}}</h3><ul>{{range .Reruns}}<li>{{.}}</li>{{end}}</ul>{{end}}
{{if or .Symptom .Causes .Entered}}<h3>{{$.W.diagnosis}}</h3>
{{if .Symptom}}<p>{{$.W.symptom}}{{$.W.colon}}{{.Symptom}}</p>{{end}}
{{if .Entered}}<p>{{$.W.entered}}{{$.W.colon}}{{.Entered}}</p>{{end}}
{{if .Causes}}<ol>{{range .Causes}}<li>{{.}}</li>{{end}}</ol>{{else}}<p>{{$.W.no_cause}}</p>{{end}}{{end}}
{{if .Steps}}<h3>{{$.W.steps}}</h3><table><tr><th>{{$.W.step}}</th><th>{{$.W.who}}</th><th>{{$.W.state}}</th><th>{{$.W.note}}</th></tr>
{{range .Steps}}<tr><td>{{.Text}}</td><td>{{.Who}}</td><td>{{.State}}</td><td>{{.Note}}</td></tr>
{{end}}</table>{{end}}
{{if .Fixes}}<h3>{{$.W.fixes}}</h3><ul>{{range .Fixes}}<li>{{.}}</li>{{end}}</ul>{{end}}
{{if .Payments}}<h3>{{$.W.payments}}</h3><ul>{{range .Payments}}<li><code>{{.Ref}}</code>{{$.W.colon}}<strong>{{.State}}</strong><ul>{{range .Events}}<li>{{.}}</li>{{end}}</ul></li>{{end}}</ul>{{end}}
{{if .Notes}}<h3>{{$.W.notes}}</h3>{{range .Notes}}<p>{{.}}</p>{{end}}{{end}}
{{if .Errors}}<h3>{{$.W.errors}}</h3>{{range .Errors}}<p class="error">{{.}}</p>{{end}}{{end}}
{{range .Trace}}<details class="trace"><summary>{{$.W.trace}}{{$.W.colon}}{{.Check}}</summary><pre>{{range .Lines}}{{.}}
{{end}}</pre></details>
{{end}}
{{end}}
</body></html>
`))
})
