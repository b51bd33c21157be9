package model

import (
	"reflect"
	"strings"
	"testing"
)

// Evidence builders, with the fact keys the checks engine emits (BRIEF C).
func ev(id CheckID, st Status, facts ...string) CheckEvidence {
	e := CheckEvidence{ID: id, Status: st, Facts: map[Fact]string{}}
	for i := 0; i+1 < len(facts); i += 2 {
		e.Facts[Fact(facts[i])] = facts[i+1]
	}
	return e
}

// allPass is every check passing with healthy facts.
func allPass() []CheckEvidence {
	return []CheckEvidence{
		ev(CheckLink, StatusOK),
		ev(CheckStatus, StatusOK, "device_state", "ready", "status_code", "00"),
		ev(CheckVersion, StatusOK, "version_below_baseline", "false", "software_version", "1.2.3"),
		ev(CheckNetwork, StatusOK, "host_reachable", "true"),
		ev(CheckReader, StatusOK, "card_readable", "true", "card_expired", "false", "technology", "chip"),
		ev(CheckTransaction, StatusOK, "host_code", "00", "known_good_card", "false"),
	}
}

func up(v string) Code { return Code{SchemeUnionPay, v} }
func pos(d Diagnosis, id string) int {
	for i, c := range d.Causes {
		if c.ID == id {
			return i
		}
	}
	return -1
}
func causeOf(d Diagnosis, id string) RankedCause { return d.Causes[pos(d, id)] }

// checkInvariants holds for every diagnosis: deterministic, every cause
// explained, playbook steps unique with ruled-out steps last, fraud steps
// never ruled out, states consistent with the checks that ran.
func checkInvariants(t *testing.T, in Input, d Diagnosis) {
	t.Helper()
	if again := Diagnose(in); !reflect.DeepEqual(d, again) {
		t.Error("Diagnose is not deterministic")
	}
	for _, c := range d.Causes {
		if len(c.For)+len(c.Against) == 0 {
			t.Errorf("cause %s carries no reasons", c.ID)
		}
	}
	done := map[CheckID]bool{}
	for _, e := range in.Checks {
		if ran(e.Status) {
			done[e.ID] = true
		}
	}
	seen := map[string]bool{}
	ruled := false
	for _, s := range d.Playbook {
		if seen[s.ID] {
			t.Errorf("step %s twice in the playbook", s.ID)
		}
		seen[s.ID] = true
		switch s.State {
		case StepRuledOut:
			ruled = true
			if s.Fraud {
				t.Errorf("fraud step %s ruled out", s.ID)
			}
			if s.Why.En == "" || s.Why.Zh == "" {
				t.Errorf("ruled-out step %s does not say why", s.ID)
			}
		case StepNeedsCheck:
			if s.Verify == "" || done[s.Verify] {
				t.Errorf("step %s needs check %q, but that check ran or there is none", s.ID, s.Verify)
			}
		}
		if ruled && s.State != StepRuledOut {
			t.Errorf("step %s (%s) comes after a ruled-out step", s.ID, s.State)
		}
	}
}

