package checks

import (
	"strings"
	"testing"

	"github.com/posdoctor/posdoctor/model"
)

// TestCaseLogRecords: each case event becomes its journal entry, the
// diagnosis is journalled when the symptom or the results change it (once
// when nothing changed), and a kind or field this package does not define
// is refused with the valid ones named.
func TestCaseLogRecords(t *testing.T) {
	t.Parallel()
	j, err := OpenJournal(t.TempDir(), "s-case")
	if err != nil {
		t.Fatal(err)
	}
	c := NewCaseLog(j, "sim://keys-out-of-sync")
	in := model.Input{Symptom: model.SignInFailure, Codes: []model.Code{{Scheme: model.SchemeUnionPay, Value: "A0"}}}
	steps := []struct {
		kind   CaseKind
		fields map[string]string
	}{
		{CaseSymptom, SymptomFields("MAC校验错", in)},
		{CaseSymptom, SymptomFields("MAC校验错", in)}, // same diagnosis: not journalled twice
		{CaseStepNote, map[string]string{FieldStep: "sign_in_again", FieldNote: "screen shows 51"}},
		{CaseStepMark, map[string]string{FieldStep: "sign_in_again", FieldMark: "done", FieldNote: "screen shows 51"}},
		{CaseFixAction, map[string]string{FieldStep: "sign_in_again", FieldAction: "initialise"}},
		{CaseFixResult, map[string]string{FieldStep: "sign_in_again", FieldAction: "initialise", FieldCode: "0"}},
		{CaseStepVerify, map[string]string{FieldStep: "sign_in_again", FieldCheck: "status", FieldStatus: "ok"}},
		{CaseSolved, map[string]string{FieldStep: "sign_in_again", FieldCheck: "status", FieldBefore: "fail", FieldAfter: "ok"}},
	}
	for _, s := range steps {
		if err := c.Record(string(s.kind), s.fields); err != nil {
			t.Fatalf("%s: %v", s.kind, err)
		}
	}
	if err := c.Ran([]Result{{ID: model.CheckStatus, Status: model.StatusOK}}); err != nil {
		t.Fatal(err)
	}
	if err := c.Record("fix_actoin", nil); err == nil || !strings.Contains(err.Error(), "valid kinds are case_solved, ") || !strings.Contains(err.Error(), "fix_action") {
		t.Errorf("unknown kind: %v", err)
	}
	if err := c.Record(string(CaseStepMark), map[string]string{"stpe": "x"}); err == nil || !strings.Contains(err.Error(), `no field "stpe"`) {
		t.Errorf("unknown field: %v", err)
	}
	j.Close()
	s, err := ReadSession(j.Path())
	if err != nil {
		t.Fatal(err)
	}
	var kinds []string
	for _, e := range s.Entries {
		kinds = append(kinds, string(e.Kind))
	}
	want := "symptom diagnosis symptom step_note step_state fix fix step_verify case_solved diagnosis"
	if got := strings.Join(kinds, " "); got != want {
		t.Fatalf("entries %q, want %q", got, want)
	}
	e := s.Entries
	if e[0].Text != "MAC校验错" || len(e[0].Codes) != 1 || e[0].Codes[0].Value != "A0" || e[1].Diagnosis == nil || len(e[1].Diagnosis.Causes) == 0 {
		t.Errorf("symptom and diagnosis: %+v %+v", e[0], e[1])
	}
	if e[4].Step.State != StepDone || e[4].Step.Note != "screen shows 51" || e[5].Fix.Phase != FixStarted || e[6].Fix.Phase != FixDone {
		t.Errorf("mark and fix: %+v %+v %+v", e[4].Step, e[5].Fix, e[6].Fix)
	}
	if e[8].Verify.Before != model.StatusFail || e[8].Verify.After != model.StatusOK {
		t.Errorf("solved: %+v", e[8].Verify)
	}
}

// TestFoldKeepsReruns: a check run twice keeps both results: the latest in
// Checks, the pair in Reruns with the fix between them.
func TestFoldKeepsReruns(t *testing.T) {
	t.Parallel()
	tg := "sim://keys-out-of-sync"
	before := Result{ID: model.CheckStatus, Status: model.StatusFail, Summary: "terminal status 51 initialisation required"}
	after := Result{ID: model.CheckStatus, Status: model.StatusOK, Summary: "ready"}
	s := Session{ID: "s", Entries: []Entry{
		{Kind: EntryCheck, Target: tg, Result: &before, SummaryZh: "终端状态 51 需要初始化"},
		{Kind: EntryFix, Target: tg, Fix: &FixRecord{Step: "x", Action: "initialise", Phase: FixDone}},
		{Kind: EntryCheck, Target: tg, Result: &after, SummaryZh: "就绪"},
	}}
	d := FoldSession(s, model.LangZh)
	tr := d.Terminals[0]
	if len(tr.Checks) != 1 || tr.Checks[0].Status != model.StatusOK || len(tr.Reruns) != 1 {
		t.Fatalf("checks %+v reruns %+v", tr.Checks, tr.Reruns)
	}
	got := rerunText(tr.Reruns[0], model.LangZh)
	want := "终端状态：失败（终端状态 51 需要初始化） → 正常（就绪），之前执行了初始化（终端向主机签到）：完成"
	if got != want {
		t.Errorf("re-run\n got %q\nwant %q", got, want)
	}
}
