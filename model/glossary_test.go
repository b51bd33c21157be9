package model

import (
	"fmt"
	"regexp"
	"strings"
	"testing"
)

// ownTexts are the texts we write (not what terminals show): symptoms,
// causes, steps, tips, labels, code notes, each with where it is.
func ownTexts(kb *KB) map[string]Text {
	out := map[string]Text{}
	for _, s := range kb.Symptoms {
		out["symptom "+string(s.ID)+" title"] = s.Title
		out["symptom "+string(s.ID)+" summary"] = s.Summary
	}
	for _, c := range kb.Causes {
		out["cause "+c.ID+" title"] = c.Title
		out["cause "+c.ID+" summary"] = c.Summary
	}
	for _, s := range kb.Steps {
		out["step "+s.ID] = s.Text
	}
	for _, t := range kb.Tips {
		out["tip "+t.ID] = t.Text
	}
	for kind, m := range kb.Labels {
		for v, t := range m {
			out[fmt.Sprintf("label %s %s", kind, v)] = t
		}
	}
	for _, r := range kb.Reasons {
		out["reason "+string(r.ID)] = r.Text
	}
	for _, c := range kb.Codes {
		if c.Note != (Text{}) {
			out[fmt.Sprintf("code %s %s note", c.Scheme, c.Value)] = c.Note
		}
	}
	return out
}

// TestGlossaryOneWordPerConcept: no text of ours uses a word the glossary
// says to avoid, so one idea has one word (没有密钥, not 无密钥; 欺诈处理, not
// 风险处置; 签到 only for the sign-in with the host).
func TestGlossaryOneWordPerConcept(t *testing.T) {
	t.Parallel()
	kb := Knowledge()
	if len(kb.Glossary) == 0 {
		t.Fatal("empty glossary")
	}
	for where, tx := range ownTexts(kb) {
		for _, term := range kb.Glossary {
			for _, w := range term.Avoid {
				if strings.Contains(tx.Zh, w) || strings.Contains(tx.En, w) {
					t.Errorf("%s uses %q: the glossary's word for %s is %q", where, w, term.ID, term.Zh)
				}
			}
		}
	}
	for _, id := range []TermID{TermSignIn, TermRegistration, TermNoKeys, TermFraudHandling} {
		if _, ok := GlossaryTerm(id); !ok {
			t.Errorf("glossary has no term %s", id)
		}
	}
	reg, _ := GlossaryTerm(TermRegistration)
	if strings.Contains(reg.Zh, "签到") {
		t.Errorf("ZVT Registration is called %q: 签到 is the sign-in with the host", reg.Zh)
	}
	if got := Label(KindCheck, string(CheckLink), LangZh); strings.Contains(got, "签到") || got != reg.Zh {
		t.Errorf("link check zh = %q, want the glossary's %q", got, reg.Zh)
	}
}

func TestLoadGlossaryErrors(t *testing.T) {
	t.Parallel()
	tests := []struct{ name, data, want string }{
		{"one word two concepts", "glossary:\n  - id: sign_on\n    zh: 签到\n    en: sign-on\n    means: {zh: 甲, en: a}\n", `"签到" is already the word for`},
		{"no meaning", "glossary:\n  - id: lonely\n    zh: 孤\n    en: lone\n", `kb extra.yaml:2: term "lonely" means: zh text missing`},
		{"unknown field", "glossary:\n  - id: x\n    colour: red\n", "kb extra.yaml:3: field colour not found"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := LoadKB(kbWith(t, "extra.yaml", []byte(tt.data)))
			if err == nil || !strings.Contains(err.Error(), tt.want) || !lineRe.MatchString(err.Error()) {
				t.Errorf("err = %v\nwant it to contain %q and a file:line", err, tt.want)
			}
		})
	}
}

var lineRe = regexp.MustCompile(`kb [a-z_]+\.yaml:\d+: `)
