package checks

import (
	"fmt"
	"sort"
	"strings"

	"github.com/posdoctor/posdoctor/model"
)

// What the markdown and HTML reports say in words, shared by both: the
// answer they open with, each re-run as before → after, each fix, each
// payment event, the evidence as label: value rows.

// reportAnswer is the top of a report: what a ticket needs first.
type reportAnswer struct {
	Verdict  string   // the verdict's label
	Case     string   // solved, or not yet
	Showed   string   // what the terminal showed (or the operator entered)
	TopCause string   // the most likely cause and who acts
	Done     []string // fixes and steps done, with notes
	Before   []string // each re-run: check: before → after
}

// answerOf is t's answer in l.
func answerOf(t ReportTerminal, l model.Lang) reportAnswer {
	a := reportAnswer{Verdict: Label(model.KindStatus, string(t.Verdict), l), Showed: showed(t, l)}
	if t.Verdict == "" {
		a.Verdict = "-"
	}
	switch {
	case t.Solved != nil:
		a.Case = wordIn(wSolved, l)
	case len(t.Fixes) > 0 || worked(t):
		a.Case = wordIn(wStillOpen, l) // a console case the operator worked on
	}
	if cs := causesOf(t); len(cs) > 0 {
		c := cs[0]
		a.TopCause = fmt.Sprintf(wordIn(wCauseShort, l), c.Title.In(l), Label(model.KindActor, string(c.Actor), l))
	}
	for _, fx := range t.Fixes {
		if fx.Phase != FixStarted {
			a.Done = append(a.Done, fixText(fx.FixRecord, l))
		}
	}
	for _, s := range t.Steps {
		if s.State == StepDone || s.State == StepSkipped || s.State == StepFailed {
			a.Done = append(a.Done, stepDoneText(s, l))
		}
	}
	if len(a.Done) == 0 {
		a.Done = []string{wordIn(wNothingDone, l)}
	}
	// The answer names the re-runs that changed something (status 51 no
	// keys → ok); every re-run is listed further down.
	for _, r := range t.Reruns {
		if r.Before.Status != r.After.Status {
			a.Before = append(a.Before, rerunText(r, l))
		}
	}
	if len(a.Before) == 0 && len(t.Reruns) > 0 {
		a.Before = append(a.Before, rerunText(t.Reruns[len(t.Reruns)-1], l))
	}
	return a
}

// worked reports whether the operator marked any step.
func worked(t ReportTerminal) bool {
	for _, s := range t.Steps {
		if s.State == StepDone || s.State == StepSkipped || s.State == StepFailed || s.Note != "" {
			return true
		}
	}
	return false
}

// causesOf is the ranked causes of t's diagnosis, none without one.
func causesOf(t ReportTerminal) []model.RankedCause {
	if t.Diagnosis == nil {
		return nil
	}
	return t.Diagnosis.Causes
}

// showed is what the terminal showed: what the operator entered (the text
// read off the display, the codes, the symptom), else the first check that
// did not pass, as it first ran.
func showed(t ReportTerminal, l model.Lang) string {
	var parts []string
	if t.Query != "" {
		parts = append(parts, "“"+t.Query+"”")
	}
	for _, c := range t.Codes {
		ct := codeText(c, l)
		if t.Query != "" {
			ct = strings.TrimSuffix(ct, " "+t.Query) // the code's text is what was typed
		}
		parts = append(parts, ct)
	}
	if len(parts) == 0 && t.Symptom != "" {
		parts = append(parts, Label(model.KindSymptom, string(t.Symptom), l))
	}
	if len(parts) > 0 {
		return strings.Join(parts, wordIn(wComma, l))
	}
	for _, id := range model.CheckOrder {
		for _, r := range t.Runs {
			if r.Check == id && r.Status != model.StatusOK && r.Status != model.StatusSkip {
				return r.SummaryIn(l)
			}
		}
	}
	return "-"
}

// codeText is a code with the scheme's name and what the code shows.
func codeText(c model.Code, l model.Lang) string {
	s := Label(model.KindScheme, string(c.Scheme), l) + " " + c.Value
	if info, ok := model.LookupCode(c.Scheme, c.Value); ok && info.Display.In(l) != "" && c.Scheme != model.SchemeMessage {
		s += " " + info.Display.In(l)
	}
	return s
}

// runText is "failed (summary)".
func runText(r ReportRun, l model.Lang) string {
	return fmt.Sprintf(wordIn(wRunState, l), Label(model.KindStatus, string(r.Status), l), r.SummaryIn(l))
}

// rerunText is "terminal status: failed (…) → ok (…), after initialisation".
func rerunText(r ReportRerun, l model.Lang) string {
	s := fmt.Sprintf(wordIn(wRerun, l), Label(model.KindCheck, string(r.Check), l), runText(r.Before, l), runText(r.After, l))
	if r.Fix != "" {
		s += fmt.Sprintf(wordIn(wAfterFix, l), r.Fix)
	}
	return s
}