// TestDiagnoseEverySymptom: each symptom alone, with every check passing and
// with the check that tells it apart failing.
func TestDiagnoseEverySymptom(t *testing.T) {
	t.Parallel()
	failing := map[SymptomID]struct {
		checks []CheckEvidence
		top    string
	}{
		AuthFailed:     {[]CheckEvidence{ev(CheckReader, StatusFail, "card_readable", "false")}, "card_damaged"},
		CardError:      {[]CheckEvidence{ev(CheckVersion, StatusFail, "version_below_baseline", "true", "software_version", "0.9")}, "software_outdated"},
		LostCard:       {[]CheckEvidence{ev(CheckNetwork, StatusFail, "host_reachable", "false")}, "card_reported_lost"},
		WrongPIN:       {[]CheckEvidence{ev(CheckStatus, StatusFail, "device_state", "no_keys")}, "terminal_keys"},
		AccountFrozen:  {[]CheckEvidence{ev(CheckReader, StatusWarn, "card_expired", "true", "card_readable", "true")}, "card_expired"},
		CommsFailure:   {[]CheckEvidence{ev(CheckNetwork, StatusFail, "host_reachable", "false")}, "network_unstable"},
		SignInFailure:  {[]CheckEvidence{ev(CheckStatus, StatusFail, "device_state", "needs_initialisation")}, "terminal_keys"},
		TerminalSilent: {[]CheckEvidence{ev(CheckTransaction, StatusError, "result_not_heard", "true")}, "payment_outcome_unknown"},
	}
	for _, s := range Symptoms() {
		t.Run(string(s.ID), func(t *testing.T) {
			t.Parallel()
			// Without checks: the symptom's causes in its order, every
			// verifiable step waiting for its check.
			in := Input{Symptom: s.ID}
			d := Diagnose(in)
			checkInvariants(t, in, d)
			if d.Symptom != s.ID || len(d.Causes) != len(s.Causes) || d.Causes[0].ID != s.Causes[0] {
				t.Fatalf("got symptom %s, %d causes, first %s; want %s, %d, %s", d.Symptom, len(d.Causes), d.Causes[0].ID, s.ID, len(s.Causes), s.Causes[0])
			}
			for i, c := range d.Causes {
				if c.ID != s.Causes[i] {
					t.Errorf("cause %d = %s, want %s (the symptom's order)", i, c.ID, s.Causes[i])
				}
			}
			needs := 0
			for _, st := range d.Playbook {
				if st.State == StepRuledOut {
					t.Errorf("step %s ruled out with no evidence", st.ID)
				}
				if st.Verify != "" && st.State == StepNeedsCheck {
					needs++
				}
			}
			if len(d.Playbook) == 0 || needs == 0 {
				t.Errorf("playbook has %d steps, %d waiting for a check", len(d.Playbook), needs)
			}

			// Every check passing: the steps those checks verify are ruled
			// out and come last.
			in = Input{Symptom: s.ID, Checks: allPass()}
			d = Diagnose(in)
			checkInvariants(t, in, d)
			ruled := 0
			for _, st := range d.Playbook {
				if st.State == StepRuledOut {
					ruled++
				}
				if st.State == StepNeedsCheck {
					t.Errorf("step %s still needs a check though all ran", st.ID)
				}
			}
			if ruled == 0 {
				t.Error("all checks passed but no step is ruled out")
			}

			// The telling check failing puts its cause first.
			f := failing[s.ID]
			in = Input{Symptom: s.ID, Checks: f.checks}
			if s.ID == LostCard {
				in.Codes = []Code{up("41")}
			}
			d = Diagnose(in)
			checkInvariants(t, in, d)
			if d.Causes[0].ID != f.top {
				t.Errorf("with %v: top cause %s, want %s\n%s", f.checks, d.Causes[0].ID, f.top, dump(d))
			}
		})
	}
}

func dump(d Diagnosis) string {
	var b strings.Builder
	for _, c := range d.Causes {
		b.WriteString(c.ID)
		b.WriteString(" ")
		b.WriteString(strings.Repeat("*", max(c.Score, 0)/10))
		b.WriteString("\n")
	}
	return b.String()
}

