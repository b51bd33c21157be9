package checks

import (
	"bytes"
	"context"
	"errors"
	"path/filepath"
	"strings"
	"testing"
	"unicode"

	"github.com/posdoctor/posdoctor/model"
	"github.com/posdoctor/posdoctor/terminal"
)

func hasHan(s string) bool {
	for _, r := range s {
		if unicode.Is(unicode.Han, r) {
			return true
		}
	}
	return false
}

// Every Result the engine produces carries its summary in both languages:
// Text.En is the Summary, Text.Zh is Chinese (not the English fallback).
// The engine's own progress texts and CheckFinished carry the zh form too.
func TestResultTextBilingual(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		setup func(d *fakeDriver)
		ids   []model.CheckID
		want  map[model.CheckID]string // exact Text.Zh for some checks
	}{
		{"healthy", func(*fakeDriver) {}, nil, map[model.CheckID]string{
			model.CheckLink:        "已连接终端，终端号 52500001",
			model.CheckStatus:      "就绪，终端号 52500001",
			model.CheckReader:      "读到芯片卡 622848*********1016，有效期 12/28",
			model.CheckTransaction: "测试交易 0.01（币种 156）已批准（凭条号 7）并已冲正",
		}},
		{"declined", func(d *fakeDriver) {
			d.auth = terminal.Payment{Result: terminal.Result{Code: 0x37, HostCode: "55", Text: "密码错误"}}
		}, nil, map[model.CheckID]string{
			model.CheckTransaction: "测试交易被拒绝，主机返回码 55（密码错误）",
		}},
		{"unreadable card", func(d *fakeDriver) {
			d.card = terminal.Card{Result: terminal.Result{Code: 0x64}}
		}, []model.CheckID{model.CheckReader}, map[model.CheckID]string{
			model.CheckReader: "终端读不了这张卡：结果码 64",
		}},
		{"no keys", func(d *fakeDriver) {
			d.status.DeviceState = terminal.DeviceNoKeys
		}, []model.CheckID{model.CheckLink, model.CheckStatus}, map[model.CheckID]string{
			model.CheckStatus: "设备状态：没有密钥（终端号 52500001）",
		}},
		{"outdated version", func(d *fakeDriver) {
			d.status.Model, d.status.SoftwareVersion = "Ingenico Move/5000", "1.08.2"
		}, []model.CheckID{model.CheckVersion}, nil},
		{"unknown model", func(d *fakeDriver) { d.status.Model = "Castles S1F2" }, []model.CheckID{model.CheckVersion}, nil},
		{"link failure", func(d *fakeDriver) {
			d.regErr = &terminal.Error{Op: "registration", Kind: terminal.KindNoAnswer}
		}, nil, nil},
		{"host unreachable", func(d *fakeDriver) {
			d.host = terminal.HostCheck{Result: terminal.Result{Code: 0xA3}}
		}, []model.CheckID{model.CheckNetwork}, nil},
		{"outcome unknown", func(d *fakeDriver) {
			d.authErr = &terminal.Error{Op: "authorize", Kind: terminal.KindOutcomeUnknown, Err: errors.New("link dropped")}
			d.repeat = terminal.Payment{Approved: true, Amount: 1, Receipt: 9}
		}, []model.CheckID{model.CheckTransaction}, nil},
		{"unresolved", func(d *fakeDriver) {
			d.revErr = &terminal.Error{Op: "reverse", Kind: terminal.KindLink, Err: errors.New("link down")}
			d.repErr = &terminal.Error{Op: "repeat receipt", Kind: terminal.KindLink, Err: errors.New("link down")}
		}, []model.CheckID{model.CheckTransaction}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			d := healthyFake(testNow)
			tt.setup(d)
			e, _ := newTestEngine(t, d)
			events, stop := e.Subscribe()
			rs := e.Run(context.Background(), tt.ids, RunOptions{WithCard: true, Amount: 1})
			if len(rs) == 0 {
				t.Fatal("no results")
			}
			for _, r := range rs {
				if r.Summary == "" || r.Text.En != r.Summary {
					t.Errorf("%s: Text.En %q, Summary %q", r.ID, r.Text.En, r.Summary)
				}
				if !hasHan(r.Text.Zh) {
					t.Errorf("%s: Text.Zh %q is not Chinese (en %q)", r.ID, r.Text.Zh, r.Summary)
				}
				if strings.Contains(r.Text.Zh, "6228480000000001016") {
					t.Errorf("%s: full PAN in Text.Zh %q", r.ID, r.Text.Zh)
				}
				if got := r.SummaryIn(model.LangZh); got != r.Text.Zh {
					t.Errorf("%s: SummaryIn(zh) %q", r.ID, got)
				}
				if got := r.SummaryIn(model.LangEn); got != r.Summary {
					t.Errorf("%s: SummaryIn(en) %q", r.ID, got)
				}
			}
			got := byID(rs)
			for id, want := range tt.want {
				if got[id].Text.Zh != want {
					t.Errorf("%s: Text.Zh %q, want %q (en %q)", id, got[id].Text.Zh, want, got[id].Summary)
				}
			}
			stop()
			for ev := range events {
				switch {
				case ev.Kind == CheckFinished && ev.Result != nil && ev.TextZh != ev.Result.Text.Zh:
					t.Errorf("%s: CheckFinished TextZh %q, Result %q", ev.Check, ev.TextZh, ev.Result.Text.Zh)
				case ev.Kind == CheckProgress && ev.Prompt == nil && !hasHan(ev.TextZh):
					t.Errorf("%s: engine progress %q has no Chinese form (%q)", ev.Check, ev.Text, ev.TextZh)
				}
			}
		})
	}
}

