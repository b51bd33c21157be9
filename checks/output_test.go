package checks

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"strings"
	"testing"

	"github.com/posdoctor/posdoctor/fixtures/golden"
	"github.com/posdoctor/posdoctor/model"
	"github.com/posdoctor/posdoctor/terminal"
)

func sampleReport() TerminalReport {
	results := []Result{
		{ID: model.CheckLink, Status: model.StatusOK, DurationMS: 3, Summary: "registered", Evidence: map[string]string{"tid": "52500001"},
			Trace: []terminal.Frame{{Dir: terminal.FromTerminal, Hex: "06 0F 02 \x02\x03", Summary: "Completion \x02"}}},
		{ID: model.CheckStatus, Status: model.StatusWarn, DurationMS: 2, Summary: "clock off <by> 1h & more"},
		{ID: model.CheckVersion, Status: model.StatusFail, DurationMS: 1, Summary: "software 1.0 is older"},
		{ID: model.CheckNetwork, Status: model.StatusError, DurationMS: 1, Summary: "no answer"},
		{ID: model.CheckReader, Status: model.StatusSkip, Summary: "needs a card: run with --with-card"},
	}
	diag := model.Diagnosis{Symptom: model.CardError, Causes: []model.RankedCause{{ID: "software_outdated", Title: model.Text{En: "Software outdated", Zh: "软件过旧"}, Actor: model.ActorOperator, Score: 50}},
		Playbook: []model.PlayStep{{ID: "update", Text: model.Text{En: "Update the software", Zh: "升级软件"}, Actor: model.ActorOperator, State: model.StepTodo}}}
	return NewTerminalReport("tcp://127.0.0.1:20007", "shop 1", terminal.Status{TID: "52500001", SoftwareVersion: "1.0"}, terminal.Info{Protocol: "zvt", Link: "tcp"}, results, diag)
}

func TestWriteJUnitIsValidXML(t *testing.T) {
	t.Parallel()
	var b bytes.Buffer
	if err := WriteJUnit(&b, []TerminalReport{sampleReport(), FailedReport("tcp://127.0.0.1:1", "", errString("refused"))}, model.LangEn); err != nil {
		t.Fatal(err)
	}
	var got junitSuites
	if err := xml.Unmarshal(b.Bytes(), &got); err != nil {
		t.Fatalf("not XML: %v\n%s", err, b.String())
	}
	if got.Tests != 6 || got.Fail != 2 || got.Errors != 2 || len(got.Suites) != 2 {
		t.Errorf("tests %d failures %d errors %d suites %d", got.Tests, got.Fail, got.Errors, len(got.Suites))
	}
	s := got.Suites[0]
	if s.Cases[1].Failure == nil || s.Cases[1].Failure.Type != "warning" || s.Cases[4].Skipped == nil || s.Cases[3].Error == nil {
		t.Errorf("case results: %+v", s.Cases)
	}
	if !strings.Contains(s.SysOut, "cause 1: Software outdated") {
		t.Errorf("system-out %q", s.SysOut)
	}
}

type errString string

func (e errString) Error() string { return string(e) }

func TestWriteTextAndJSON(t *testing.T) {
	t.Parallel()
	r := sampleReport()
	var b bytes.Buffer
	if err := WriteText(&b, r, model.LangEn); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(b.String()), "\n")
	want := "FAIL shop 1 (tcp://127.0.0.1:20007) TID 52500001: 1 fail, 1 error, 1 warn, 1 ok, 1 skip (version)"
	if lines[0] != want || lines[len(lines)-1] != want {
		t.Errorf("summary lines %q / %q, want %q", lines[0], lines[len(lines)-1], want)
	}
	if !strings.Contains(b.String(), "1. Software outdated [software_outdated] (operator, score 50)") || !strings.Contains(b.String(), "1. [operator] Update the software") {
		t.Errorf("causes and steps in en:\n%s", b.String())
	}
	b.Reset()
	if err := WriteText(&b, r, model.LangZh); err != nil {
		t.Fatal(err)
	}
	lines = strings.Split(strings.TrimSpace(b.String()), "\n")
	want = "失败 shop 1 (tcp://127.0.0.1:20007) 终端号 52500001：失败 1 项，无法运行 1 项，警告 1 项，正常 1 项，已跳过 1 项（软件版本）"
	if lines[0] != want || lines[len(lines)-1] != want {
		t.Errorf("zh summary lines %q / %q, want %q", lines[0], lines[len(lines)-1], want)
	}
	for _, w := range []string{"症状：", "可能原因：", "1. 软件过旧［software_outdated］（现场操作员，得分 50）", "首要步骤：", "1. 【现场操作员】升级软件", "  警告     终端状态       2ms  "} {
		if !strings.Contains(b.String(), w) {
			t.Errorf("zh text lacks %q:\n%s", w, b.String())
		}
	}
	b.Reset()
	if err := WriteJSON(&b, r); err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(b.Bytes(), &m); err != nil || m["verdict"] != "fail" || m["exit_code"] != 2.0 {
		t.Errorf("json %v %v", m, err)
	}
	if strings.Contains(b.String(), "trace") {
		t.Errorf("JSON output carries the trace")
	}
}

