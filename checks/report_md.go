package checks

import (
	"bytes"
	"fmt"
	"strings"
	"time"

	"github.com/posdoctor/posdoctor/model"
)

// The markdown report: the answer first, then the identity, the checks
// with their evidence (labels, not keys), the re-runs, the diagnosis, the
// steps, the fixes, the payments, notes and a masked trace excerpt.

func mdEscape(s string) string {
	r := strings.NewReplacer("|", `\|`, "\n", " ", "\r", " ")
	return r.Replace(s)
}

func writeMarkdown(b *bytes.Buffer, d ReportData, l model.Lang) {
	fmt.Fprintf(b, "# %s%s%s %s\n\n", wordIn(wReportTitle, l), wordIn(wColon, l), wordIn(wSession, l), d.SessionID)
	fmt.Fprintf(b, "- %s%s%s\n- %s%s%s\n", wordIn(wStarted, l), wordIn(wColon, l), d.Started.UTC().Format(time.RFC3339),
		wordIn(wEnded, l), wordIn(wColon, l), d.Ended.UTC().Format(time.RFC3339))
	if d.Torn {
		fmt.Fprintf(b, "- %s\n", wordIn(wTorn, l))
	}
	for _, t := range d.Terminals {
		fmt.Fprintf(b, "\n## %s %s\n\n", wordIn(wTerminal, l), terminalTitle(t, l))
		mdAnswer(b, t, l)
		mdIdentity(b, t, l)
		mdChecks(b, t, l)
		mdDiagnosis(b, t, l)
		mdSteps(b, t, l)
		mdRest(b, t, l)
	}
}

func mdAnswer(b *bytes.Buffer, t ReportTerminal, l model.Lang) {
	a := answerOf(t, l)
	c := wordIn(wColon, l)
	fmt.Fprintf(b, "### %s\n\n", wordIn(wAnswer, l))
	fmt.Fprintf(b, "- **%s%s%s**\n", wordIn(wVerdict, l), c, a.Verdict)
	if a.Case != "" {
		fmt.Fprintf(b, "- %s%s%s\n", wordIn(wCaseStatus, l), c, a.Case)
	}
	fmt.Fprintf(b, "- %s%s%s\n", wordIn(wShowed, l), c, mdEscape(a.Showed))
	if a.TopCause != "" {
		fmt.Fprintf(b, "- %s%s%s\n", wordIn(wTopCause, l), c, mdEscape(a.TopCause))
	}
	fmt.Fprintf(b, "- %s%s%s\n", wordIn(wWhatWasDone, l), c, mdEscape(strings.Join(a.Done, wordIn(wSemicolon, l))))
	for _, ba := range a.Before {
		fmt.Fprintf(b, "- %s%s%s\n", wordIn(wBeforeAfter, l), c, mdEscape(ba))
	}
	b.WriteString("\n")
}

func mdIdentity(b *bytes.Buffer, t ReportTerminal, l model.Lang) {
	id := t.Identity
	if id == nil {
		return
	}
	fmt.Fprintf(b, "### %s\n\n| %s | %s | %s | %s | %s | %s |\n|---|---|---|---|---|---|\n", wordIn(wIdentity, l),
		wordIn(wTIDCol, l), wordIn(wModel, l), wordIn(wSerial, l), wordIn(wSoftware, l), wordIn(wStatus, l), wordIn(wDeviceState, l))
	fmt.Fprintf(b, "| %s | %s | %s | %s | %s | %s |\n\n", mdEscape(id.TID), mdEscape(id.Model), mdEscape(id.Serial),
		mdEscape(id.SoftwareVersion), mdEscape(statusCodeText(id.Code, id.Text, l)), Label(model.KindDeviceState, id.DeviceState.String(), l))
}

// statusCodeText is the terminal status byte with its text: the knowledge
// base's in Chinese, the terminal's own in English.
func statusCodeText(code byte, text string, l model.Lang) string {
	if l == model.LangZh {
		text = kbDisplay(model.SchemeZVTStatus, hex2(code), text)
	}
	return strings.TrimSpace(hex2(code) + " " + text)
}

func mdChecks(b *bytes.Buffer, t ReportTerminal, l model.Lang) {
	if len(t.Checks) == 0 {
		return
	}
	fmt.Fprintf(b, "### %s\n\n| %s | %s | %s | %s |\n|---|---|---|---|\n", wordIn(wChecks, l),
		wordIn(wCheck, l), wordIn(wStatus, l), wordIn(wTime, l), wordIn(wSummaryCol, l))
	for _, c := range t.Checks {
		fmt.Fprintf(b, "| %s | %s | %s | %s |\n", Label(model.KindCheck, string(c.ID), l), Label(model.KindStatus, string(c.Status), l),
			fmtDuration(c.Duration, c.DurationMS), mdEscape(c.SummaryIn(l)))
	}
	b.WriteString("\n")
	for _, c := range t.Checks {
		if len(c.Evidence) == 0 {
			continue
		}
		fmt.Fprintf(b, "<details><summary>%s</summary>\n\n", fmt.Sprintf(wordIn(wEvidenceOf, l), Label(model.KindCheck, string(c.ID), l)))
		for _, r := range evidenceRows(c.Evidence, l) {
			fmt.Fprintf(b, "- %s%s%s\n", r.Label, wordIn(wColon, l), mdEscape(r.Value))
		}
		b.WriteString("\n</details>\n\n")
	}
	if len(t.Reruns) > 0 {
		fmt.Fprintf(b, "### %s\n\n", wordIn(wRerunsHeading, l))
		for _, r := range t.Reruns {
			fmt.Fprintf(b, "- %s %s\n", r.After.Time.UTC().Format("15:04:05"), mdEscape(rerunText(r, l)))
		}
		b.WriteString("\n")
	}
}

