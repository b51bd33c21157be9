package model

import (
	"io/fs"
	"regexp"
	"strings"
	"testing"
	"testing/fstest"
)

// seedFiles are the source articles (seeds/README.md).
var seedFiles = []string{
	"000_5998a6230e6dcad7.txt",
	"001_e285c93c4cc7a655.txt",
	"002_c37b4299e47a9dfe.txt",
	"003_457a62924f9cd096.txt",
	"004_0e80ff1315ec375f.txt",
}

// researchFiles are the research notes items may cite.
var researchFiles = []string{"research/codes.md", "research/zvt.md"}

func TestKnowledgeLoads(t *testing.T) {
	t.Parallel()
	kb := Knowledge()
	if len(kb.Symptoms) != 8 || len(kb.Causes) < 20 || len(kb.Steps) < 40 || len(kb.Tips) < 15 || len(kb.Codes) < 300 {
		t.Errorf("knowledge base looks truncated: %d symptoms, %d causes, %d steps, %d tips, %d codes",
			len(kb.Symptoms), len(kb.Causes), len(kb.Steps), len(kb.Tips), len(kb.Codes))
	}
	if Knowledge() != kb {
		t.Error("Knowledge() loads more than once")
	}
}

func TestSchemaSymptoms(t *testing.T) {
	t.Parallel()
	kb := Knowledge()
	want := []SymptomID{AuthFailed, CardError, LostCard, WrongPIN, AccountFrozen, CommsFailure, SignInFailure, TerminalSilent}
	var got []SymptomID
	for _, s := range Symptoms() {
		got = append(got, s.ID)
		if len(s.Causes) == 0 {
			t.Errorf("symptom %s has no causes", s.ID)
		}
		for _, id := range s.Causes {
			if _, ok := kb.Cause(id); !ok {
				t.Errorf("symptom %s: dangling cause %q", s.ID, id)
			}
		}
		checkBilingual(t, "symptom "+string(s.ID), s.Title, s.Summary)
		checkSourced(t, "symptom "+string(s.ID), s.Sources)
	}
	if strings.Join(names(got), ",") != strings.Join(names(want), ",") {
		t.Errorf("symptoms = %v, want %v", got, want)
	}
}

func TestSchemaCausesStepsTips(t *testing.T) {
	t.Parallel()
	kb := Knowledge()
	usedCause, usedStep, usedTip := map[string]bool{}, map[string]bool{}, map[string]bool{}
	for _, s := range kb.Symptoms {
		for _, id := range s.Causes {
			usedCause[id] = true
		}
	}
	for _, c := range kb.Codes {
		for _, id := range c.Causes {
			usedCause[id] = true
		}
	}
	for _, c := range kb.Causes {
		where := "cause " + c.ID
		checkBilingual(t, where, c.Title, c.Summary)
		checkSourced(t, where, c.Sources)
		if !validActor(c.Actor) || !validArea(c.Area) {
			t.Errorf("%s: actor %q area %q", where, c.Actor, c.Area)
		}
		if len(c.Steps) == 0 {
			t.Errorf("%s has no steps", where)
		}
		for _, id := range c.Steps {
			usedStep[id] = true
			if _, ok := kb.Step(id); !ok {
				t.Errorf("%s: dangling step %q", where, id)
			}
		}
		for _, id := range c.Prevention {
			usedTip[id] = true
			if _, ok := kb.Tip(id); !ok {
				t.Errorf("%s: dangling tip %q", where, id)
			}
		}
		if !usedCause[c.ID] {
			t.Errorf("%s is not reachable from any symptom or code", where)
		}
	}
	for _, s := range kb.Steps {
		where := "step " + s.ID
		checkBilingual(t, where, s.Text)
		checkSourced(t, where, s.Sources)
		if !validActor(s.Actor) {
			t.Errorf("%s: actor %q", where, s.Actor)
		}
		if s.Verify != "" && !validCheck(s.Verify) {
			t.Errorf("%s: verify %q is not a check id", where, s.Verify)
		}
		if !usedStep[s.ID] {
			t.Errorf("%s is used by no cause", where)
		}
	}
	for _, tip := range kb.Tips {
		where := "tip " + tip.ID
		checkBilingual(t, where, tip.Text)
		checkSourced(t, where, tip.Sources)
		if !usedTip[tip.ID] {
			t.Errorf("%s is used by no cause", where)
		}
	}
}