// TestMultiCardKeyRule: 55 (or 99/A0) on several different cards is the
// terminal's keys, not the cardholders (research/codes.md §4).
func TestMultiCardKeyRule(t *testing.T) {
	t.Parallel()
	one := Input{Symptom: WrongPIN, Codes: []Code{up("55")}, History: []CardOutcome{{Card: "6222****1234", Code: up("55")}}}
	d := Diagnose(one)
	checkInvariants(t, one, d)
	if d.Causes[0].ID != "pin_mistyped" {
		t.Errorf("one card with 55: top %s, want pin_mistyped", d.Causes[0].ID)
	}
	for _, codes := range [][2]string{{"55", "55"}, {"99", "A0"}, {"55", "99"}} {
		in := Input{Codes: []Code{up(codes[0])}, History: []CardOutcome{
			{Card: "6222****1234", Code: up(codes[0])},
			{Card: "4392****9876", Code: up(codes[1])},
			{Card: "6222****1234", Code: up(codes[0])},
		}}
		d := Diagnose(in)
		checkInvariants(t, in, d)
		if d.Causes[0].ID != "terminal_keys" {
			t.Errorf("%v on two cards: top %s, want terminal_keys\n%s", codes, d.Causes[0].ID, dump(d))
		}
		if i := pos(d, "pin_mistyped"); i >= 0 && len(d.Causes[i].Against) == 0 {
			t.Errorf("%v: pin_mistyped has no reason against", codes)
		}
		found := false
		for _, r := range d.Causes[0].For {
			found = found || strings.Contains(r.Text.En, "2 different cards")
		}
		if !found {
			t.Errorf("%v: terminal_keys does not give the multi-card reason: %+v", codes, d.Causes[0].For)
		}
	}
	// ZVT carries host 55 as 0x37 and the driver may report both forms.
	zvt := Input{Codes: []Code{{SchemeZVT, "37"}, up("55")}, History: []CardOutcome{{Card: "a", Code: Code{SchemeZVT, "37"}}, {Card: "b", Code: up("55")}}}
	d = Diagnose(zvt)
	checkInvariants(t, zvt, d)
	if d.Symptom != WrongPIN || d.Causes[0].ID != "terminal_keys" {
		t.Errorf("ZVT 0x37 and 55 on two cards: %s top %s", d.Symptom, d.Causes[0].ID)
	}
	n := 0
	for _, r := range causeOf(d, "pinpad_fault").For {
		if r.Code != nil {
			n++
		}
	}
	if n != 1 {
		t.Errorf("host code 55 seen as 0x37 and 55 counted %d times, want once", n)
	}
	// Same card twice is not several cards.
	same := Input{Symptom: WrongPIN, Codes: []Code{up("55")}, History: []CardOutcome{{Card: "a", Code: up("55")}, {Card: "a", Code: up("55")}}}
	if d := Diagnose(same); d.Causes[0].ID != "pin_mistyped" {
		t.Errorf("one card twice: top %s, want pin_mistyped", d.Causes[0].ID)
	}
}

// TestKnownGoodCardRule: a known-good card that also fails points at the
// terminal or network, not the card; one that passes clears them.
func TestKnownGoodCardRule(t *testing.T) {
	t.Parallel()
	for name, in := range map[string]Input{
		"transaction check": {Symptom: CardError, Checks: []CheckEvidence{ev(CheckTransaction, StatusFail, "known_good_card", "true", "host_code", "96")}},
		"history":           {Symptom: CardError, History: []CardOutcome{{Card: "test card", Code: up("96"), KnownGood: true}}},
	} {
		d := Diagnose(in)
		checkInvariants(t, in, d)
		top := causeOf(d, d.Causes[0].ID)
		c, _ := Cause(top.ID)
		if c.Area == AreaCard || c.Area == AreaCardholder {
			t.Errorf("%s: top cause %s is the card's", name, top.ID)
		}
		dmg := causeOf(d, "card_damaged")
		if len(dmg.Against) == 0 || !strings.Contains(dmg.Against[0].Text.En, "known to work") {
			t.Errorf("%s: card_damaged has no known-good reason against: %+v", name, dmg.Against)
		}
		if pos(d, "card_damaged") < pos(d, "bank_maintenance") {
			t.Errorf("%s: card_damaged ranks above bank_maintenance", name)
		}
	}
	pass := Input{Symptom: CardError, Checks: []CheckEvidence{ev(CheckTransaction, StatusOK, "known_good_card", "true", "host_code", "00")}}
	d := Diagnose(pass)
	checkInvariants(t, pass, d)
	if d.Causes[0].ID != "card_damaged" || pos(d, "network_unstable") < pos(d, "card_data_wrong") {
		t.Errorf("known-good passes: want the card first, network down\n%s", dump(d))
	}
}

