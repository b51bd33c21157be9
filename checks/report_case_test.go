package checks

import (
	"bytes"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/posdoctor/posdoctor/fixtures/golden"
	"github.com/posdoctor/posdoctor/model"
	"github.com/posdoctor/posdoctor/terminal"
)

// caseSession is a console case on keys-out-of-sync as CaseLog and the
// engine journal it, at fixed times: the checks (status fails: 51, no keys),
// the lookup of what the terminal showed, a step marked with a note, the
// fix (Initialisation), the verifying re-run (status ok) and the solved
// case.
func caseSession(t *testing.T) Session {
	t.Helper()
	j, err := OpenJournal(t.TempDir(), "20261121T120000Z-case")
	if err != nil {
		t.Fatal(err)
	}
	clock := time.Date(2026, 11, 21, 12, 0, 0, 0, time.UTC)
	j.now = func() time.Time { clock = clock.Add(time.Second); return clock }
	tg := "sim://keys-out-of-sync"
	idBefore := terminal.Status{TID: "52500019", Model: "Ingenico Desk/3500", Serial: "40021109", SoftwareVersion: "2.31.4",
		Code: 0x51, Text: "initialisation required", DeviceState: terminal.DeviceNoKeys}
	idAfter := idBefore
	idAfter.Code, idAfter.Text, idAfter.DeviceState = 0, "ready", terminal.DeviceReady
	link := Result{ID: model.CheckLink, Status: model.StatusOK, DurationMS: 4, Text: tx("registered, TID 52500019", "已连接终端，终端号 52500019"),
		Evidence: map[string]string{"link": "tcp", "protocol": "zvt", "tid": "52500019", "registration_status": "00"},
		Trace: []terminal.Frame{{Dir: terminal.ToTerminal, Summary: "06 00 Registration", Hex: "06 00 08 EE EE EE 8C 01 56 06 00"},
			{Dir: terminal.FromTerminal, Summary: "06 0F Completion: version 2.31.4, status 51 initialisation required",
				Hex: strings.Repeat("4D F0 F0 F6 32 2E 33 31 2E 34 51 06 41 1F 44 04 52 50 00 19 ", 6)}}}
	stEv := map[string]string{"status_code": "51", "device_state": "no_keys", "status_text": "initialisation required", "tid": "52500019",
		"model": "Ingenico Desk/3500", "serial": "40021109", "software_version": "2.31.4", "clock_skew_s": "0"}
	before := Result{ID: model.CheckStatus, Status: model.StatusFail, DurationMS: 31, Evidence: stEv, Codes: []model.Code{{Scheme: model.SchemeZVTStatus, Value: "51"}},
		Text: tx("terminal status 51 initialisation required; device state no_keys (TID 52500019)", "终端状态 51 需要初始化；设备状态：没有密钥（终端号 52500019）")}
	afterEv := map[string]string{"status_code": "00", "device_state": "ready", "tid": "52500019", "model": "Ingenico Desk/3500",
		"serial": "40021109", "software_version": "2.31.4", "clock_skew_s": "0"}
	after := Result{ID: model.CheckStatus, Status: model.StatusOK, DurationMS: 12, Evidence: afterEv, Text: tx("ready, TID 52500019", "就绪，终端号 52500019")}
	network := Result{ID: model.CheckNetwork, Status: model.StatusOK, DurationMS: 9, Evidence: map[string]string{"host_reachable": "true", "host_latency_ms": "10",
		"acquirer_cups_gateway_dns_ms": "3", "acquirer_cups_gateway_tcp_ms": "12"},
		Text: tx("terminal reached its host in 10ms", "终端连通主机，用时 10ms")}
	c := NewCaseLog(j, tg)
	rec := func(e Entry) {
		t.Helper()
		e.Target = tg
		if e.Result != nil {
			r := *e.Result
			r.summarize()
			e.Result, e.SummaryZh = &r, r.Text.Zh
		}
		if err := j.Record(e); err != nil {
			t.Fatal(err)
		}
	}
	mark := func(kind CaseKind, f map[string]string) {
		t.Helper()
		if err := c.Record(string(kind), f); err != nil {
			t.Fatal(err)
		}
	}
	j.Record(Entry{Kind: EntrySessionStart, Target: tg, Text: "console"})
	rec(Entry{Kind: EntryCheck, Result: &link})
	rec(Entry{Kind: EntryIdentity, Identity: &idBefore})
	rec(Entry{Kind: EntryCheck, Result: &before})
	rec(Entry{Kind: EntryCheck, Result: &network})
	if err := c.Ran([]Result{link, before, network}); err != nil {
		t.Fatal(err)
	}
	in := model.Input{Symptom: model.SignInFailure, Codes: []model.Code{{Scheme: model.SchemeUnionPay, Value: "A0"}}}
	mark(CaseSymptom, SymptomFields("MAC校验错，请重新签到", in))
	mark(CaseStepNote, map[string]string{FieldStep: "check_sign_in_state", FieldNote: "屏幕显示 51，没有密钥"})
	mark(CaseStepMark, map[string]string{FieldStep: "check_sign_in_state", FieldMark: "done", FieldNote: "屏幕显示 51，没有密钥"})
	mark(CaseFixAction, map[string]string{FieldStep: "sign_in_again", FieldAction: "initialise"})
	mark(CaseFixResult, map[string]string{FieldStep: "sign_in_again", FieldAction: "initialise", FieldCode: "0"})
	rec(Entry{Kind: EntryIdentity, Identity: &idAfter})
	rec(Entry{Kind: EntryCheck, Result: &after})
	if err := c.Ran([]Result{after}); err != nil {
		t.Fatal(err)
	}
	mark(CaseStepVerify, map[string]string{FieldStep: "sign_in_again", FieldCheck: "status", FieldStatus: "ok"})
	mark(CaseStepMark, map[string]string{FieldStep: "sign_in_again", FieldMark: "done"})
	mark(CaseSolved, map[string]string{FieldStep: "sign_in_again", FieldCheck: "status", FieldBefore: "fail", FieldAfter: "ok"})
	j.Record(Entry{Kind: EntrySessionEnd, Target: tg})
	j.Close()
	s, err := ReadSession(j.Path())
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func renderReport(t *testing.T, s Session, format string, l model.Lang) string {
	t.Helper()
	var b bytes.Buffer
	if err := WriteReportLang(&b, s, format, l); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

// kbIDs are check ids the knowledge base's zh step texts quote as ids
// ("network 检查"); the reports' own words name checks by their labels.
var kbIDs = []string{"status", "network"}

// htmlPre is a <pre> block: the protocol trace is data (hex, frame names).
var htmlPre = regexp.MustCompile(`(?s)<pre>.*?</pre>`)

// TestCaseReportGolden: the report of a console case, md and html, zh and
// en, against golden files; the zh ones hold no English word.
func TestCaseReportGolden(t *testing.T) {
	t.Parallel()
	s := caseSession(t)
	for _, f := range []string{"md", "html"} {
		for _, l := range []model.Lang{model.LangZh, model.LangEn} {
			got := renderReport(t, s, f, l)
			golden.Check(t, filepath.Join("testdata", "report-case."+string(l)+"."+f), []byte(got))
			if l != model.LangZh {
				continue
			}
			text := got
			if f == "html" {
				text = golden.VisibleText(htmlPre.ReplaceAllString(got, ""))
			}
			golden.CheckChinese(t, "report --lang zh "+f, text, kbIDs...)
		}
	}
}

// TestCaseReportAnswerFirst: the report opens with the answer, shows the
// symptom, the diagnosis, the steps with marks and notes, the fix and the
// before/after of the re-run check, with labels instead of evidence keys
// and no local path.
func TestCaseReportAnswerFirst(t *testing.T) {
	t.Parallel()
	s := caseSession(t)
	zh := renderReport(t, s, "md", model.LangZh)
	order := []string{"### 结论", "检查结论：正常", "处理状态：已解决：复查通过", "终端显示：“MAC校验错，请重新签到”，银联 A0",
		"最可能的原因：", "已采取的措施：初始化（终端向主机签到）：完成", "处理前后：终端状态：失败（终端状态 51 需要初始化",
		"→ 正常（就绪，终端号 52500019），之前执行了初始化", "### 终端信息", "### 检查结果", "<details><summary>证据：终端状态</summary>",
		"- 状态码：00 终端就绪", "- 设备状态：就绪", "### 复查记录", "### 诊断", "症状：签到失败或密钥错误（`sign_in_failure`）",
		"### 处理步骤", "| 已完成 | 屏幕显示 51，没有密钥 |", "### 在终端上执行的修复"}
	at := 0
	for _, w := range order {
		i := strings.Index(zh[at:], w)
		if i < 0 {
			t.Fatalf("zh report lacks %q after byte %d:\n%s", w, at, zh)
		}
		at += i + len(w)
	}
	html := renderReport(t, s, "html", model.LangZh)
	for _, bad := range []string{"registration_status", "status_code=", s.Path, filepath.Dir(s.Path)} {
		if strings.Contains(html, bad) || strings.Contains(zh, bad) {
			t.Errorf("report holds %q", bad)
		}
	}
	if !strings.Contains(html, "@page{size:A4") || !strings.Contains(html, "<details><summary>证据：终端状态</summary>") {
		t.Errorf("html: no print style or no folded evidence")
	}
}