// TestFraudCausesSayWhatToDo: lost, stolen and counterfeit say plainly: do
// not retry, follow the retention policy, who to call.
func TestFraudCausesSayWhatToDo(t *testing.T) {
	t.Parallel()
	kb := Knowledge()
	fraud := 0
	for _, c := range kb.Causes {
		if !c.Fraud {
			continue
		}
		fraud++
		has := map[string]bool{}
		for _, id := range c.Steps {
			s, _ := kb.Step(id)
			has[id] = true
			if id == c.Steps[0] && !s.Fraud {
				t.Errorf("fraud cause %s: first step %s is not a fraud step", c.ID, id)
			}
		}
		for _, need := range []string{"fraud_do_not_retry", "fraud_retain_card"} {
			if !has[need] {
				t.Errorf("fraud cause %s lacks step %s", c.ID, need)
			}
		}
		if !has["fraud_call_acquirer"] && !has["cardholder_report_loss"] {
			t.Errorf("fraud cause %s does not say who to call", c.ID)
		}
	}
	for _, id := range []string{"card_reported_lost", "card_stolen", "card_counterfeit"} {
		if c, ok := kb.Cause(id); !ok || !c.Fraud {
			t.Errorf("cause %s missing or not marked fraud", id)
		}
	}
	if fraud < 3 {
		t.Errorf("%d fraud causes, want at least 3", fraud)
	}
	s, _ := kb.Step("fraud_do_not_retry")
	if !strings.Contains(s.Text.En, "do not retry") || !strings.Contains(s.Text.Zh, "不要重试") {
		t.Errorf("fraud_do_not_retry does not say it plainly: %+v", s.Text)
	}
	s, _ = kb.Step("fraud_retain_card")
	if !strings.Contains(s.Text.En, "card-retention policy") {
		t.Errorf("fraud_retain_card does not name the retention policy: %q", s.Text.En)
	}
}

func TestSchemaCodes(t *testing.T) {
	t.Parallel()
	kb := Knowledge()
	for _, c := range kb.Codes {
		where := "code " + string(c.Scheme) + " " + c.Value
		checkBilingual(t, where, c.Display)
		checkSourced(t, where, []Source{c.Source})
		switch c.Outcome {
		case OutcomeDeclined:
			if _, ok := kb.Symptom(c.Symptom); !ok {
				t.Errorf("%s maps to unknown symptom %q", where, c.Symptom)
			}
			if len(c.Causes) == 0 {
				t.Errorf("%s points at no cause", where)
			}
		case OutcomeApproved, OutcomeInfo:
			if c.Symptom != "" {
				t.Errorf("%s is %s but maps to symptom %s", where, c.Outcome, c.Symptom)
			}
		default:
			t.Errorf("%s: outcome %q", where, c.Outcome)
		}
		for _, id := range c.Causes {
			if _, ok := kb.Cause(id); !ok {
				t.Errorf("%s: dangling cause %q", where, id)
			}
		}
		if !validFix(c.Fix) {
			t.Errorf("%s: fix %q", where, c.Fix)
		}
	}
}