// TestExactly05OtherCardsPass: 05 with other cards passing is the
// cardholder/issuer.
func TestExactly05OtherCardsPass(t *testing.T) {
	t.Parallel()
	in := Input{Codes: []Code{up("05")}, History: []CardOutcome{{Card: "b", Code: up("00")}, {Card: "c", Code: up("00")}},
		Checks: []CheckEvidence{ev(CheckNetwork, StatusFail, "host_reachable", "false")}}
	d := Diagnose(in)
	checkInvariants(t, in, d)
	if d.Symptom != AuthFailed || d.Causes[0].ID != "cardholder_verification" {
		t.Errorf("05 with other cards passing: symptom %s top %s, want auth_failed cardholder_verification\n%s", d.Symptom, d.Causes[0].ID, dump(d))
	}
	if k := causeOf(d, "terminal_keys"); len(k.Against) == 0 {
		t.Error("terminal_keys has no reason against")
	}
	// 05 together with another code is not "exactly 05".
	in.Codes = append(in.Codes, up("A0"))
	d = Diagnose(in)
	for _, r := range causeOf(d, "cardholder_verification").For {
		if strings.Contains(r.Text.En, "other cards pass") {
			t.Error("05+A0 still applies the exactly-05 rule")
		}
	}
	// 99/A0 alone speak against the cardholder.
	a0 := Input{Symptom: AuthFailed, Codes: []Code{up("A0")}}
	d = Diagnose(a0)
	checkInvariants(t, a0, d)
	if d.Causes[0].ID != "terminal_keys" || len(causeOf(d, "cardholder_verification").Against) == 0 {
		t.Errorf("A0 under auth_failed: want terminal_keys first and the cardholder argued against\n%s", dump(d))
	}
}

// TestFraudPath: 41/43 put the fraud causes and steps first, and no
// technical check changes that.
func TestFraudPath(t *testing.T) {
	t.Parallel()
	for _, code := range []string{"41", "43"} {
		for name, checks := range map[string][]CheckEvidence{
			"no checks": nil,
			"all pass":  allPass(),
			"all fail": {ev(CheckNetwork, StatusFail, "host_reachable", "false"), ev(CheckReader, StatusFail, "card_readable", "false"),
				ev(CheckVersion, StatusFail, "version_below_baseline", "true"), ev(CheckTransaction, StatusFail, "known_good_card", "true")},
		} {
			in := Input{Codes: []Code{up(code)}, Checks: checks}
			d := Diagnose(in)
			checkInvariants(t, in, d)
			if d.Symptom != LostCard || !d.Causes[0].Fraud {
				t.Errorf("%s %s: symptom %s, top %s", code, name, d.Symptom, d.Causes[0].ID)
			}
			for _, c := range d.Causes {
				if c.Fraud && len(c.Against) > 0 {
					t.Errorf("%s %s: fraud cause %s argued against: %+v", code, name, c.ID, c.Against)
				}
			}
			if d.Playbook[0].ID != "fraud_do_not_retry" || !d.Playbook[0].Fraud {
				t.Errorf("%s %s: first step %s, want fraud_do_not_retry", code, name, d.Playbook[0].ID)
			}
		}
	}
	d := Diagnose(Input{Codes: []Code{up("43")}})
	if d.Causes[0].ID != "card_stolen" {
		t.Errorf("43: top %s, want card_stolen", d.Causes[0].ID)
	}
}

// TestMerchantFrozen: an acquirer-private code, or the same code for every
// card, is the merchant or terminal, not the cardholder.
func TestMerchantFrozen(t *testing.T) {
	t.Parallel()
	priv := Input{Codes: []Code{up("D9")}}
	d := Diagnose(priv)
	checkInvariants(t, priv, d)
	if d.Symptom != AccountFrozen || d.Causes[0].ID != "merchant_frozen" {
		t.Errorf("private D9: symptom %s top %s\n%s", d.Symptom, d.Causes[0].ID, dump(d))
	}
	every := Input{Symptom: AccountFrozen, Codes: []Code{up("57")}, History: []CardOutcome{
		{Card: "a", Code: up("57")}, {Card: "b", Code: up("57")}, {Card: "c", Code: up("57")},
	}}
	d = Diagnose(every)
	checkInvariants(t, every, d)
	if d.Causes[0].ID != "merchant_frozen" {
		t.Errorf("57 on every card: top %s, want merchant_frozen\n%s", d.Causes[0].ID, dump(d))
	}
	if len(causeOf(d, "risk_control").Against) == 0 {
		t.Error("risk_control (the cardholder's) not argued against")
	}
	single := Input{Symptom: AccountFrozen, Codes: []Code{up("57")}}
	if d := Diagnose(single); d.Causes[0].ID != "risk_control" {
		t.Errorf("57 on one card: top %s, want risk_control", d.Causes[0].ID)
	}
}

