package model

import (
	"sort"
	"testing"

	"github.com/posdoctor/posdoctor/fixtures/golden"
)

// TestOwnTextsChinese: every zh text we write (causes, steps, tips,
// symptoms, labels, reasons, notes, glossary meanings) is Chinese, codes,
// ids, units and product names aside, by the shared English-word scanner.
func TestOwnTextsChinese(t *testing.T) {
	t.Parallel()
	kb := Knowledge()
	texts := ownTexts(kb)
	for _, term := range kb.Glossary {
		texts["term "+string(term.ID)] = term.Means
	}
	var where []string
	for w := range texts {
		where = append(where, w)
	}
	sort.Strings(where)
	for _, w := range where {
		if found := golden.EnglishWords(placeholderRe.ReplaceAllString(texts[w].Zh, ""), "MCC", "CVN", "GICC"); len(found) > 0 {
			t.Errorf("%s: zh %q has English words %v", w, texts[w].Zh, found)
		}
	}
}
