package model

import (
	"errors"
	"strings"
	"testing"
)

func TestResolve(t *testing.T) {
	t.Parallel()
	tests := []struct {
		query   string
		scheme  Scheme
		symptom SymptomID
		code    Code
	}{
		{"41", "", LostCard, Code{SchemeUnionPay, "41"}},
		{" 55 ", "", WrongPIN, Code{SchemeUnionPay, "55"}},
		{"05", "", AuthFailed, Code{SchemeUnionPay, "05"}},
		{"5", "", AuthFailed, Code{SchemeUnionPay, "05"}},
		{"05", SchemeISO, CardError, Code{SchemeISO, "05"}},
		{"a0", "", SignInFailure, Code{SchemeUnionPay, "A0"}},
		{"62", SchemeUnionPay, AccountFrozen, Code{SchemeUnionPay, "62"}},
		{"78", SchemeZVT, CardError, Code{SchemeZVT, "78"}},
		{"0x78", SchemeZVT, CardError, Code{SchemeZVT, "78"}},
		{"0x78", "", CardError, Code{SchemeZVT, "78"}},
		{"0x37", "", WrongPIN, Code{SchemeZVT, "37"}},
		{"51", SchemeZVTStatus, SignInFailure, Code{SchemeZVTStatus, "51"}},
		{"4C", SchemeZVTIntermediate, CardError, Code{SchemeZVTIntermediate, "4C"}},
		{"挂失卡", "", LostCard, Code{SchemeUnionPay, "41"}},
		{"密码错误", "", WrongPIN, Code{SchemeMessage, "密码错误"}},
		{"密码错", "", WrongPIN, Code{SchemeUnionPay, "55"}},
		{"MAC校验错", "", SignInFailure, Code{SchemeMessage, "收包MAC校验错"}},
		{"终端显示：通讯失败，请重试", "", CommsFailure, Code{SchemeMessage, "通讯失败"}},
		{"接收超时", "", CommsFailure, Code{SchemeMessage, "接收超时"}},
		{"签到失败", "", SignInFailure, Code{SchemeMessage, "签到失败"}},
		{"冲正不成功,请人工处理", "", CommsFailure, Code{SchemeMessage, "冲正失败"}},
		{"ＭＡＣ校验错，请重新签到", "", SignInFailure, Code{SchemeUnionPay, "A0"}},
		{"lost card", "", LostCard, Code{SchemeUnionPay, "41"}},
		{"Card expired", SchemeZVT, CardError, Code{SchemeZVT, "78"}},
	}
	for _, tt := range tests {
		in, err := Resolve(tt.query, tt.scheme)
		if err != nil {
			t.Errorf("Resolve(%q, %q): %v", tt.query, tt.scheme, err)
			continue
		}
		if in.Symptom != tt.symptom || len(in.Codes) != 1 || in.Codes[0] != tt.code {
			t.Errorf("Resolve(%q, %q) = %s %v, want %s %v", tt.query, tt.scheme, in.Symptom, in.Codes, tt.symptom, tt.code)
		}
	}
	for _, s := range Symptoms() {
		for _, q := range []string{string(s.ID), strings.ToUpper(string(s.ID)), strings.ReplaceAll(string(s.ID), "_", "-")} {
			in, err := Resolve(q, "")
			if err != nil || in.Symptom != s.ID || len(in.Codes) != 0 {
				t.Errorf("Resolve(%q) = %+v, %v", q, in, err)
			}
		}
	}
	if in, err := Resolve("刷卡账户异常冻结", ""); err != nil || in.Symptom != AccountFrozen {
		t.Errorf("symptom title: %+v %v", in, err)
	}
}

