package i18n

import (
	"testing"

	"github.com/mattn/go-runewidth"

	"github.com/posdoctor/posdoctor/model"
)

func TestDetect(t *testing.T) {
	t.Parallel()
	env := func(m map[string]string) func(string) string { return func(k string) string { return m[k] } }
	tests := []struct {
		name string
		flag string
		env  map[string]string
		want model.Lang
	}{
		{"flag wins", "en", map[string]string{"LANG": "zh_CN.UTF-8"}, model.LangEn},
		{"flag zh-CN", "zh-CN", nil, model.LangZh},
		{"LANG zh", "", map[string]string{"LANG": "zh_CN.UTF-8"}, model.LangZh},
		{"LC_ALL before LANG", "auto", map[string]string{"LC_ALL": "en_US.UTF-8", "LANG": "zh_CN.UTF-8"}, model.LangEn},
		{"LC_MESSAGES zh_TW", "", map[string]string{"LC_MESSAGES": "zh_TW.UTF-8"}, model.LangZh},
		{"nothing set", "", nil, model.LangEn},
		{"C locale", "", map[string]string{"LANG": "C.UTF-8"}, model.LangEn},
	}
	for _, tt := range tests {
		if got := Detect(tt.flag, env(tt.env)); got != tt.want {
			t.Errorf("%s: Detect = %q, want %q", tt.name, got, tt.want)
		}
	}
}

// TestMessagesBothLanguagesNoAmbiguousGlyphs: every message has both texts
// and none holds an East-Asian-ambiguous glyph (drawn 1 or 2 cells wide
// depending on the terminal).
func TestMessagesBothLanguagesNoAmbiguousGlyphs(t *testing.T) {
	t.Parallel()
	for k, m := range messages {
		if m.en == "" || m.zh == "" {
			t.Errorf("%s: missing a language", k)
		}
		for _, s := range []string{m.en, m.zh} {
			for _, r := range s {
				if runewidth.IsAmbiguousWidth(r) {
					t.Errorf("%s: ambiguous-width glyph %q in %q", k, r, s)
				}
			}
		}
	}
}

func TestToggleAndUnknownKey(t *testing.T) {
	t.Parallel()
	if Toggle(model.LangEn) != model.LangZh || Toggle(model.LangZh) != model.LangEn {
		t.Fatal("Toggle")
	}
	if T(model.LangZh, "no.such.key") != "no.such.key" {
		t.Fatal("unknown key must come back as is")
	}
}
