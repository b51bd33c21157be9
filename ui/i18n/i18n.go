// Package i18n holds the console's message tables (English and Simplified
// Chinese) and picks the language from the environment.
//
// Texts here are the chrome of the console: titles, labels, key help. Domain
// texts (symptoms, causes, steps) come from the knowledge base in both
// languages already. Messages avoid East-Asian-ambiguous glyphs (box drawing,
// curly quotes, ellipsis, middle dot) so that columns line up in every
// terminal (research/tui.md §4.5).
package i18n

import (
	"fmt"
	"strings"

	"github.com/posdoctor/posdoctor/model"
)

// T returns the message key in l. An unknown key is returned as is, so a
// missing translation shows up in golden files instead of vanishing.
func T(l model.Lang, key string) string {
	m, ok := messages[key]
	if !ok {
		return key
	}
	if l == model.LangZh && m.zh != "" {
		return m.zh
	}
	return m.en
}

// F formats the message key in l with args (fmt verbs).
func F(l model.Lang, key string, args ...any) string {
	return fmt.Sprintf(T(l, key), args...)
}

// Keys returns every key in the table (for tests).
func Keys() []string {
	ks := make([]string, 0, len(messages))
	for k := range messages {
		ks = append(ks, k)
	}
	return ks
}

// Detect picks the language from a flag value (zh, en, zh-CN, zh_CN...) and,
// when flag is empty or "auto", from LC_ALL, LC_MESSAGES and LANG in that
// order. Anything starting with "zh" is Chinese; the default is English.
func Detect(flag string, getenv func(string) string) model.Lang {
	if l, ok := Parse(flag); ok {
		return l
	}
	return model.LocaleLang(getenv("LC_ALL"), getenv("LC_MESSAGES"), getenv("LANG"))
}

// Parse reads a --lang value. ok is false for "" and "auto".
func Parse(s string) (model.Lang, bool) {
	s = strings.ToLower(strings.TrimSpace(s))
	switch {
	case s == "" || s == "auto":
		return "", false
	case strings.HasPrefix(s, "zh"):
		return model.LangZh, true
	default:
		return model.LangEn, true
	}
}

// Toggle returns the other language.
func Toggle(l model.Lang) model.Lang {
	if l == model.LangZh {
		return model.LangEn
	}
	return model.LangZh
}
