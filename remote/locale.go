package remote

import (
	"strings"

	"github.com/posdoctor/posdoctor/model"
)

// Lang is the viewer's language from the SSH session's environment: LC_ALL,
// then LC_MESSAGES, then LANG, each its last occurrence (Debian's client
// sends its own LANG first, then the -o SetEnv one), else fallback.
func Lang(environ []string, fallback model.Lang) model.Lang {
	last := map[string]string{}
	for _, kv := range environ {
		k, v, ok := strings.Cut(kv, "=")
		if ok {
			last[k] = v
		}
	}
	for _, k := range []string{"LC_ALL", "LC_MESSAGES", "LANG"} {
		v := strings.ToLower(last[k])
		switch {
		case v == "" || v == "c" || v == "posix" || strings.HasPrefix(v, "c."):
			continue
		case strings.HasPrefix(v, "zh"):
			return model.LangZh
		default:
			return model.LangEn
		}
	}
	return fallback
}

// env is the last value of key in environ.
func env(environ []string, key string) string {
	v := ""
	for _, kv := range environ {
		if k, val, ok := strings.Cut(kv, "="); ok && k == key {
			v = val
		}
	}
	return v
}