// TestCodeTablesComplete: the codes research/codes.md §1–3 and §5 and
// research/zvt.md §4 list are there.
func TestCodeTablesComplete(t *testing.T) {
	t.Parallel()
	want := map[Scheme]string{
		SchemeUnionPay: "00 01 02 03 04 05 06 07 09 10 11 12 13 14 15 16 19 21 22 23 25 30 31 33 34 35 36 37 38 39 40 41 42 43 44 45 " +
			"51 52 53 54 55 56 57 58 59 61 62 63 64 65 66 67 68 75 77 79 90 91 92 93 94 95 96 97 98 99 A0 A1 A2 A3 A4 A5 A6 A7 C1 " +
			"D9 B2 B4 B5 B6 BD C2",
		SchemeISO: "00 01 02 03 04 05 06 07 08 09 10 11 12 13 14 15 16 19 21 22 25 30 33 34 35 36 37 38 40 41 43 51 54 55 57 58 59 61 62 63 " +
			"64 65 68 75 90 91 92 93 94 95 96",
		SchemeZVT: "00 64 65 66 67 68 6A 6B 6C 6E 6F 71 72 73 74 75 76 77 78 79 7A 7B 7C 7D 7E 83 85 89 9A 9B 9C A0 A1 A3 A4 A5 " +
			"B1 B2 B4 B5 B7 B8 BF C0 C1 C2 C3 C4 C5 C6 C8 C9 CB CC CD D2 DC DD DE E0 E2 E3 E4 E7 E8 E9 EA EB EC ED F0 F1 F5 F6 FA FB FC FD FE FF " +
			"01 37 63", // host codes 1, 55, 99
		SchemeZVTStatus:       "00 51 62 9C 9D B1 B2 BF C0 C1 C2 C4 CC DC DF E0 E1 E2 E3 E4 F0 F6",
		SchemeZVTIntermediate: "00 01 04 05 09 0C 15 18 1D 26 2C 41 4C 55 5D 66 67 68 69 C9 CA D2 E0 F1 FF A0 A5",
	}
	for s, vals := range want {
		for _, v := range strings.Fields(vals) {
			if _, ok := LookupCode(s, v); !ok {
				t.Errorf("%s code %s missing", s, v)
			}
		}
	}
	for _, m := range []string{"通讯失败", "接收超时", "签到失败", "收包MAC校验错", "密钥错误请签到", "批次不符请签到", "解包密钥验证不符", "通讯超时", "连接主机超时", "下载工作密钥失败"} {
		if _, ok := LookupCode(SchemeMessage, m); !ok {
			t.Errorf("message %s missing", m)
		}
	}
	// ZVT 0x37 is host code 55.
	if c, _ := LookupCode(SchemeZVT, "0x37"); c.Symptom != WrongPIN || !strings.Contains(c.Display.En, "55") {
		t.Errorf("ZVT 0x37 = %+v, want host code 55 (wrong_pin)", c)
	}
	// Derived intermediate status 0x4C = 0x0C + remove card.
	if c, _ := LookupCode(SchemeZVTIntermediate, "4c"); !strings.Contains(c.Display.En, "remove card") {
		t.Errorf("ZVT intermediate 4C = %q", c.Display.En)
	}
}

// TestSchemeDisagreements: where UnionPay and ISO disagree, the tables say so.
func TestSchemeDisagreements(t *testing.T) {
	t.Parallel()
	for _, v := range []string{"05", "21", "59", "97", "98", "99", "45", "58"} {
		c, ok := LookupCode(SchemeUnionPay, v)
		if !ok || c.Note.En == "" || c.Note.Zh == "" {
			t.Errorf("UnionPay %s: no note on how it differs (%+v)", v, c.Note)
		}
	}
	u, _ := LookupCode(SchemeUnionPay, "05")
	i, _ := LookupCode(SchemeISO, "05")
	if u.Symptom != AuthFailed || i.Symptom == AuthFailed || !strings.Contains(i.Display.En, "Do not honour") {
		t.Errorf("05: UnionPay %s %q, ISO %s %q", u.Symptom, u.Display.En, i.Symptom, i.Display.En)
	}
	for _, v := range []string{"97", "98", "99", "A0"} {
		if _, ok := LookupCode(SchemeISO, v); ok {
			t.Errorf("ISO %s should not exist (not assigned in ISO 8583:1987)", v)
		}
	}
	// same: true copies the UnionPay entry.
	u41, _ := LookupCode(SchemeUnionPay, "41")
	i41, _ := LookupCode(SchemeISO, "41")
	if i41.Symptom != u41.Symptom || i41.Display != u41.Display || i41.Source.File != "research/codes.md" {
		t.Errorf("ISO 41 = %+v", i41)
	}
}

