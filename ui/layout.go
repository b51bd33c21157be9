package ui

import (
	"strings"

	"github.com/charmbracelet/x/ansi"
)

// wrapWords breaks s into lines of at most w cells at spaces only, so a
// value (a masked PAN, a code, key=value) is never split; a word wider than
// a whole line, such as a run of Chinese text, is broken by width.
func wrapWords(s string, w int) []string {
	w = max(w, 10)
	var lines []string
	cur := ""
	for _, word := range strings.Fields(narrow(s)) {
		for ansi.StringWidth(word) > w {
			if cur != "" {
				lines = append(lines, cur)
				cur = ""
			}
			head := ansi.Truncate(word, w, "")
			lines = append(lines, head)
			word = word[len(head):]
		}
		switch {
		case cur == "":
			cur = word
		case ansi.StringWidth(cur)+1+ansi.StringWidth(word) <= w:
			cur += " " + word
		default:
			lines = append(lines, cur)
			cur = word
		}
	}
	if cur != "" {
		lines = append(lines, cur)
	}
	return lines
}

// packItems lays items out on lines of at most w cells, sep between them,
// an item never split across lines (one wider than a line is cut).
func packItems(items []string, sep string, w int) []string {
	var lines []string
	cur := ""
	for _, it := range items {
		it = narrow(it)
		if ansi.StringWidth(it) > w {
			it = cut(it, w)
		}
		switch {
		case cur == "":
			cur = it
		case ansi.StringWidth(cur)+ansi.StringWidth(sep)+ansi.StringWidth(it) <= w:
			cur += sep + it
		default:
			lines = append(lines, cur)
			cur = it
		}
	}
	if cur != "" {
		lines = append(lines, cur)
	}
	return lines
}

// inWords reports whether an evidence value is a phrase of English words
// ("not needed (declined)") rather than a code, id, number or name.
func inWords(v string) bool {
	words := 0
	for _, f := range strings.Fields(v) {
		f = strings.Trim(f, "()[],;:.")
		if len(f) >= 2 && strings.IndexFunc(f, func(r rune) bool { return !(r >= 'a' && r <= 'z') }) < 0 {
			words++
		}
	}
	return words >= 2
}
