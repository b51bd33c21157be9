// Package theme holds the console's styles: dark, light and high-contrast
// palettes, and a no-colour variant for NO_COLOR. Status is never shown by
// colour alone: every badge carries its text ("[OK]", "[FAIL]").
package theme

import (
	"image/color"
	"strings"

	"charm.land/lipgloss/v2"
)

// Mode is the --theme value.
type Mode string

// Theme modes.
const (
	Auto         Mode = "auto"
	Dark         Mode = "dark"
	Light        Mode = "light"
	HighContrast Mode = "high-contrast"
)

// ParseMode reads a --theme value; ok is false for an unknown one.
func ParseMode(s string) (Mode, bool) {
	switch m := Mode(strings.ToLower(strings.TrimSpace(s))); m {
	case "":
		return Auto, true
	case Auto, Dark, Light, HighContrast:
		return m, true
	case "hc", "contrast":
		return HighContrast, true
	}
	return "", false
}

// Theme is the set of styles every screen draws with.
type Theme struct {
	Name    string // dark, light, high-contrast, no-color
	Dark    bool
	NoColor bool

	App      lipgloss.Style // header bar
	Title    lipgloss.Style
	Muted    lipgloss.Style
	Text     lipgloss.Style
	Selected lipgloss.Style // the row under the cursor (plus a ">" marker)
	Key      lipgloss.Style
	Desc     lipgloss.Style
	Sep      lipgloss.Style
	Input    lipgloss.Style
	Error    lipgloss.Style
	Toast    lipgloss.Style
	Fraud    lipgloss.Style
	Box      lipgloss.Style // modal boxes (ASCII border)

	OK, Warn, Fail, Skip, Run, Wait lipgloss.Style
}

// ASCIIBorder is the border for boxes: plain ASCII, so no East-Asian
// ambiguous glyphs reach the screen.
var ASCIIBorder = lipgloss.Border{
	Top: "-", Bottom: "-", Left: "|", Right: "|",
	TopLeft: "+", TopRight: "+", BottomLeft: "+", BottomRight: "+",
}

// New builds the theme for mode. dark is the detected background (used by
// Auto); noColor drops every colour and keeps bold, underline and reverse.
func New(mode Mode, dark, noColor bool) Theme {
	switch mode {
	case Dark:
		dark = true
	case Light:
		dark = false
	}
	if noColor {
		return plain(dark)
	}
	if mode == HighContrast {
		return highContrast(dark)
	}
	ld := lipgloss.LightDark(dark)
	name := "light"
	if dark {
		name = "dark"
	}
	c := func(light, dk string) color.Color { return ld(lipgloss.Color(light), lipgloss.Color(dk)) }
	t := Theme{Name: name, Dark: dark}
	s := lipgloss.NewStyle
	t.App = s().Bold(true).Foreground(c("#FFFFFF", "#FFFFFF")).Background(c("#005F87", "#005F87"))
	t.Title = s().Bold(true).Foreground(c("#005F87", "#5FAFD7"))
	t.Muted = s().Foreground(c("#6C6C6C", "#8A8A8A"))
	t.Text = s()
	t.Selected = s().Bold(true).Foreground(c("#000000", "#FFFFFF")).Background(c("#D7E6F0", "#303A46"))
	t.Key = s().Bold(true).Foreground(c("#005F87", "#87AFD7"))
	t.Desc = s().Foreground(c("#4E4E4E", "#A8A8A8"))
	t.Sep = s().Foreground(c("#A8A8A8", "#4E4E4E"))
	t.Input = s().Foreground(c("#000000", "#FFFFFF"))
	t.Error = s().Bold(true).Foreground(c("#AF0000", "#FF5F5F"))
	t.Toast = s().Foreground(c("#005F00", "#87D787"))
	t.Fraud = s().Bold(true).Foreground(c("#FFFFFF", "#FFFFFF")).Background(c("#AF0000", "#AF0000"))
	t.Box = s().Border(ASCIIBorder).BorderForeground(c("#005F87", "#5FAFD7")).Padding(0, 1)
	t.OK = s().Bold(true).Foreground(c("#005F00", "#5FD75F"))
	t.Warn = s().Bold(true).Foreground(c("#875F00", "#FFD75F"))
	t.Fail = s().Bold(true).Foreground(c("#AF0000", "#FF5F5F"))
	t.Skip = s().Foreground(c("#6C6C6C", "#8A8A8A"))
	t.Run = s().Bold(true).Foreground(c("#005F87", "#5FD7FF"))
	t.Wait = s().Foreground(c("#6C6C6C", "#8A8A8A"))
	return t
}

// highContrast uses pure black/white and saturated colours with bold text,
// aiming at WCAG AAA contrast on either background.
func highContrast(dark bool) Theme {
	fg, bg := lipgloss.Color("#000000"), lipgloss.Color("#FFFFFF")
	if dark {
		fg, bg = bg, fg
	}
	s := lipgloss.NewStyle
	pick := func(light, dk string) color.Color {
		if dark {
			return lipgloss.Color(dk)
		}
		return lipgloss.Color(light)
	}
	t := Theme{Name: "high-contrast", Dark: dark}
	t.App = s().Bold(true).Foreground(bg).Background(fg)
	t.Title = s().Bold(true).Underline(true).Foreground(fg)
	t.Muted = s().Foreground(fg)
	t.Text = s().Foreground(fg)
	t.Selected = s().Bold(true).Reverse(true)
	t.Key = s().Bold(true).Underline(true).Foreground(fg)
	t.Desc = s().Foreground(fg)
	t.Sep = s().Foreground(fg)
	t.Input = s().Bold(true).Foreground(fg)
	t.Error = s().Bold(true).Foreground(pick("#8B0000", "#FF8080"))
	t.Toast = s().Bold(true).Foreground(fg)
	t.Fraud = s().Bold(true).Reverse(true)
	t.Box = s().Border(ASCIIBorder).BorderForeground(fg).Padding(0, 1)
	t.OK = s().Bold(true).Foreground(pick("#004000", "#80FF80"))
	t.Warn = s().Bold(true).Foreground(pick("#5A3A00", "#FFFF00"))
	t.Fail = s().Bold(true).Foreground(pick("#8B0000", "#FF8080"))
	t.Skip = s().Foreground(fg)
	t.Run = s().Bold(true).Foreground(pick("#00008B", "#80DFFF"))
	t.Wait = s().Foreground(fg)
	return t
}

// plain is the NO_COLOR theme: bold, underline and reverse only.
func plain(dark bool) Theme {
	s := lipgloss.NewStyle
	t := Theme{Name: "no-color", Dark: dark, NoColor: true}
	t.App = s().Reverse(true)
	t.Title = s().Bold(true)
	t.Muted = s()
	t.Text = s()
	t.Selected = s().Reverse(true)
	t.Key = s().Bold(true)
	t.Desc = s()
	t.Sep = s()
	t.Input = s()
	t.Error = s().Bold(true)
	t.Toast = s().Bold(true)
	t.Fraud = s().Bold(true).Reverse(true)
	t.Box = s().Border(ASCIIBorder).Padding(0, 1)
	t.OK, t.Warn, t.Fail, t.Run = s().Bold(true), s().Bold(true), s().Bold(true), s().Bold(true)
	t.Skip, t.Wait = s(), s()
	return t
}