func TestVerdict(t *testing.T) {
	t.Parallel()
	r := func(s ...model.Status) []Result {
		var out []Result
		for _, x := range s {
			out = append(out, Result{Status: x})
		}
		return out
	}
	tests := []struct {
		in   []Result
		want model.Status
	}{
		{nil, model.StatusOK},
		{r(model.StatusSkip, model.StatusSkip), model.StatusSkip},
		{r(model.StatusOK, model.StatusSkip), model.StatusOK},
		{r(model.StatusOK, model.StatusWarn), model.StatusWarn},
		{r(model.StatusWarn, model.StatusError), model.StatusError},
		{r(model.StatusError, model.StatusFail, model.StatusWarn), model.StatusFail},
	}
	for _, tt := range tests {
		if got := Verdict(tt.in); got != tt.want {
			t.Errorf("Verdict(%v) = %s, want %s", tt.in, got, tt.want)
		}
	}
	if FleetVerdict(model.StatusError, model.StatusFail) != model.StatusFail || FleetVerdict(model.StatusWarn, model.StatusError) != model.StatusError {
		t.Error("fleet verdict order")
	}
}

// A run that could not start has no check lines: its summary is printed
// once, not twice with nothing between.
func TestWriteTextCouldNotRunOnce(t *testing.T) {
	t.Parallel()
	r := TerminalReport{Target: "tcp://127.0.0.1:1", Verdict: model.StatusError, ExitCode: 3,
		Error: "could not connect to 127.0.0.1:1: connection refused", Journal: "/tmp/j.jsonl"}
	var b bytes.Buffer
	if err := WriteText(&b, r, model.LangEn); err != nil {
		t.Fatal(err)
	}
	sum := SummaryLine(r)
	if n := strings.Count(b.String(), sum); n != 1 {
		t.Errorf("summary printed %d times, want 1:\n%s", n, b.String())
	}
}

// The recovered-payment line follows the output's language like the rest.
func TestWriteTextRecoveredInLang(t *testing.T) {
	t.Parallel()
	r := TerminalReport{Target: "sim://healthy", Verdict: model.StatusOK,
		Recovered: []Recovered{{State: "reversed", Text: "payment reversed", TextZh: "支付已冲正"}}}
	for lang, want := range map[model.Lang]string{model.LangZh: "支付已冲正", model.LangEn: "payment reversed"} {
		var b bytes.Buffer
		if err := WriteText(&b, r, lang); err != nil {
			t.Fatal(err)
		}
		prefix := map[model.Lang]string{model.LangZh: "已处理的测试交易：已冲正：", model.LangEn: "recovered: reversed: "}[lang]
		if !strings.Contains(b.String(), prefix+want) {
			t.Errorf("%s: output lacks %q:\n%s", lang, want, b.String())
		}
	}
}

// The fleet's last line in Chinese has no English word.
func TestFleetLineZh(t *testing.T) {
	t.Parallel()
	var f FleetSummary
	f.Add(sampleReport())
	f.Add(TerminalReport{Verdict: model.StatusOK})
	f.Summary.Shard = "2/4"
	zh := f.LineIn(model.LangZh)
	if zh != "失败 全部终端：共 2 台：正常 1 台，警告 0 台，失败 1 台，无法运行 0 台（分片 2/4）" {
		t.Errorf("zh line %q", zh)
	}
	golden.CheckChinese(t, "fleet line", zh)
	if en := f.Line(); en != "FAIL fleet: 2 terminals: 1 ok, 0 warn, 1 fail, 0 error (shard 2/4)" {
		t.Errorf("en line %q", en)
	}
}
