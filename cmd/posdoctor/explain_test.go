package main

import (
	"context"
	"encoding/json"
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"

	"github.com/posdoctor/posdoctor/fixtures/golden"
	"github.com/posdoctor/posdoctor/model"
)

// env returns a Getenv over a fixed map, so tests never read the real locale.
func env(kv ...string) func(string) string {
	m := map[string]string{}
	for i := 0; i+1 < len(kv); i += 2 {
		m[kv[i]] = kv[i+1]
	}
	return func(k string) string { return m[k] }
}

func TestNewExplainCmd(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		cli     string
		want    ExplainOptions
		wantErr string
	}{
		{name: "code", cli: "41", want: ExplainOptions{Query: "41"}},
		{name: "lang flag", cli: "--lang en 挂失卡", want: ExplainOptions{Query: "挂失卡", Lang: "en"}},
		{name: "zvt json", cli: "0x78 --scheme zvt --json --lang zh", want: ExplainOptions{Query: "0x78", Scheme: "zvt", Lang: "zh", JSON: true}},
		{name: "words joined", cli: "收包 MAC校验错", want: ExplainOptions{Query: "收包 MAC校验错"}},
		{name: "no argument", cli: "", wantErr: "requires at least 1 arg"},
		{name: "bad scheme", cli: "41 --scheme visa", wantErr: `invalid --scheme "visa": valid values are unionpay, iso, zvt`},
		{name: "bad lang", cli: "41 --lang de", wantErr: `invalid --lang "de": valid values are zh, en`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := parseOptions(newExplainCmd, splitArgs(tt.cli))
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want one containing %q", err, tt.wantErr)
				}
				if strings.Contains(tt.wantErr, "invalid") {
					var fe *FlagError
					if !errors.As(err, &fe) {
						t.Errorf("err %v is not a FlagError", err)
					}
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			g := *got
			g.IO, g.Getenv = nil, nil
			if !reflect.DeepEqual(g, tt.want) {
				t.Errorf("got %+v\nwant %+v", g, tt.want)
			}
		})
	}
}

func TestResolveLang(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, flag string
		env        func(string) string
		want       string
	}{
		{"locale en", "", env("LANG", "en_US.UTF-8"), "en"},
		{"locale zh", "", env("LANG", "zh_CN.UTF-8"), "zh"},
		{"LC_ALL beats LANG", "", env("LC_ALL", "C", "LANG", "zh_CN.UTF-8"), "en"},
		{"LC_MESSAGES beats LANG", "", env("LC_MESSAGES", "zh_TW", "LANG", "de_DE"), "zh"},
		{"no locale", "", env(), "en"},
		{"flag beats locale", "en", env("LANG", "zh_CN.UTF-8"), "en"},
	}
	for _, tt := range tests {
		if got, err := resolveLang(tt.flag, tt.env); err != nil || got != tt.want {
			t.Errorf("%s: %q, %v; want %q", tt.name, got, err, tt.want)
		}
	}
	if _, err := resolveLang("fr", env()); err == nil {
		t.Error("--lang fr accepted")
	}
	// The locale decides the output language when --lang is not given.
	io, out, _ := testIO()
	if err := explainRun(&ExplainOptions{IO: io, Getenv: env("LANG", "zh_CN.UTF-8"), Query: "41"}); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(out.String(), "代码 41（银联）：终端显示「挂失卡」") {
		t.Errorf("zh locale: %q", strings.SplitN(out.String(), "\n", 2)[0])
	}
}

// explainCases are the golden outputs: the list plus a ZVT code and
// a comms message.
var explainCases = []struct {
	name, query, scheme string
	detail              bool
}{
	{"41", "41", "", false},
	{"55", "55", "", false},
	{"05", "05", "", false},
	{"62", "62", "", false},
	{"A0", "A0", "", false},
	{"lost-card-message", "挂失卡", "", false},
	{"symptom-wrong_pin", "wrong_pin", "", false},
	{"zvt-78", "0x78", "zvt", false},
	{"message-comms", "通讯失败", "", false},
	{"near-expired", "卡片过期了", "", false},
	{"near-pin-error", "PIN error", "", false},
	{"zvt-status-text", "需要初始化", "", false},
	{"symptom-terminal_silent", "terminal_silent", "", false},
	{"55-detail", "55", "", true},
}

