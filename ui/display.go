package ui

import "strings"

// ambiguousGlyphs are the East-Asian-ambiguous glyphs that the knowledge
// base and terminals use, each with its ASCII text and a one-cell stand-in.
// A terminal drawing ambiguous glyphs two cells wide (legacy CJK consoles,
// some fonts) would push a line past the edge (research/tui.md §4.1).
var ambiguousGlyphs = [][3]string{
	// glyph, text, one cell
	{"“", `"`, `"`}, {"”", `"`, `"`}, {"„", `"`, `"`}, {"‘", "'", "'"}, {"’", "'", "'"},
	{"…", "...", "."}, {"→", "->", ">"}, {"←", "<-", "<"}, {"–", "-", "-"}, {"—", "-", "-"}, {"―", "-", "-"},
	{"±", "+/-", "+"}, {"§", "S", "S"}, {"·", ".", "."}, {"×", "x", "x"}, {"•", "*", "*"}, {"°", " deg", "o"},
}

// glyphReplacer replaces every ambiguous glyph with column col of its row.
func glyphReplacer(col int) *strings.Replacer {
	var pairs []string
	for _, g := range ambiguousGlyphs {
		pairs = append(pairs, g[0], g[col])
	}
	return strings.NewReplacer(pairs...)
}

// narrowText writes the ambiguous glyphs of a text as ASCII, before layout.
var narrowText = glyphReplacer(1)

// lastResort maps any ambiguous glyph left in a finished frame to one ASCII
// cell, keeping the layout's widths.
var lastResort = glyphReplacer(2)

func narrow(s string) string { return narrowText.Replace(s) }
