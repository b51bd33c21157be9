package model

import "testing"

func TestLocaleLang(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		locales []string
		want    Lang
	}{
		{"none", nil, LangEn},
		{"all empty", []string{"", ""}, LangEn},
		{"chinese", []string{"zh_CN.UTF-8"}, LangZh},
		{"upper case", []string{"ZH_TW"}, LangZh},
		{"first non-empty wins", []string{"", "en_US.UTF-8", "zh_CN.UTF-8"}, LangEn},
		{"empty skipped", []string{"", "zh_CN.UTF-8"}, LangZh},
		{"C locale is English", []string{"C"}, LangEn},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := LocaleLang(tt.locales...); got != tt.want {
				t.Errorf("LocaleLang(%q) = %s, want %s", tt.locales, got, tt.want)
			}
		})
	}
}