func TestExplainGolden(t *testing.T) {
	t.Parallel()
	for _, tc := range explainCases {
		for _, lang := range []string{"zh", "en"} {
			t.Run(tc.name+"."+lang, func(t *testing.T) {
				t.Parallel()
				io, out, errOut := testIO()
				err := explainRun(&ExplainOptions{IO: io, Query: tc.query, Scheme: tc.scheme, Lang: lang, Detail: tc.detail})
				if err != nil {
					t.Fatal(err)
				}
				if errOut.Len() != 0 {
					t.Errorf("stderr: %q", errOut)
				}
				got := out.Bytes()
				for n, line := range strings.Split(string(got), "\n") {
					if w := ansi.StringWidth(line); w > explainWidth {
						t.Errorf("line %d is %d columns wide: %q", n+1, w, line)
					}
				}
				if lang == "zh" {
					golden.CheckChinese(t, "explain "+tc.query, string(got))
				}
				golden.Check(t, "testdata/explain/"+tc.name+"."+lang+".txt", got)
			})
		}
	}
}

// TestExplainFraudStandsOut: fraud steps carry a text marker, not colour.
func TestExplainFraudStandsOut(t *testing.T) {
	t.Parallel()
	for _, lang := range []string{"zh", "en"} {
		io, out, _ := testIO()
		if err := explainRun(&ExplainOptions{IO: io, Query: "43", Lang: lang}); err != nil {
			t.Fatal(err)
		}
		s := out.String()
		pb := s[strings.Index(s, explainLabels["top"].In(model.Lang(lang))):]
		first := strings.SplitN(pb, "\n", 4)[2]
		if !strings.Contains(first, explainLabels["fraud"].In(model.Lang(lang))) {
			t.Errorf("%s: first step has no fraud marker: %q", lang, first)
		}
		if strings.Contains(s, "\x1b[") {
			t.Errorf("%s: escape codes in plain output", lang)
		}
	}
}

func TestExplainJSON(t *testing.T) {
	t.Parallel()
	io, out, _ := testIO()
	if err := explainRun(&ExplainOptions{IO: io, Query: "55", Lang: "en", JSON: true}); err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Query string `json:"query"`
		Input struct {
			Symptom string `json:"symptom"`
			Codes   []struct {
				Scheme, Value string
			} `json:"codes"`
		} `json:"input"`
		Code struct {
			Value   string     `json:"value"`
			Display model.Text `json:"display"`
			Fix     string     `json:"fix"`
		} `json:"code"`
		Symptom struct {
			ID string `json:"id"`
		} `json:"symptom"`
		Diagnosis  model.Diagnosis `json:"diagnosis"`
		Prevention []model.Tip     `json:"prevention"`
	}
	if err := json.Unmarshal(out.Bytes(), &doc); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	if doc.Query != "55" || doc.Input.Symptom != "wrong_pin" || doc.Code.Value != "55" || doc.Code.Display.Zh != "密码错" ||
		doc.Code.Fix != "operator" || doc.Symptom.ID != "wrong_pin" || doc.Diagnosis.Symptom != model.WrongPIN ||
		len(doc.Diagnosis.Causes) == 0 || len(doc.Diagnosis.Playbook) == 0 || len(doc.Prevention) == 0 {
		t.Errorf("unexpected JSON: %+v", doc)
	}
	if !reflect.DeepEqual(doc.Diagnosis, model.Diagnose(model.Input{Symptom: model.WrongPIN, Codes: []model.Code{{Scheme: "unionpay", Value: "55"}}})) {
		t.Error("JSON diagnosis differs from model.Diagnose")
	}
	golden.Check(t, "testdata/explain/55.json", out.Bytes())
}

