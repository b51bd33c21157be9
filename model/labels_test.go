package model

import (
	"strings"
	"testing"
)

// TestEveryLabelBilingual: every value of every kind a user reads has a zh
// and an en label, the zh one Chinese (codes, ids, units and product names
// aside), and Label finds it.
func TestEveryLabelBilingual(t *testing.T) {
	t.Parallel()
	kb := Knowledge()
	for _, kind := range LabelKinds() {
		vals := labelKinds[kind]
		if vals == nil {
			for v := range kb.Labels[kind] {
				vals = append(vals, v)
			}
		}
		if len(vals) == 0 {
			t.Errorf("kind %s has no labels", kind)
		}
		for _, v := range vals {
			tx, ok := kb.LabelText(kind, v)
			if !ok || strings.TrimSpace(tx.Zh) == "" || strings.TrimSpace(tx.En) == "" {
				t.Errorf("label %s %q: %+v, %v", kind, v, tx, ok)
				continue
			}
			if Label(kind, v, LangZh) != tx.Zh || Label(kind, v, LangEn) != tx.En {
				t.Errorf("Label(%s, %q) does not return the table's text", kind, v)
			}
			if w := englishWord(tx.Zh); w != "" {
				t.Errorf("label %s %q: zh %q has the English word %q", kind, v, tx.Zh, w)
			}
		}
	}
	// Derived kinds.
	for kind, v := range map[LabelKind]string{KindTerminalStatus: "0x51", KindSymptom: "lost_card", KindCause: "terminal_keys"} {
		tx, ok := kb.LabelText(kind, v)
		if !ok || tx.Zh == "" || tx.En == "" {
			t.Errorf("derived label %s %q: %+v", kind, v, tx)
		}
	}
	if got := Label(KindTerminalStatus, "51", LangZh); got != "需要初始化" {
		t.Errorf("terminal status 51 zh = %q", got)
	}
	// Every zvt_status code has its label in both languages.
	for _, c := range kb.Codes {
		if c.Scheme == SchemeZVTStatus && (Label(KindTerminalStatus, c.Value, LangZh) == c.Value || Label(KindTerminalStatus, c.Value, LangEn) == c.Value) {
			t.Errorf("terminal status %s has no label", c.Value)
		}
	}
	if got := Label(KindActor, "nobody", LangZh); got != "nobody" {
		t.Errorf("unknown value: %q, want it back unchanged", got)
	}
}

// TestFraudActorOneName: the fraud actor has one Chinese name, the
// glossary's, and the word the console once used is gone.
func TestFraudActorOneName(t *testing.T) {
	t.Parallel()
	term, ok := GlossaryTerm(TermFraudHandling)
	if !ok {
		t.Fatal("no fraud_handling term")
	}
	if got := Label(KindActor, string(ActorFraud), LangZh); got != term.Zh {
		t.Errorf("actor fraud zh = %q, want the glossary's %q", got, term.Zh)
	}
	if !strings.Contains(Label(KindFix, string(FixFraud), LangZh), term.Zh) {
		t.Errorf("fix class fraud zh %q does not use %q", Label(KindFix, string(FixFraud), LangZh), term.Zh)
	}
}

func TestLoadLabelErrors(t *testing.T) {
	t.Parallel()
	tests := []struct{ name, data, want string }{
		{"missing en", "labels:\n  mark:\n    redo:\n      zh: 重做\n", `kb extra.yaml:4: label mark "redo": en text missing`},
		{"unknown kind", "labels:\n  colour:\n    red: {zh: 红, en: red}\n", `labels: unknown kind "colour"`},
		{"not a value", "labels:\n  actor:\n    wizard: {zh: 巫师, en: wizard}\n", `kb extra.yaml:3: label actor "wizard": not a value of actor`},
		{"duplicate", "labels:\n  actor:\n    merchant: {zh: 店主, en: shop owner}\n", `label actor "merchant" defined twice`},
		{"unknown field", "labels:\n  actor:\n    merchant: {zh: 店主, fr: patron}\n", "kb extra.yaml:3: field fr not found"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := LoadKB(kbWith(t, "extra.yaml", []byte(tt.data)))
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("err = %v\nwant it to contain %q", err, tt.want)
			}
		})
	}
	// A label the file leaves out is reported too.
	m := kbWith(t, "labels.yaml", []byte("labels:\n  actor:\n    operator: {zh: 现场操作员, en: operator}\n"))
	_, err := LoadKB(m)
	if err == nil || !strings.Contains(err.Error(), `labels: actor "merchant" has no label`) {
		t.Errorf("missing label: %v", err)
	}
}

// englishWord returns the first run of two or more Latin letters in s that
// is not an allowed code, id, unit or product name, or "".
func englishWord(s string) string {
	allowed := map[string]bool{"ZVT": true, "ISO": true, "CUPS": true, "BMP": true, "PIN": true, "MAC": true, "TLV": true, "ECR": true, "POS": true, "SIM": true, "IC": true, "CVN": true, "OPT": true, "TMK": true, "KCV": true, "ID": true, "posdoctor": true}
	var w []rune
	flush := func() string {
		defer func() { w = w[:0] }()
		if len(w) >= 2 && !allowed[string(w)] && !hexByte(string(w)) {
			return string(w)
		}
		return ""
	}
	for _, r := range s + " " {
		if r < 128 && (r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z') {
			w = append(w, r)
			continue
		}
		if x := flush(); x != "" {
			return x
		}
	}
	return ""
}

// hexByte reports whether w is a byte in upper-case hex (FF, A0 is not
// letters only, but FF, CC, DF are).
func hexByte(w string) bool {
	return len(w) == 2 && strings.Trim(w, "ABCDEF") == ""
}
