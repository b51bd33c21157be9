package model

import (
	"strings"
	"testing"
)

// hasText reports whether code c shows text (zh or en, or as a message),
// in normal form.
func hasText(kb *KB, c Code, text string) bool {
	info, ok := kb.LookupCode(c.Scheme, c.Value)
	if !ok {
		return false
	}
	for _, k := range codeKeys(info) {
		if normText(k) == normText(text) {
			return true
		}
	}
	return false
}

// TestEveryDisplayTextResolves (issue 10): every text the knowledge base
// says a terminal shows, zh and en, resolves with explain (Resolve with no
// scheme) back to a code that has that text.
func TestEveryDisplayTextResolves(t *testing.T) {
	t.Parallel()
	kb := Knowledge()
	n := 0
	for _, c := range kb.Codes {
		for _, text := range []string{c.Display.Zh, c.Display.En} {
			n++
			in, err := kb.Resolve(text, "")
			if err != nil {
				t.Errorf("%s %s: %q does not resolve: %v", c.Scheme, c.Value, text, err)
				continue
			}
			if len(in.Codes) != 1 || !hasText(kb, in.Codes[0], text) {
				t.Errorf("%s %s: %q resolves to %v, which does not show that text", c.Scheme, c.Value, text, in.Codes)
			}
		}
	}
	if n < 600 {
		t.Errorf("only %d display texts: the knowledge base looks truncated", n)
	}
}

// TestNearFormsResolve: what people type or read out, not quite as the
// table has it.
func TestNearFormsResolve(t *testing.T) {
	t.Parallel()
	tests := []struct {
		query string
		want  Code // the code it resolves to
		also  Code // a code listed among the other matches (optional)
	}{
		// The message table lists the same words as terminals show them
		// without a code: both answers are right.
		{"卡片已过期", Code{SchemeZVT, "78"}, Code{}},
		{"卡片过期了", Code{SchemeZVT, "78"}, Code{}},       // 了 extra, 已 missing
		{"需要初始化", Code{SchemeZVTStatus, "51"}, Code{}}, // ZVT terminal status
		{"需要 初始化", Code{SchemeZVTStatus, "51"}, Code{}},
		{"不予承兑", Code{SchemeISO, "05"}, Code{}},
		{"card expired", Code{SchemeZVT, "78"}, Code{}},
		{"CARD  EXPIRED", Code{SchemeZVT, "78"}, Code{}},
		{"Ｃａｒｄ ｅｘｐｉｒｅｄ", Code{SchemeZVT, "78"}, Code{}}, // full width
		{"Expired card", Code{SchemeUnionPay, "54"}, Code{}},
		{"Activation required", Code{SchemeZVTStatus, "E4"}, Code{}},
		{"activation  required.", Code{SchemeZVTStatus, "E4"}, Code{}},
		{"PIN error", Code{SchemeMessage, "密码错误"}, Code{SchemeUnionPay, "99"}},
		{"wrong PIN", Code{SchemeMessage, "密码错误"}, Code{SchemeUnionPay, "55"}},
		{"PIN format error", Code{SchemeUnionPay, "99"}, Code{}},
		{"密码错了", Code{SchemeMessage, "密码错误"}, Code{}},
		{"密码错误", Code{SchemeMessage, "密码错误"}, Code{}},
		{"密码不正确", Code{SchemeMessage, "密码错误"}, Code{SchemeUnionPay, "55"}},
		{"PIN错", Code{SchemeMessage, "密码错误"}, Code{SchemeUnionPay, "55"}},
		{"挂失的卡", Code{SchemeUnionPay, "41"}, Code{}}, // extra 的
		{"持卡人的认证失败", Code{SchemeUnionPay, "05"}, Code{}},
		{"通信失败", Code{SchemeMessage, "通讯失败"}, Code{}},
		{"ＭＡＣ校验错", Code{SchemeMessage, "收包MAC校验错"}, Code{SchemeUnionPay, "A0"}},
		{"屏幕上写着：该卡已过期", Code{SchemeUnionPay, "54"}, Code{}},
	}
	kb := Knowledge()
	for _, tt := range tests {
		t.Run(tt.query, func(t *testing.T) {
			t.Parallel()
			in, err := kb.Resolve(tt.query, "")
			if err != nil {
				t.Fatalf("does not resolve: %v", err)
			}
			if len(in.Codes) != 1 || in.Codes[0] != tt.want {
				t.Errorf("resolves to %v, want %v", in.Codes, tt.want)
			}
			if tt.also != (Code{}) {
				found := false
				for _, m := range kb.Find(tt.query, "")[1:] {
					found = found || m.Code.Code() == tt.also
				}
				if !found {
					t.Errorf("%v is not among the other matches", tt.also)
				}
			}
		})
	}
}

// TestClosestListsCodes: a query nothing matches lists close matches with
// their codes, from every table.
func TestClosestListsCodes(t *testing.T) {
	t.Parallel()
	_, err := Resolve("卡片过旗", "")
	re, ok := err.(*ResolveError)
	if !ok || len(re.Suggestions) == 0 {
		t.Fatalf("err = %v", err)
	}
	found := false
	for _, s := range re.Suggestions {
		found = found || s.Input == "0x78" && s.Scheme == SchemeZVT
	}
	if !found {
		t.Errorf("suggestions %+v do not offer ZVT 0x78 (卡片已过期)", re.Suggestions)
	}
	if msg := re.In(LangZh); !strings.Contains(msg, "0x78") {
		t.Errorf("zh message %q does not name the code", msg)
	}
}