// garbled are the publisher's filter-dodging spellings, ads and contact
// details of the seed articles; none may reach the product.
var garbled = regexp.MustCompile(`(?i:ka卡)|POSS|信XIN息|信xi息|七咋|炸骗|身份zheng|(?i:baokaoweb|mepos|soupos|lovepos)|拉卡拉|盛付通|瑞银信|https?://|\d{3}-\d{4}-\d{4}`)

func TestNoGarbledWordsOrAds(t *testing.T) {
	t.Parallel()
	fsys := mustSub(t)
	err := fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := fs.ReadFile(fsys, p)
		if err != nil {
			return err
		}
		for n, line := range strings.Split(string(b), "\n") {
			if m := garbled.FindString(line); m != "" {
				t.Errorf("%s:%d: %q does not belong in the product", p, n+1, m)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// coverage lists, per source article, the causes, steps and prevention tips
// it gives (its 原因, 解决方案/措施, 预防 and 案例 sections, read by hand);
// each must be in the knowledge base citing that article.
var coverage = []struct {
	file                string
	causes, steps, tips []string
}{
	{
		file:   "000_5998a6230e6dcad7.txt",
		causes: []string{"card_data_wrong", "card_damaged", "card_expired", "network_unstable", "bank_maintenance", "software_outdated", "cardholder_verification", "risk_control", "account_frozen_issuer"},
		steps:  []string{"verify_card_details", "use_chip_not_manual", "check_expiry", "renew_card", "wipe_card", "replace_damaged_card", "check_signal", "wait_and_retry", "call_acquirer_support", "update_software", "cardholder_call_issuer", "offer_other_payment", "report_suspicious_pattern", "contact_bank_promptly", "cardholder_update_identity", "check_terminal_hardware", "call_provider_repair", "replace_terminal"},
		tips:   []string{"protect_card_details", "strong_passwords", "check_account_regularly", "emergency_plan", "look_after_card", "keep_contact_details_current", "stable_network", "update_software_regularly", "monitor_transactions", "stay_in_touch_with_provider", "key_entry_discipline"},
	},
	{
		file:   "001_e285c93c4cc7a655.txt",
		causes: []string{"card_data_wrong", "network_unstable", "bank_maintenance", "terminal_keys", "fee_rate_mismatch", "terminal_fault", "operator_error", "account_frozen_issuer", "card_counterfeit"},
		steps:  []string{"verify_card_details", "cardholder_fix_bank_records", "check_expiry", "test_host_reachable", "restart_terminal", "switch_network", "update_network_drivers", "check_bank_notice", "call_acquirer_support", "check_version", "update_software", "check_sign_in_state", "sign_in_again", "escalate_keys", "check_fee_rate", "check_operation"},
		tips:   []string{"emergency_plan", "update_software_regularly", "maintain_hardware", "reliable_vendor", "train_operators", "monitor_transactions", "key_entry_discipline"},
	},
	{
		file:   "002_c37b4299e47a9dfe.txt",
		causes: []string{"card_data_wrong", "network_unstable", "terminal_fault", "operator_error", "card_reported_lost", "card_counterfeit", "card_info_leaked"},
		steps:  []string{"verify_card_details", "cardholder_fix_bank_records", "explain_to_cardholder", "check_signal", "restart_terminal", "update_network_drivers", "update_software", "call_provider_repair", "replace_terminal", "correct_and_apologise", "fraud_do_not_retry", "fraud_call_acquirer", "fraud_report_police", "cardholder_report_loss", "cardholder_check_leak"},
		tips:   []string{"protect_card_details", "avoid_public_wifi", "strong_passwords", "emergency_plan", "update_software_regularly", "train_operators", "monitor_transactions", "chip_and_security_features"},
	},
	{
		file:   "003_457a62924f9cd096.txt",
		causes: []string{"card_damaged", "card_expired", "network_unstable", "software_outdated", "terminal_fault", "operator_error", "risk_control", "pin_mistyped", "pin_locked", "pinpad_fault"},
		steps:  []string{"check_version", "update_software", "ask_acquirer_update", "reenter_pin_carefully", "reset_forgotten_pin", "unlock_at_issuer", "test_pin_pad", "check_issuer_pin_setup", "check_terminal_hardware", "call_provider_repair", "check_operation"},
		tips:   []string{"strong_passwords", "emergency_plan", "update_software_regularly", "maintain_hardware", "train_operators", "monitor_transactions", "chip_and_security_features", "network_security", "pin_entry_habits", "log_out_when_idle"},
	},
	{
		file:   "004_0e80ff1315ec375f.txt",
		causes: []string{"card_damaged", "card_expired", "bank_maintenance", "terminal_fault", "risk_control", "account_frozen_issuer", "over_limit", "insufficient_funds", "pin_locked", "card_counterfeit"},
		steps:  []string{"check_expiry", "renew_card", "replace_damaged_card", "check_signal", "restart_terminal", "cardholder_call_issuer", "offer_other_payment", "unfreeze_with_documents", "merchant_provide_records", "check_amount_limit", "check_balance", "stop_pin_attempts", "unlock_at_issuer", "check_terminal_hardware", "call_provider_repair"},
		tips:   []string{"protect_card_details", "check_account_regularly", "check_card_validity", "stable_network", "maintain_hardware", "train_operators", "normal_trading_pattern", "keep_transaction_records"},
	},
}

func TestCoverageOfArticles(t *testing.T) {
	t.Parallel()
	kb := Knowledge()
	cites := func(srcs []Source, file string) bool {
		for _, s := range srcs {
			if s.File == file && s.Section != "" {
				return true
			}
		}
		return false
	}
	seen := map[string]bool{}
	for _, a := range coverage {
		seen[a.file] = true
		if len(a.causes) == 0 || len(a.steps) == 0 || len(a.tips) == 0 {
			t.Errorf("%s: the table lists no causes, steps or tips", a.file)
		}
		for _, id := range a.causes {
			c, ok := kb.Cause(id)
			if !ok || !cites(c.Sources, a.file) {
				t.Errorf("%s: cause %s missing or not citing the article", a.file, id)
			}
		}
		for _, id := range a.steps {
			s, ok := kb.Step(id)
			if !ok || !cites(s.Sources, a.file) {
				t.Errorf("%s: step %s missing or not citing the article", a.file, id)
			}
		}
		for _, id := range a.tips {
			tip, ok := kb.Tip(id)
			if !ok || !cites(tip.Sources, a.file) {
				t.Errorf("%s: tip %s missing or not citing the article", a.file, id)
			}
		}
	}
	for _, f := range seedFiles {
		if !seen[f] {
			t.Errorf("article %s has no coverage row", f)
		}
	}
	// And the reverse: everything citing an article is in its row, so the
	// table stays the reviewed list.
	row := map[string]map[string]bool{}
	for _, a := range coverage {
		m := map[string]bool{}
		for _, id := range a.causes {
			m["cause "+id] = true
		}
		for _, id := range a.steps {
			m["step "+id] = true
		}
		for _, id := range a.tips {
			m["tip "+id] = true
		}
		row[a.file] = m
	}
	check := func(kind, id string, srcs []Source) {
		for _, s := range srcs {
			if m, ok := row[s.File]; ok && !m[kind+" "+id] {
				t.Errorf("%s %s cites %s but is not in its coverage row", kind, id, s.File)
			}
		}
	}
	for _, c := range kb.Causes {
		check("cause", c.ID, c.Sources)
	}
	for _, s := range kb.Steps {
		check("step", s.ID, s.Sources)
	}
	for _, tip := range kb.Tips {
		check("tip", tip.ID, tip.Sources)
	}
}

// seedHead is the start of a knowledge-base file: its first entries, cut at
// a line boundary near 1 KiB.
func seedHead(b []byte) []byte {
	const max = 1024
	if len(b) <= max {
		return b
	}
	cut := strings.LastIndex(string(b[:max]), "\n  - ")
	if cut <= 0 {
		cut = max
	}
	return b[:cut+1]
}

func checkBilingual(t *testing.T, where string, texts ...Text) {
	t.Helper()
	for _, x := range texts {
		if strings.TrimSpace(x.Zh) == "" || strings.TrimSpace(x.En) == "" {
			t.Errorf("%s: text missing a language: %+v", where, x)
		}
	}
}

func checkSourced(t *testing.T, where string, srcs []Source) {
	t.Helper()
	if len(srcs) == 0 {
		t.Errorf("%s has no source", where)
	}
	for _, s := range srcs {
		if !contains(seedFiles, s.File) && !contains(researchFiles, s.File) {
			t.Errorf("%s: source file %q is neither a seed article nor a research note", where, s.File)
		}
		if s.Section == "" {
			t.Errorf("%s: source %s has no section", where, s.File)
		}
	}
}

func mustSub(t testing.TB) fs.FS {
	t.Helper()
	sub, err := fs.Sub(kbFiles, "kb")
	if err != nil {
		t.Fatal(err)
	}
	return sub
}

// kbWith returns the embedded files with name replaced by data.
func kbWith(t testing.TB, name string, data []byte) fstest.MapFS {
	t.Helper()
	m := fstest.MapFS{}
	sub := mustSub(t)
	names, _ := fs.Glob(sub, "*.yaml")
	for _, n := range names {
		b, err := fs.ReadFile(sub, n)
		if err != nil {
			t.Fatal(err)
		}
		m[n] = &fstest.MapFile{Data: b}
	}
	m[name] = &fstest.MapFile{Data: data}
	return m
}

func TestLoadKBErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		file    string
		data    string
		wantErr string
	}{
		{"unknown key", "extra.yaml", "causes:\n  - id: x\n    colour: red\n", "field colour not found"},
		{"not yaml", "extra.yaml", "causes: [\n", "kb extra.yaml: yaml"},
		{"two documents", "extra.yaml", "tips: []\n---\ntips: []\n", "more than one YAML document"},
		{"dangling step", "extra.yaml", `causes:
  - id: orphan_cause
    title: {zh: 甲, en: a}
    summary: {zh: 甲, en: a}
    area: card
    actor: operator
    steps: [no_such_step]
    sources: [{file: research/codes.md, section: "§1"}]
`, `cause "orphan_cause": unknown step "no_such_step"`},
		{"missing english", "extra.yaml", `tips:
  - id: lonely
    text: {zh: 甲}
    actor: merchant
    sources: [{file: research/codes.md, section: "§1"}]
`, `tip "lonely" text: en text missing`},
		{"bad verify check", "extra.yaml", `steps:
  - id: odd
    text: {zh: 甲, en: a}
    actor: operator
    verify: keys
    sources: [{file: research/codes.md, section: "§1"}]
`, `step "odd": verify "keys" is not a check id`},
		{"duplicate step", "extra.yaml", `steps:
  - id: sign_in_again
    text: {zh: 甲, en: a}
    actor: operator
    sources: [{file: research/codes.md, section: "§1"}]
`, `step "sign_in_again" defined twice`},
		{"no source", "extra.yaml", `tips:
  - id: unsourced
    text: {zh: 甲, en: a}
    actor: merchant
`, `tip "unsourced": no source`},
		{"code without symptom", "extra.yaml", `codes:
  - {scheme: iso, value: "97", display: {zh: 甲, en: a}, fix: wait, causes: [bank_maintenance], source: {file: research/codes.md, section: "§3"}}
`, `code iso "97": symptom "" is not a known symptom`},
		{"same without unionpay", "extra.yaml", `codes:
  - {scheme: iso, value: "ZZ", same: true}
`, "same: true but no UnionPay entry ZZ"},
		{"duplicate code", "extra.yaml", `codes:
  - {scheme: unionpay, value: "41", display: {zh: 甲, en: a}, symptom: lost_card, fix: fraud, causes: [card_stolen], source: {file: research/codes.md, section: "§1"}}
`, "code unionpay 41 defined twice"},
		{"bad scheme", "extra.yaml", `codes:
  - {scheme: visa, value: "41", display: {zh: 甲, en: a}, symptom: lost_card, fix: fraud, causes: [card_stolen], source: {file: research/codes.md, section: "§1"}}
`, `scheme "visa" is not one of`},
		{"fraud without fraud area", "extra.yaml", `causes:
  - id: sneaky
    title: {zh: 甲, en: a}
    summary: {zh: 甲, en: a}
    area: card
    actor: fraud
    fraud: true
    steps: [fraud_do_not_retry]
    sources: [{file: research/codes.md, section: "§1"}]
`, "fraud: true goes with area: fraud"},
		{"symptom without causes", "symptoms.yaml", `symptoms:
  - id: auth_failed
    title: {zh: 甲, en: a}
    summary: {zh: 甲, en: a}
    causes: []
    sources: [{file: research/codes.md, section: "§1"}]
`, `symptom "auth_failed" has no causes`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := LoadKB(kbWith(t, tt.file, []byte(tt.data)))
			if err == nil {
				t.Fatalf("LoadKB succeeded, want error containing %q", tt.wantErr)
			}
			if !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("error = %v\nwant it to contain %q", err, tt.wantErr)
			}
		})
	}
	if _, err := LoadKB(fstest.MapFS{}); err == nil || !strings.Contains(err.Error(), "no *.yaml files") {
		t.Errorf("empty FS: %v", err)
	}
}