func TestDiagnoseInfersSymptom(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		in   Input
		want SymptomID
	}{
		{"code", Input{Codes: []Code{up("55")}}, WrongPIN},
		{"message", Input{Message: "通讯失败"}, CommsFailure},
		{"message inside text", Input{Message: "屏幕显示：收包MAC校验错"}, SignInFailure},
		{"host code fact", Input{Checks: []CheckEvidence{ev(CheckTransaction, StatusFail, "host_code", "51")}}, AccountFrozen},
		{"zvt result fact", Input{Checks: []CheckEvidence{ev(CheckTransaction, StatusFail, "zvt_result", "0x78")}}, CardError},
		{"status code fact", Input{Checks: []CheckEvidence{ev(CheckStatus, StatusFail, "status_code", "51")}}, SignInFailure},
		{"history", Input{History: []CardOutcome{{Card: "a", Code: up("00")}, {Card: "b", Code: up("61")}}}, AccountFrozen},
		{"given wins", Input{Symptom: CardError, Codes: []Code{up("55")}}, CardError},
	}
	for _, tt := range tests {
		d := Diagnose(tt.in)
		if d.Symptom != tt.want {
			t.Errorf("%s: symptom %q, want %q", tt.name, d.Symptom, tt.want)
		}
		if len(d.Causes) == 0 {
			t.Errorf("%s: no causes", tt.name)
		}
		checkInvariants(t, tt.in, d)
	}
	if d := Diagnose(Input{}); d.Symptom != "" || len(d.Causes) != 0 || len(d.Playbook) != 0 {
		t.Errorf("empty input: %+v", d)
	}
	if d := Diagnose(Input{Codes: []Code{up("00")}}); len(d.Causes) != 0 {
		t.Errorf("approved code: %d causes", len(d.Causes))
	}
}

// TestStepStates: a passing check rules out the steps it verifies, a failing
// one keeps them to do with the reason, a missing one asks for it.
func TestStepStates(t *testing.T) {
	t.Parallel()
	in := Input{Symptom: CommsFailure, Checks: []CheckEvidence{ev(CheckNetwork, StatusOK, "host_reachable", "true"), ev(CheckVersion, StatusFail, "version_below_baseline", "true")}}
	d := Diagnose(in)
	checkInvariants(t, in, d)
	state := map[string]PlayStep{}
	for _, s := range d.Playbook {
		state[s.ID] = s
	}
	if s := state["check_signal"]; s.State != StepRuledOut || !strings.Contains(s.Why.En, "network check passed") {
		t.Errorf("check_signal: %s %q", s.State, s.Why.En)
	}
	if s := state["update_software"]; s.State != StepTodo || !strings.Contains(s.Why.En, "version check reported fail") {
		t.Errorf("update_software: %s %q", s.State, s.Why.En)
	}
	if s := state["wait_and_retry"]; s.State != StepNeedsCheck || !strings.Contains(s.Why.En, "transaction check to confirm") {
		t.Errorf("wait_and_retry: %s %q", s.State, s.Why.En)
	}
	if d.Causes[0].ID != "software_outdated" {
		t.Errorf("top %s, want software_outdated\n%s", d.Causes[0].ID, dump(d))
	}
	// How the card was read.
	manual := Diagnose(Input{Symptom: CardError, Checks: []CheckEvidence{ev(CheckReader, StatusWarn, "technology", "manual")}})
	if manual.Causes[0].ID != "card_data_wrong" {
		t.Errorf("manual entry: top %s, want card_data_wrong", manual.Causes[0].ID)
	}
	fallback := Diagnose(Input{Symptom: AuthFailed, Checks: []CheckEvidence{ev(CheckReader, StatusWarn, "technology", "fallback")}})
	if pos(fallback, "card_damaged") > 2 {
		t.Errorf("fallback: card_damaged at %d\n%s", pos(fallback, "card_damaged"), dump(fallback))
	}
	// Skipped and broken checks count as not run.
	in = Input{Symptom: CommsFailure, Checks: []CheckEvidence{ev(CheckNetwork, StatusSkip), ev(CheckVersion, StatusError)}}
	for _, s := range Diagnose(in).Playbook {
		if s.Verify != "" && s.State != StepNeedsCheck {
			t.Errorf("%s: %s after skipped/broken checks", s.ID, s.State)
		}
	}
}