func TestSummaryInFallsBack(t *testing.T) {
	t.Parallel()
	r := Result{Summary: "ready"}
	if got := r.SummaryIn(model.LangZh); got != "ready" {
		t.Errorf("SummaryIn(zh) of an English-only result: %q", got)
	}
	ev := Event{Text: "insert card"}
	if got := ev.TextIn(model.LangZh); got != "insert card" {
		t.Errorf("TextIn(zh) of a terminal prompt: %q", got)
	}
	ev.TextZh = "请插卡"
	if ev.TextIn(model.LangZh) != "请插卡" || ev.TextIn(model.LangEn) != "insert card" {
		t.Errorf("TextIn: %q %q", ev.TextIn(model.LangZh), ev.TextIn(model.LangEn))
	}
}

// The journal keeps the zh summary, so a zh report shows it; the en report
// and the JSON keep the English summary.
func TestReportSummaryLanguage(t *testing.T) {
	t.Parallel()
	d := healthyFake(testNow)
	e, j := newTestEngine(t, d)
	e.Run(context.Background(), []model.CheckID{model.CheckLink}, RunOptions{})
	j.Close()
	s, err := ReadSession(j.Path())
	if err != nil {
		t.Fatal(err)
	}
	render := func(format string, l model.Lang) string {
		var b bytes.Buffer
		if err := WriteReportLang(&b, s, format, l); err != nil {
			t.Fatal(err)
		}
		return b.String()
	}
	for _, f := range []string{"md", "html"} {
		if zh := render(f, model.LangZh); !strings.Contains(zh, "已连接终端，终端号 52500001") {
			t.Errorf("%s zh report lacks the Chinese summary:\n%s", f, zh)
		}
		if en := render(f, model.LangEn); !strings.Contains(en, "registered, TID 52500001") || strings.Contains(en, "已连接终端") {
			t.Errorf("%s en report:\n%s", f, en)
		}
	}
	if js := render("json", model.LangZh); !strings.Contains(js, `"summary": "registered, TID 52500001"`) || strings.Contains(js, `"summary": "已连接终端`) {
		t.Errorf("json report changed its summary:\n%s", js)
	}
}

// What start-up recovery says about an open test payment reaches the
// console in Chinese too.
func TestRecoveredTextBilingual(t *testing.T) {
	t.Parallel()
	d := healthyFake(testNow)
	d.revErr = &terminal.Error{Op: "reverse", Kind: terminal.KindLink, Err: errors.New("link down")}
	d.repErr = &terminal.Error{Op: "repeat receipt", Kind: terminal.KindLink, Err: errors.New("link down")}
	e, j := newTestEngine(t, d)
	e.Run(context.Background(), []model.CheckID{model.CheckTransaction}, RunOptions{WithCard: true})
	j.Close()
	dir := filepath.Dir(j.Path())
	open, err := OpenPayments(dir)
	if err != nil || len(open) != 1 {
		t.Fatalf("open payments %+v %v", open, err)
	}
	if !strings.Contains(open[0].TextZh, "凭条号 7") || !strings.Contains(open[0].Text, "receipt 7") {
		t.Errorf("open payment texts %q / %q", open[0].Text, open[0].TextZh)
	}
	rec, err := Recover(context.Background(), healthyFake(testNow), dir)
	if err != nil || len(rec) != 1 || rec[0].State != TxnReversed {
		t.Fatalf("recover: %+v %v", rec, err)
	}
	if !strings.Contains(rec[0].TextZh, "已冲正") || !strings.Contains(rec[0].Text, "reversed") {
		t.Errorf("recovered texts %q / %q", rec[0].Text, rec[0].TextZh)
	}
}

// posdoctor check's text output says the summaries in the output's
// language, like the causes and steps; the JSON keeps English.
func TestWriteTextSummaryLanguage(t *testing.T) {
	t.Parallel()
	d := healthyFake(testNow)
	e, _ := newTestEngine(t, d)
	rs := e.Run(context.Background(), []model.CheckID{model.CheckLink}, RunOptions{})
	r := NewTerminalReport("tcp://127.0.0.1:20007", "", e.Identity(), d.Info(), rs, model.Diagnosis{})
	for _, tt := range []struct {
		lang      model.Lang
		want, not string
	}{
		{model.LangZh, "已连接终端，终端号 52500001", "registered, TID"},
		{model.LangEn, "registered, TID 52500001", "已连接终端"},
	} {
		var b bytes.Buffer
		if err := WriteText(&b, r, tt.lang); err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(b.String(), tt.want) || strings.Contains(b.String(), tt.not) {
			t.Errorf("%s text output:\n%s", tt.lang, b.String())
		}
	}
	var b bytes.Buffer
	if err := WriteJSON(&b, r); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(b.String(), `"summary":"registered, TID 52500001"`) || strings.Contains(b.String(), "已连接终端") {
		t.Errorf("json output: %s", b.String())
	}
}
