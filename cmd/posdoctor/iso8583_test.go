package main

import (
	"context"
	"encoding/json"
	"io/fs"
	"strings"
	"testing"

	"github.com/posdoctor/posdoctor/fixtures"
	"github.com/posdoctor/posdoctor/fixtures/golden"
	"github.com/posdoctor/posdoctor/model"
	"github.com/posdoctor/posdoctor/terminal/iso8583"
)

func isoVector(t *testing.T, name string) string {
	t.Helper()
	b, err := fs.ReadFile(fixtures.FS, "vectors/iso8583/"+name)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// isoSecrets are the card data of the vectors that must never be printed
// masked: the PAN, track 2, the PIN block and the MACs (spaced and not).
var isoSecrets = []string{"6217001234567890123", "2812220123456789", "7F3E9A0B4C5D6E21", "7F 3E 9A 0B 4C 5D 6E 21",
	"4F1E2D3C", "34 46 31 45 32 44 33 43", "8E7D6C5B", "38 45 37 44 36 43 35 42", "5A4B3C2D", "1F2E3D4C",
	"A1 B2 C3 D4 E5 F6", "0F 1E 2D 3C 4B 5A"}

// TestDecodeISO8583Vectors runs decode --proto iso8583 on every vector, in
// zh and en text and in JSON: field 39 explained from the knowledge base,
// the PAN masked, the PIN block and MAC never printed.
func TestDecodeISO8583Vectors(t *testing.T) {
	t.Parallel()
	kb := model.Knowledge()
	ents, _ := fs.ReadDir(fixtures.FS, "vectors/iso8583")
	for _, e := range ents {
		name := e.Name()
		if !strings.HasSuffix(name, ".hex") {
			continue
		}
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			outs := map[string]string{}
			for _, args := range [][]string{{"--lang", "zh"}, {"--lang", "en"}, {"--json"}} {
				f, out, errOut := testFactory()
				f.IO.In = strings.NewReader(isoVector(t, name))
				code := run(context.Background(), append([]string{"decode", "--proto", "iso8583"}, args...), f)
				if code != exitOK || errOut.Len() != 0 {
					t.Fatalf("%v: exit %d, stderr %q", args, code, errOut)
				}
				outs[args[len(args)-1]] = out.String()
			}
			for k, s := range outs {
				for _, secret := range isoSecrets {
					if strings.Contains(s, secret) {
						t.Errorf("%s output shows %q", k, secret)
					}
				}
				if strings.Contains(name, "0200") || strings.Contains(name, "0210") || strings.Contains(name, "04") {
					if !strings.Contains(s, "621700*********0123") {
						t.Errorf("%s output lacks the masked PAN", k)
					}
				}
			}
			var doc isoDecodeJSON
			if err := json.Unmarshal([]byte(outs["--json"]), &doc); err != nil || len(doc.Messages) != 1 {
				t.Fatalf("json: %v %d messages", err, len(doc.Messages))
			}
			msg := doc.Messages[0]
			for _, f := range msg.Fields {
				if (f.No == 52 || f.No == 64) && (!f.Hidden || f.Value != "" || f.Hex != "") {
					t.Errorf("field %d shown: %+v", f.No, f)
				}
			}
			code := msg.ResponseCode
			if msg.MTI[2] == '1' || msg.MTI[2] == '3' { // answers: field 39 explained in both languages
				c, ok := kb.LookupCode(model.SchemeUnionPay, code)
				if !ok || msg.Explanation == nil || msg.Explanation.Display != c.Display {
					t.Fatalf("explanation %+v, want %v", msg.Explanation, c.Display)
				}
				for lang, s := range map[string]string{"zh": outs["zh"], "en": outs["en"]} {
					if !strings.Contains(s, c.Display.In(model.Lang(lang))) {
						t.Errorf("%s text lacks %q", lang, c.Display.In(model.Lang(lang)))
					}
				}
				if c.Outcome != model.OutcomeApproved && len(msg.Explanation.Causes) == 0 {
					t.Errorf("no causes for %s", code)
				}
			}
			if strings.Contains(outs["zh"], "Response code") || strings.Contains(outs["zh"], "Likely causes") {
				t.Errorf("zh output has English labels:\n%s", outs["zh"])
			}
		})
	}
}

// TestDecodeISO8583Golden keeps the full text of two vectors as golden
// files (POSDOCTOR_UPDATE=1 rewrites). Both are free of ranked causes, which
// follow the knowledge base: a request, and an approved answer.
func TestDecodeISO8583Golden(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct{ golden, input, lang string }{
		{"decode-iso8583-0200-purchase.zh.txt", "vectors/iso8583/0200-purchase.hex", "zh"},
		{"decode-iso8583-0410-reversal-answer.en.txt", "vectors/iso8583/0410-reversal-answer.hex", "en"},
	} {
		b, _ := fs.ReadFile(fixtures.FS, tt.input)
		f, out, _ := testFactory()
		f.IO.In = strings.NewReader(string(b))
		out.WriteString("# posdoctor decode --lang " + tt.lang + " < fixtures/" + tt.input + " (made by cmd/posdoctor TestDecodeISO8583Golden)\n")
		if code := run(context.Background(), []string{"decode", "--lang", tt.lang}, f); code != exitOK { // auto-detected
			t.Fatalf("%s: exit %d", tt.input, code)
		}
		golden.Check(t, "../../fixtures/traces/"+tt.golden, out.Bytes())
	}
}