func mdDiagnosis(b *bytes.Buffer, t ReportTerminal, l model.Lang) {
	if t.Diagnosis == nil && t.Symptom == "" {
		return
	}
	c := wordIn(wColon, l)
	fmt.Fprintf(b, "### %s\n\n", wordIn(wDiagnosis, l))
	if t.Symptom != "" {
		fmt.Fprintf(b, "%s%s%s"+wordIn(wParenCode, l)+"\n\n", wordIn(wSymptom, l), c, Label(model.KindSymptom, string(t.Symptom), l), t.Symptom)
	}
	if t.Query != "" || len(t.Codes) > 0 {
		fmt.Fprintf(b, "%s%s%s\n\n", wordIn(wQuery, l), c, mdEscape(showed(t, l)))
	}
	cs := causesOf(t)
	for i, rc := range cs {
		fraud := ""
		if rc.Fraud {
			fraud = wordIn(wFraudTag, l) + " "
		}
		fmt.Fprintf(b, "%d. %s%s (`%s`%s%s%s%s)\n", i+1, fraud, mdEscape(rc.Title.In(l)), rc.ID, wordIn(wComma, l),
			Label(model.KindActor, string(rc.Actor), l), wordIn(wComma, l), fmt.Sprintf(wordIn(wScore, l), rc.Score))
	}
	if len(cs) == 0 {
		b.WriteString(wordIn(wNoCause, l) + "\n")
	}
	b.WriteString("\n")
}

func mdSteps(b *bytes.Buffer, t ReportTerminal, l model.Lang) {
	if len(t.Steps) == 0 {
		return
	}
	fmt.Fprintf(b, "### %s\n\n| # | %s | %s | %s | %s |\n|---|---|---|---|---|\n", wordIn(wSteps, l),
		wordIn(wStep, l), wordIn(wWho, l), wordIn(wState, l), wordIn(wNote, l))
	for i, s := range t.Steps {
		txt := s.Text
		if txt == "" {
			txt = s.ID
		}
		if s.Fraud {
			txt = wordIn(wFraudTag, l) + " " + txt
		}
		fmt.Fprintf(b, "| %d | %s | %s | %s | %s |\n", i+1, mdEscape(txt), Label(model.KindActor, string(s.Actor), l),
			StepStateLabel(s.State, l), mdEscape(s.Note))
	}
	b.WriteString("\n")
}

// mdRest writes the fixes, payments, notes, errors and the trace excerpt.
func mdRest(b *bytes.Buffer, t ReportTerminal, l model.Lang) {
	if len(t.Fixes) > 0 {
		fmt.Fprintf(b, "### %s\n\n", wordIn(wFixes, l))
		for _, f := range t.Fixes {
			fmt.Fprintf(b, "- %s %s"+wordIn(wParenCode, l)+"\n", f.Time.UTC().Format("15:04:05"), mdEscape(fixText(f.FixRecord, l)), f.Step)
		}
		b.WriteString("\n")
	}
	if len(t.Payments) > 0 {
		fmt.Fprintf(b, "### %s\n\n", wordIn(wPayments, l))
		for _, p := range t.Payments {
			fmt.Fprintf(b, "- `%s`%s**%s**\n", p.TxnRef, wordIn(wColon, l), Label(model.KindPayment, p.State, l))
			for _, e := range p.Events {
				fmt.Fprintf(b, "  - %s\n", mdEscape(e))
			}
		}
		b.WriteString("\n")
	}
	for _, n := range t.Notes {
		fmt.Fprintf(b, "> %s%s%s\n\n", wordIn(wNote, l), wordIn(wColon, l), mdEscape(n))
	}
	for _, e := range t.Errors {
		fmt.Fprintf(b, "> %s%s%s\n\n", wordIn(wErrors, l), wordIn(wColon, l), mdEscape(e))
	}
	var trace bool
	for _, c := range traced(t) {
		if !trace {
			fmt.Fprintf(b, "### %s\n\n```\n", wordIn(wTrace, l))
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

// traced are the checks whose trace the report shows: the link check (the
// session opening) and every check that did not pass.
func traced(t ReportTerminal) []Result {
	var out []Result
	for _, c := range t.Checks {
		if len(c.Trace) > 0 && (c.Status != model.StatusOK || c.ID == model.CheckLink) {
			out = append(out, c)
		}
	}
	return out
}
