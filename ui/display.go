package ui

import "strings"

// narrowText replaces the East-Asian-ambiguous punctuation that the
// knowledge base and terminals use ("“quotes”", "…", "→", "–") with ASCII,
// so that a terminal drawing ambiguous glyphs two cells wide (legacy CJK
// consoles, some fonts) cannot push a line past the edge
// (research/tui.md §4.1).
var narrowText = strings.NewReplacer(
	"“", `"`, "”", `"`, "„", `"`, "‘", "'", "’", "'",
	"…", "...", "→", "->", "←", "<-", "–", "-", "—", "-", "―", "-",
	"±", "+/-", "§", "S", "·", ".", "×", "x", "•", "*", "°", " deg",
)

// lastResort maps any ambiguous glyph left in a finished frame to one ASCII
// cell, keeping the layout's widths.
var lastResort = strings.NewReplacer(
	"“", `"`, "”", `"`, "„", `"`, "‘", "'", "’", "'",
	"…", ".", "→", ">", "←", "<", "–", "-", "—", "-", "―", "-",
	"±", "+", "§", "S", "·", ".", "×", "x", "•", "*", "°", "o",
)

func narrow(s string) string { return narrowText.Replace(s) }
