package theme

import (
	"strings"
	"testing"
)

func TestParseMode(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]Mode{"": Auto, "auto": Auto, "Dark": Dark, "light": Light, "high-contrast": HighContrast, "hc": HighContrast} {
		if got, ok := ParseMode(in); !ok || got != want {
			t.Errorf("ParseMode(%q) = %q, %v", in, got, ok)
		}
	}
	if _, ok := ParseMode("neon"); ok {
		t.Error("neon accepted")
	}
}

func TestNoColorHasNoColours(t *testing.T) {
	t.Parallel()
	th := New(HighContrast, true, true)
	if th.Name != "no-color" || !th.NoColor {
		t.Fatalf("NO_COLOR theme %q", th.Name)
	}
	// lipgloss renders colours as 38;2;R;G;B / 48;2;R;G;B: none may appear.
	for _, out := range []string{th.OK.Render("[OK]"), th.Fail.Render("[FAIL]"), th.App.Render("x"), th.Selected.Render("x"), th.Fraud.Render("x")} {
		if strings.Contains(out, "38;") || strings.Contains(out, "48;") {
			t.Errorf("colour in %q", out)
		}
	}
	if col := New(Dark, true, false).OK.Render("[OK]"); !strings.Contains(col, "38;") {
		t.Errorf("the colour theme has no colour: %q", col)
	}
}

func TestModesPickBackground(t *testing.T) {
	t.Parallel()
	if New(Light, true, false).Dark || !New(Dark, false, false).Dark {
		t.Fatal("explicit light/dark must override detection")
	}
	if New(Auto, false, false).Name != "light" || New(Auto, true, false).Name != "dark" {
		t.Fatal("auto follows the detected background")
	}
	if New(HighContrast, true, false).Name != "high-contrast" {
		t.Fatal("high-contrast")
	}
}