func TestResolveUnknown(t *testing.T) {
	t.Parallel()
	tests := []struct {
		query   string
		scheme  Scheme
		reason  string
		suggest string
	}{
		{"xyzzy", "", "no code, message or symptom matches", "auth_failed"},
		{"lost_crad", "", "no code, message or symptom matches", "lost_card"},
		{"挂失", "", "", ""}, // a partial message is fine: see below
		{"ZZ", "", "ZZ is not a UnionPay response code", ""},
		{"98", SchemeISO, "98 is not an ISO 8583:1987 response code (UnionPay 98", "96"},
		{"A0", SchemeISO, "not an ISO 8583:1987", ""},
		{"0x69", SchemeZVT, "0x69 is not in the ZVT result-code table", "0x6"},
		{"", "", "nothing to explain", "auth_failed"},
		{"签名无效哦", "", "no code, message or symptom matches", ""},
	}
	for _, tt := range tests {
		_, err := Resolve(tt.query, tt.scheme)
		if tt.query == "挂失" {
			if err != nil {
				t.Errorf("partial 挂失: %v", err)
			}
			continue
		}
		var re *ResolveError
		if !errors.As(err, &re) {
			t.Errorf("Resolve(%q, %q) = %v, want a *ResolveError", tt.query, tt.scheme, err)
			continue
		}
		if !strings.Contains(err.Error(), tt.reason) {
			t.Errorf("Resolve(%q): %v\nwant %q", tt.query, err, tt.reason)
		}
		if len(re.Suggestions) == 0 {
			t.Errorf("Resolve(%q): no suggestions", tt.query)
		}
		if tt.suggest != "" && !strings.HasPrefix(re.Suggestions[0].Input, tt.suggest) {
			t.Errorf("Resolve(%q): first suggestion %q, want %q…", tt.query, re.Suggestions[0].Input, tt.suggest)
		}
	}
	if _, err := Resolve("41", "visa"); err == nil || !strings.Contains(err.Error(), "unknown scheme") {
		t.Errorf("bad scheme: %v", err)
	}
}

func TestResolveErrorIn(t *testing.T) {
	t.Parallel()
	e := &ResolveError{Query: "lost_crad", Suggestions: []Suggestion{
		{Input: "lost_card", Text: Text{En: "card reported lost", Zh: "提示挂失卡"}},
		{Input: "wrong_pin", Text: Text{En: "wrong PIN", Zh: "密码错误"}},
	}}
	tests := []struct {
		name string
		e    *ResolveError
		l    Lang
		want string
	}{
		{"en", e, LangEn, `no code, message or symptom matches "lost_crad"; closest: lost_card (card reported lost), wrong_pin (wrong PIN)`},
		{"zh", e, LangZh, `无法识别 "lost_crad"：不是已知的代码、提示信息或症状；最接近的：lost_card（提示挂失卡）、wrong_pin（密码错误）`},
		{"en reason", &ResolveError{Query: "ZZ", Reason: Text{Zh: "ZZ 不是代码", En: "ZZ is not a code"}}, LangEn, "ZZ is not a code"},
		{"zh reason", &ResolveError{Query: "ZZ", Reason: Text{Zh: "ZZ 不是代码", En: "ZZ is not a code"}}, LangZh, "ZZ 不是代码"},
		{"scheme named", &ResolveError{Query: "x", Suggestions: []Suggestion{{Input: "0x51", Scheme: SchemeZVTStatus, Text: Text{Zh: "需要初始化", En: "Initialisation required"}}}}, LangZh,
			`无法识别 "x"：不是已知的代码、提示信息或症状；最接近的：0x51（ZVT 终端状态：需要初始化）`},
	}
	for _, tt := range tests {
		if got := tt.e.In(tt.l); got != tt.want {
			t.Errorf("%s: got %q, want %q", tt.name, got, tt.want)
		}
	}
	if got, want := e.Error(), e.In(LangEn); got != want {
		t.Errorf("Error() = %q, want In(LangEn) %q", got, want)
	}
}

func TestTextIn(t *testing.T) {
	t.Parallel()
	x := Text{Zh: "挂失卡", En: "Lost card"}
	if x.In(LangZh) != "挂失卡" || x.In(LangEn) != "Lost card" || (Text{Zh: "只有中文"}).In(LangEn) != "只有中文" {
		t.Error("Text.In")
	}
}