// TestExplainUnknown: a clear message with the closest matches, exit 3.
func TestExplainUnknown(t *testing.T) {
	t.Parallel()
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"explain", "lost_crad", "--lang", "en"}, `no code, message or symptom matches "lost_crad"; closest: lost_card (Card reported lost)`},
		{[]string{"explain", "lost_crad", "--lang", "zh"}, `无法识别 "lost_crad"：不是已知的代码、提示信息或症状；最接近的：lost_card（提示挂失卡）`},
		{[]string{"explain", "98", "--scheme", "iso", "--lang", "en"}, "98 is not an ISO 8583:1987 response code (UnionPay 98: Issuer timed out; try --scheme unionpay); closest: 96"},
		{[]string{"explain", "0x69", "--scheme", "zvt", "--lang", "en"}, "0x69 is not in the ZVT result-code table; closest: 0x6"},
		{[]string{"explain", "41", "--scheme", "visa"}, `invalid --scheme "visa"`},
	}
	for _, tt := range tests {
		f, out, errOut := testFactory()
		code := run(context.Background(), tt.args, f)
		if code != exitCantRun {
			t.Errorf("%v: exit %d, want %d", tt.args, code, exitCantRun)
		}
		if out.Len() != 0 {
			t.Errorf("%v: stdout %q", tt.args, out)
		}
		msg := errOut.String()
		if !strings.Contains(msg, tt.want) || strings.Count(strings.TrimSpace(msg), "\n") != 0 {
			t.Errorf("%v: stderr %q\nwant one line containing %q", tt.args, msg, tt.want)
		}
	}
}

func TestWrapText(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in    string
		width int
		want  []string
	}{
		{"short", 20, []string{"short"}},
		{"the quick brown fox jumps", 10, []string{"the quick", "brown fox", "jumps"}},
		{"一二三四五六七八九十", 10, []string{"一二三四五", "六七八九十"}},
		// Closing punctuation never starts a line; opening never ends one.
		{"一二三四，五六七八", 9, []string{"一二三", "四，五六", "七八"}},
		{"一二三（四五）六", 9, []string{"一二三", "（四五）", "六"}},
		{"用PIN密钥签到", 10, []string{"用PIN密钥", "签到"}},
		{"abcdefghijklmnopqrstuvwxyz", 10, []string{"abcdefghij", "klmnopqrst", "uvwxyz"}},
		{"", 10, []string{""}},
	}
	for _, tt := range tests {
		got := wrapText(tt.in, tt.width)
		if !reflect.DeepEqual(got, tt.want) {
			t.Errorf("wrapText(%q, %d) = %q, want %q", tt.in, tt.width, got, tt.want)
		}
		for _, l := range got {
			if ansi.StringWidth(l) > tt.width {
				t.Errorf("wrapText(%q): line %q wider than %d", tt.in, l, tt.width)
			}
		}
	}
}

// TestExplainFindsEveryDisplayText (issue 10): every text the knowledge base
// says a terminal shows, zh and en, given to `explain --json`, comes back as
// a code that shows that text.
func TestExplainFindsEveryDisplayText(t *testing.T) {
	t.Parallel()
	kb := model.Knowledge()
	norm := func(s string) string { return strings.ToLower(strings.Join(strings.Fields(s), " ")) }
	n := 0
	for _, c := range kb.Codes {
		for _, text := range []string{c.Display.Zh, c.Display.En} {
			n++
			io, out, _ := testIO()
			if err := explainRun(&ExplainOptions{IO: io, Query: text, Lang: "en", JSON: true}); err != nil {
				t.Errorf("%s %s: explain %q: %v", c.Scheme, c.Value, text, err)
				continue
			}
			var doc struct {
				Code *model.CodeInfo `json:"code"`
			}
			if err := json.Unmarshal(out.Bytes(), &doc); err != nil || doc.Code == nil {
				t.Errorf("%s %s: explain %q: no code in %s", c.Scheme, c.Value, text, out)
				continue
			}
			got := doc.Code
			shows := []string{got.Display.Zh, got.Display.En}
			if got.Scheme == model.SchemeMessage {
				shows = append(append(shows, got.Value), got.Match...)
			}
			ok := false
			for _, s := range shows {
				ok = ok || norm(s) == norm(text)
			}
			if !ok {
				t.Errorf("explain %q (%s %s) gives %s %s, which shows %q / %q", text, c.Scheme, c.Value, got.Scheme, got.Value, got.Display.Zh, got.Display.En)
			}
		}
	}
	if n < 600 {
		t.Errorf("only %d texts", n)
	}
}
