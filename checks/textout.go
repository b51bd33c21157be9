package checks

import (
	"bytes"
	"fmt"
	"io"
	"strings"

	"github.com/mattn/go-runewidth"

	"github.com/posdoctor/posdoctor/model"
)

// The text output of `posdoctor check`: a summary line, one line per check,
// the top causes and first steps, the summary again. English keeps the
// contract's words (statuses and check ids as they are in JSON); Chinese
// shows every value by its label ([Label]).

// CheckLine is one line of the text output for a result.
func CheckLine(r Result) string { return CheckLineIn(r, model.LangEn) }

// CheckLineIn is CheckLine in l: the summary in l (English when the result
// has no text in l); in Chinese the status and the check by their labels,
// padded by display width so the columns line up.
func CheckLineIn(r Result, l model.Lang) string {
	dur := fmtDuration(r.Duration, r.DurationMS)
	if l != model.LangZh {
		return ScrubString(fmt.Sprintf("  %-5s %-11s %7s  %s", r.Status, r.ID, dur, r.SummaryIn(l)))
	}
	st := padWidth(Label(model.KindStatus, string(r.Status), l), 8)
	id := padWidth(checkName(r.ID, l), 10)
	return ScrubString(fmt.Sprintf("  %s %s %7s  %s", st, id, dur, r.SummaryIn(l)))
}

// padWidth pads s with spaces to w terminal columns (a Chinese character
// takes two).
func padWidth(s string, w int) string {
	if n := runewidth.StringWidth(s); n < w {
		return s + strings.Repeat(" ", w-n)
	}
	return s
}

// SummaryLine is the verdict line printed first and last.
func SummaryLine(r TerminalReport) string { return SummaryLineIn(r, model.LangEn) }

// SummaryLineIn is SummaryLine in l.
func SummaryLineIn(r TerminalReport, l model.Lang) string {
	who := r.Target
	if r.Name != "" {
		who = r.Name + " (" + r.Target + ")"
	}
	if r.Terminal.TID != "" {
		who += wordIn(wTID, l) + r.Terminal.TID
	}
	verdict := strings.ToUpper(string(r.Verdict))
	if l == model.LangZh {
		verdict = Label(model.KindStatus, string(r.Verdict), l)
	}
	if r.Error != "" {
		return ScrubString(fmt.Sprintf(wordIn(wCouldNotRun, l), verdict, who, r.Error))
	}
	counts := map[model.Status]int{}
	var worst []string
	for _, c := range r.Checks {
		counts[c.Status]++
		if c.Status == r.Verdict && r.Verdict != model.StatusOK {
			worst = append(worst, checkName(c.ID, l))
		}
	}
	var parts []string
	for _, s := range []model.Status{model.StatusFail, model.StatusError, model.StatusWarn, model.StatusOK, model.StatusSkip} {
		if counts[s] == 0 {
			continue
		}
		if l == model.LangZh {
			parts = append(parts, fmt.Sprintf("%s %d 项", Label(model.KindStatus, string(s), l), counts[s]))
		} else {
			parts = append(parts, fmt.Sprintf("%d %s", counts[s], s))
		}
	}
	line := verdict + " " + who
	if len(parts) > 0 {
		line = fmt.Sprintf(wordIn(wSummary, l), verdict, who, strings.Join(parts, wordIn(wComma, l)))
	}
	if len(worst) > 0 {
		line += fmt.Sprintf(wordIn(wParen, l), strings.Join(worst, wordIn(wComma, l)))
	}
	return ScrubString(line)
}

// maxCauses and maxSteps bound the text output.
const (
	maxCauses = 3
	maxSteps  = 5
)

// WriteText writes the text output of one terminal: the summary line, one
// line per check in the fixed order, the top causes and first steps, and
// the summary line again.
func WriteText(w io.Writer, r TerminalReport, lang model.Lang) error {
	var b bytes.Buffer
	sum := SummaryLineIn(r, lang)
	fmt.Fprintln(&b, sum)
	for _, c := range r.Recovered {
		text := c.Text
		if lang == model.LangZh && c.TextZh != "" {
			text = c.TextZh
		}
		fmt.Fprintf(&b, wordIn(wRecovered, lang), Label(model.KindPayment, c.State, lang), text)
	}
	for _, c := range r.Results {
		fmt.Fprintln(&b, CheckLineIn(c, lang))
	}
	if len(r.Results) == 0 {
		for _, c := range r.Checks {
			fmt.Fprintln(&b, CheckLineIn(Result{ID: c.ID, Status: c.Status, DurationMS: c.DurationMS, Summary: c.Summary}, lang))
		}
	}
	writeTextDiagnosis(&b, r.Diagnosis, lang)
	if r.Journal != "" {
		fmt.Fprintf(&b, wordIn(wJournalLine, lang), r.Journal)
	}
	// The summary closes the output too, so it is the last thing on screen
	// after a long run; with nothing between, once is enough.
	if strings.Count(b.String(), "\n") > 2 {
		fmt.Fprintln(&b, sum)
	}
	_, err := w.Write(ScrubPAN(b.Bytes()))
	return err
}

// writeTextDiagnosis writes the symptom, the top causes and the first steps.
func writeTextDiagnosis(b *bytes.Buffer, d model.Diagnosis, lang model.Lang) {
	if d.Symptom != "" {
		fmt.Fprintf(b, wordIn(wSymptomLine, lang), symptomText(d.Symptom, lang))
	}
	if n := len(d.Causes); n > 0 {
		fmt.Fprintln(b, wordIn(wLikelyCauses, lang))
		for i, c := range d.Causes[:min(n, maxCauses)] {
			fraud := ""
			if c.Fraud {
				fraud = wordIn(wFraudTag, lang) + " "
			}
			fmt.Fprintf(b, wordIn(wCauseLine, lang), i+1, fraud, c.Title.In(lang), c.ID, actorText(c.Actor, lang), c.Score)
		}
	}
	steps := 0
	for _, s := range d.Playbook {
		if s.State == model.StepRuledOut {
			continue
		}
		if steps == 0 {
			fmt.Fprintln(b, wordIn(wFirstSteps, lang))
		}
		steps++
		fraud := ""
		if s.Fraud {
			fraud = wordIn(wFraudTag, lang) + " "
		}
		fmt.Fprintf(b, wordIn(wStepLine, lang), steps, actorText(s.Actor, lang), fraud, s.Text.In(lang))
		if steps == maxSteps {
			break
		}
	}
}

// symptomText is the symptom's id in English (the contract's word) and its
// title in Chinese.
func symptomText(id model.SymptomID, l model.Lang) string {
	if l != model.LangZh {
		return string(id)
	}
	if s, ok := model.Knowledge().Symptom(id); ok && s.Title.Zh != "" {
		return s.Title.Zh
	}
	return string(id)
}

// actorText is the actor's id in English text output (as in JSON) and its
// label in Chinese.
func actorText(a model.Actor, l model.Lang) string {
	if l != model.LangZh {
		return string(a)
	}
	return Label(model.KindActor, string(a), l)
}

// checkName is the check's id in English (the contract's word, as in JSON)
// and its label in Chinese.
func checkName(id model.CheckID, l model.Lang) string {
	if l != model.LangZh {
		return string(id)
	}
	return Label(model.KindCheck, string(id), l)
}