// fixText is "initialisation: done".
func fixText(f FixRecord, l model.Lang) string {
	what := fixLabel(f.Action, l)
	switch f.Phase {
	case FixStarted:
		return fmt.Sprintf(wordIn(wFixState, l), what, wordIn(wFixStarted, l))
	case FixDone:
		return fmt.Sprintf(wordIn(wFixState, l), what, wordIn(wFixOK, l))
	case FixRefused:
		return fmt.Sprintf(wordIn(wFixState, l), what, fmt.Sprintf(wordIn(wFixRefused, l), f.Code))
	}
	return fmt.Sprintf(wordIn(wFixState, l), what, fmt.Sprintf(wordIn(wFixFailed, l), f.Error))
}

// fixLabel names a fix action.
func fixLabel(action string, l model.Lang) string {
	if t, ok := fixActions[action]; ok {
		return t.In(l)
	}
	return action
}

// fixActions are the fix actions the console runs on a terminal.
var fixActions = map[string]model.Text{
	"initialise": tx("Initialisation (the terminal signs in at its host)", "初始化（终端向主机签到）"),
}

// stepDoneText is "step: done (note)".
func stepDoneText(s ReportStep, l model.Lang) string {
	txt := s.Text
	if txt == "" {
		txt = s.ID
	}
	out := fmt.Sprintf(wordIn(wStepDone, l), txt, StepStateLabel(s.State, l))
	if s.Note != "" {
		out += fmt.Sprintf(wordIn(wParen, l), s.Note)
	}
	return out
}

// evidenceRow is one evidence item as label and value.
type evidenceRow struct{ Label, Value string }

// evidenceRows are a check's evidence in l, sorted by label.
func evidenceRows(ev map[string]string, l model.Lang) []evidenceRow {
	rows := make([]evidenceRow, 0, len(ev))
	for k, v := range ev {
		if l == model.LangZh && terminalWords(k, v, ev) {
			continue
		}
		rows = append(rows, evidenceRow{EvidenceLabel(k, l), EvidenceValue(k, v, l)})
	}
	sort.Slice(rows, func(i, j int) bool { return rows[i].Label < rows[j].Label })
	return rows
}

// terminalWords reports whether evidence k is a text the terminal sent in
// its own (Latin) words for a code the evidence holds too: in Chinese the
// code's row says it with the knowledge base's words.
func terminalWords(k, v string, ev map[string]string) bool {
	if strings.ContainsFunc(v, func(r rune) bool { return r >= 0x2E80 }) {
		return false
	}
	switch k {
	case "status_text":
		return ev[string(model.FactStatusCode)] != ""
	case "terminal_text":
		return ev[string(model.FactZVTResult)] != "" || ev[string(model.FactHostCode)] != ""
	}
	return false
}

// terminalTitle is the target with the inventory name, or "no connection".
func terminalTitle(t ReportTerminal, l model.Lang) string {
	switch {
	case t.Target == "" || t.Target == "(no connection)":
		return wordIn(wNoConnection, l)
	case t.Name != "":
		return t.Name + " (" + t.Target + ")"
	}
	return t.Target
}

// paymentEvent is one event of a test payment in l.
func paymentEvent(e Entry, l model.Lang) string {
	ts := e.Time.UTC().Format("15:04:05")
	switch e.Kind {
	case EntryTxnIntent:
		return ts + " " + fmt.Sprintf(wordIn(wPayIntent, l), formatAmounts(e.Amount, e.Currency).In(l))
	case EntryTxnResult, EntryReversalResult:
		what := wPayAuthorization
		if e.Kind == EntryReversalResult {
			what = wPayReversal
		}
		if e.Text == "repeat_receipt" {
			what = wPayRepeatReceipt
		}
		if e.Payment == nil {
			return ts + " " + wordIn(what, l)
		}
		out := MoneyDeclined
		if e.Payment.Approved {
			out = MoneyApproved
		}
		s := ts + " " + wordIn(what, l) + " " + Label(model.KindPayment, out, l)
		if e.Payment.Receipt != 0 {
			s += fmt.Sprintf(wordIn(wPayReceipt, l), e.Payment.Receipt)
		}
		if !e.Payment.Approved {
			s += wordIn(wComma, l) + resultTexts(e.Payment.Result).In(l)
		}
		return s
	case EntryReversalIntent:
		return ts + " " + wordIn(wPayReversalIntent, l)
	case EntryTxnUnknown:
		return ts + " " + Label(model.KindPayment, MoneyUnknown, l) + wordIn(wColon, l) + e.Text
	case EntryTxnClosed:
		return ts + " " + wordIn(wPayClosed, l) + wordIn(wColon, l) + Label(model.KindPayment, e.Text, l)
	case EntryTxnUnresolved:
		return ts + " " + Label(model.KindPayment, TxnUnresolved, l) + wordIn(wColon, l) + e.Text
	}
	return ts + " " + string(e.Kind)
}