// TestDecodeISO8583Log pairs the interleaved log in decode's JSON: request,
// answer, latency, unanswered.
func TestDecodeISO8583Log(t *testing.T) {
	t.Parallel()
	b, _ := fs.ReadFile(fixtures.FS, "traces/iso8583-host.log")
	f, out, errOut := testFactory()
	f.IO.In = strings.NewReader(string(b))
	if code := run(context.Background(), []string{"decode", "--json"}, f); code != exitCantRun || !strings.Contains(errOut.String(), "line 13") {
		t.Fatalf("exit %d, stderr %q: want 3 naming line 13", code, errOut)
	}
	var doc isoDecodeJSON
	if err := json.Unmarshal(out.Bytes(), &doc); err != nil {
		t.Fatal(err)
	}
	ms := func(n int64) *int64 { return &n }
	want := []isoExchange{
		{Request: 1, Answer: 2, RequestMTI: "0800", AnswerMTI: "0810", STAN: "000122", TID: "12345678", ResponseCode: "00", LatencyMS: ms(410)},
		{Request: 3, Answer: 6, RequestMTI: "0200", AnswerMTI: "0210", STAN: "000123", TID: "12345678", ResponseCode: "00", LatencyMS: ms(1420)},
		{Request: 4, Answer: 5, RequestMTI: "0200", AnswerMTI: "0210", STAN: "000124", TID: "87654321", ResponseCode: "55", LatencyMS: ms(650)},
		{Request: 7, RequestMTI: "0200", STAN: "000125", TID: "12345678", Unanswered: true},
		{Request: 8, Answer: 9, RequestMTI: "0400", AnswerMTI: "0410", STAN: "000125", TID: "12345678", ResponseCode: "00", LatencyMS: ms(800)},
		{Request: 10, RequestMTI: "0200", STAN: "000126", TID: "12345678", Unanswered: true},
		{Answer: 11, AnswerMTI: "0210", STAN: "000126", TID: "87654321", ResponseCode: "05"},
	}
	if len(doc.Exchanges) != len(want) || len(doc.Unanswered) != 2 || doc.Unanswered[0] != 7 || doc.Unanswered[1] != 10 {
		t.Fatalf("exchanges %+v unanswered %v", doc.Exchanges, doc.Unanswered)
	}
	for i, w := range want {
		g := doc.Exchanges[i]
		if g.Request != w.Request || g.Answer != w.Answer || g.RequestMTI != w.RequestMTI || g.AnswerMTI != w.AnswerMTI || g.STAN != w.STAN ||
			g.TID != w.TID || g.ResponseCode != w.ResponseCode || g.Unanswered != w.Unanswered || (g.LatencyMS == nil) != (w.LatencyMS == nil) ||
			g.LatencyMS != nil && *g.LatencyMS != *w.LatencyMS {
			t.Errorf("exchange %d = %+v, want %+v", i, g, w)
		}
	}
}

// TestExplainISO8583Message: explain takes a whole answer and explains its
// field 39; a refused sign-in points to the keys; a request says what to give.
func TestExplainISO8583Message(t *testing.T) {
	t.Parallel()
	hexOf := func(name string) string {
		var sb strings.Builder
		for _, l := range strings.Split(isoVector(t, name), "\n") {
			l, _, _ = strings.Cut(l, "#")
			sb.WriteString(strings.TrimSpace(l) + " ")
		}
		return sb.String()
	}
	f, out, errOut := testFactory()
	if code := run(context.Background(), []string{"explain", "--json", hexOf("0210-declined-55.hex")}, f); code != exitOK {
		t.Fatalf("exit %d %s", code, errOut)
	}
	var doc explainJSON
	if err := json.Unmarshal(out.Bytes(), &doc); err != nil || doc.Code == nil || doc.Code.Value != "55" || doc.Message == nil || doc.Message.MTI != "0210" || doc.Diagnosis.Symptom != model.WrongPIN {
		t.Fatalf("explain 0210/55: %v %+v", err, doc)
	}
	f, out, _ = testFactory()
	if code := run(context.Background(), []string{"explain", "--lang", "zh", hexOf("0810-sign-in-refused-97.hex")}, f); code != exitOK {
		t.Fatalf("exit %d", code)
	}
	if s := out.String(); !strings.Contains(s, "ISO 8583 0810") || !strings.Contains(s, "签到失败或密钥错误") || !strings.Contains(s, "终端未签到或工作密钥不同步") {
		t.Errorf("refused sign-in:\n%s", s)
	}
	f, _, errOut = testFactory()
	if code := run(context.Background(), []string{"explain", "--lang", "en", hexOf("0200-purchase.hex")}, f); code != exitCantRun || !strings.Contains(errOut.String(), "no response code to explain") {
		t.Errorf("request: exit %d, %q", code, errOut)
	}
	kb := model.Knowledge()
	for _, code := range []string{"97", "96", "12", "A0"} {
		m := isoAnswer(t, "0810", code)
		x := explainISO(kb, m)
		found := false
		for _, c := range x.Causes {
			found = found || c.ID == isoKeysCause
		}
		if !found || x.Symptom != model.SignInFailure || x.Note.En == "" {
			t.Errorf("0810 with %s: %+v, want the keys cause", code, x)
		}
	}
}

// isoAnswer decodes the refused sign-in vector with field 39 set to code.
func isoAnswer(t *testing.T, mti, code string) *iso8583.Message {
	t.Helper()
	b, err := iso8583.ParseHex(isoVector(t, "0810-sign-in-refused-97.hex"))
	if err != nil {
		t.Fatal(err)
	}
	m, err := iso8583.Decode(b)
	if err != nil {
		t.Fatal(err)
	}
	m.MTI = mti
	if err := m.SetText(39, code); err != nil {
		t.Fatal(err)
	}
	return m
}