// FuzzLoadKB feeds arbitrary YAML to the loader, alone and in place of one
// of the real files: it must never panic, and must either load a valid
// knowledge base or say what is wrong. The real files are parsed once, so
// each input costs one parse and one validation.
func FuzzLoadKB(f *testing.F) {
	sub := mustSub(f)
	names, _ := fs.Glob(sub, "*.yaml")
	var real []namedFile
	for i, n := range names {
		b, _ := fs.ReadFile(sub, n)
		f.Add(seedHead(b), uint8(i)) // small seeds keep minimisation fast
		pf, err := parseKBFile(n, b)
		if err != nil {
			f.Fatal(err)
		}
		real = append(real, namedFile{n, pf})
	}
	f.Add([]byte("codes:\n  - {value: [1, 2]}\n"), uint8(0))
	f.Add([]byte("&a [*a]"), uint8(1))
	f.Add([]byte("symptoms: {id: x}"), uint8(2))
	f.Fuzz(func(t *testing.T, data []byte, which uint8) {
		// Alone, through the public loader.
		if _, err := LoadKB(fstest.MapFS{"only.yaml": &fstest.MapFile{Data: data}}); err != nil && !strings.HasPrefix(err.Error(), "kb") {
			t.Errorf("error does not say it is the knowledge base: %v", err)
		}
		// In place of one real file.
		i := int(which) % len(real)
		pf, err := parseKBFile(real[i].name, data)
		if err != nil {
			if !strings.HasPrefix(err.Error(), "kb "+real[i].name) {
				t.Errorf("error does not name the file: %v", err)
			}
			return
		}
		files := append([]namedFile(nil), real...)
		files[i] = namedFile{real[i].name, pf}
		kb, err := buildKB(files)
		if err != nil {
			if !strings.HasPrefix(err.Error(), "kb") {
				t.Errorf("error does not say it is the knowledge base: %v", err)
			}
			return
		}
		for _, s := range kb.Symptoms {
			if len(s.Causes) == 0 {
				t.Errorf("loaded a symptom without causes: %s", s.ID)
			}
		}
		if len(kb.Symptoms) > 0 {
			_ = kb.Diagnose(Input{Symptom: kb.Symptoms[0].ID, Codes: []Code{{SchemeUnionPay, "55"}}})
		}
	})
}
