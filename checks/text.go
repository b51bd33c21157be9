package checks

import (
	"fmt"
	"strings"

	"github.com/posdoctor/posdoctor/model"
)

// The engine's texts (summaries, progress) are written in both languages of
// the console. English is the contract (Result.Summary, JSON, the CLI);
// Chinese is what the console shows when it speaks zh-CN. Both forms take
// the same arguments, so a zh format may reorder them with %[n]s.

// tx is a text in English and Chinese.
func tx(en, zh string) model.Text { return model.Text{En: en, Zh: zh} }

// txf formats en and zh with the same arguments.
func txf(en, zh string, args ...any) model.Text {
	return model.Text{En: fmt.Sprintf(en, args...), Zh: fmt.Sprintf(zh, args...)}
}

// same is a text that reads the same in both languages (codes, numbers,
// texts the terminal sent).
func same(s string) model.Text { return model.Text{En: s, Zh: s} }

// cat joins texts with nothing between them.
func cat(ts ...model.Text) model.Text {
	var out model.Text
	for _, t := range ts {
		out.En += t.En
		out.Zh += t.Zh
	}
	return out
}

// joinText joins texts with "; " in English and "；" in Chinese.
func joinText(ts []model.Text) model.Text {
	en := make([]string, len(ts))
	zh := make([]string, len(ts))
	for i, t := range ts {
		en[i], zh[i] = t.En, t.Zh
	}
	return model.Text{En: strings.Join(en, "; "), Zh: strings.Join(zh, "；")}
}

// scrubText is ScrubString on both languages.
func scrubText(t model.Text) model.Text {
	return model.Text{En: ScrubString(t.En), Zh: ScrubString(t.Zh)}
}

// summarize keeps a Result's Summary and Text in step: Summary is always
// Text.En. A check sets Text; a Result built with Summary only (none in
// this package) keeps it as its English text.
func (r *Result) summarize() {
	if r.Text.En == "" {
		r.Text.En = r.Summary
	}
	r.Text = scrubText(r.Text)
	r.Summary = r.Text.En
}

// SummaryIn is the summary in l, the English Summary when the Result has no
// text in l (results read from an old journal, fakes in tests).
func (r Result) SummaryIn(l model.Lang) string {
	if l == model.LangZh && r.Text.Zh != "" {
		return r.Text.Zh
	}
	if r.Summary == "" {
		return r.Text.En
	}
	return r.Summary
}

// TextIn is the event's Text in l: TextZh in Chinese when it has one.
func (e Event) TextIn(l model.Lang) string {
	if l == model.LangZh && e.TextZh != "" {
		return e.TextZh
	}
	return e.Text
}
