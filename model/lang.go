package model

import "strings"

// LocaleLang picks the language from locale values ("zh_CN.UTF-8", "en_US",
// "C") in order of precedence: the first non-empty one decides, zh* (any
// case) is Chinese and anything else English. With none it is English.
// Callers pass the values (LC_ALL, LANG, ...) so the package reads no
// environment.
func LocaleLang(locales ...string) Lang {
	for _, l := range locales {
		if l == "" {
			continue
		}
		if strings.HasPrefix(strings.ToLower(l), "zh") {
			return LangZh
		}
		return LangEn
	}
	return LangEn
}
