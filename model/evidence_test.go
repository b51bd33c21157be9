package model

import (
	"strings"
	"testing"
)

// TestStandInCountedOnce (issue 9): ZVT FF is what the terminal sends for a
// host code it cannot carry (A0). With the host code known, FF is no
// evidence of its own; alone, or beside a numeric host code, it is.
func TestStandInCountedOnce(t *testing.T) {
	t.Parallel()
	zff := Code{SchemeZVT, "FF"}
	fromFF := func(d Diagnosis) []string {
		var out []string
		for _, c := range d.Causes {
			for _, r := range append(c.For, c.Against...) {
				if r.Code != nil && *r.Code == zff {
					out = append(out, c.ID)
				}
			}
		}
		return out
	}
	for name, in := range map[string]Input{
		"codes":  {Codes: []Code{up("A0"), zff}},
		"facts":  {Checks: []CheckEvidence{ev(CheckTransaction, StatusFail, "host_code", "A0", "zvt_result", "FF")}},
		"hybrid": {Codes: []Code{zff}, Checks: []CheckEvidence{ev(CheckTransaction, StatusFail, "host_code", "a0")}},
	} {
		d := Diagnose(in)
		checkInvariants(t, in, d)
		if got := fromFF(d); len(got) > 0 {
			t.Errorf("%s: causes supported by the FF stand-in: %v", name, got)
		}
		if pos(d, "terminal_fault") >= 0 {
			t.Errorf("%s: terminal_fault is a cause, only FF points there\n%s", name, dump(d))
		}
		if d.Causes[0].ID != "terminal_keys" {
			t.Errorf("%s: top %s, want terminal_keys", name, d.Causes[0].ID)
		}
	}
	alone := Input{Codes: []Code{zff}}
	if d := Diagnose(alone); len(fromFF(d)) == 0 || d.Causes[0].ID != "terminal_fault" {
		t.Errorf("FF alone is a system error of its own: top %s, from FF %v", d.Causes[0].ID, fromFF(d))
	}
	numeric := Input{Codes: []Code{up("96"), zff}}
	if d := Diagnose(numeric); len(fromFF(d)) == 0 {
		t.Errorf("FF beside host 96 (which ZVT carries as 0x60) is not a stand-in: it must count")
	}
}

// TestHostCodeIsDirectEvidence (issue 12): host 54 on a chip card whose own
// expiry is in the future keeps "card expired" on top, with the reason
// that the card was likely replaced.
func TestHostCodeIsDirectEvidence(t *testing.T) {
	t.Parallel()
	in := Input{Codes: []Code{up("54")}, Checks: []CheckEvidence{
		ev(CheckReader, StatusOK, "card_expired", "false", "card_readable", "true", "expiry", "3011", "technology", "chip"),
		ev(CheckTransaction, StatusFail, "host_code", "54"),
	}}
	d := Diagnose(in)
	checkInvariants(t, in, d)
	if d.Causes[0].ID != "card_expired" || d.Causes[0].Likelihood != LikelihoodLikely {
		t.Fatalf("top %s (%s), want card_expired, likely\n%s", d.Causes[0].ID, d.Causes[0].Likelihood, dump(d))
	}
	var why Reason
	for _, r := range d.Causes[0].For {
		if strings.Contains(r.Text.En, "replaced") {
			why = r
		}
	}
	wantEn := "the chip says 11/30 but the issuer says expired: the card was likely replaced, ask for the new card"
	if why.Text.En != wantEn || !strings.Contains(why.Text.Zh, "11/30") || !strings.Contains(why.Text.Zh, "新卡") || why.Check != CheckReader {
		t.Errorf("reason %+v, want %q (and zh) from the reader check", why, wantEn)
	}
	// The same card with no host code: the chip's date speaks against
	// expiry as before.
	noHost := Input{Symptom: CardError, Checks: in.Checks[:1]}
	if d := Diagnose(noHost); pos(d, "card_expired") >= 0 && causeOf(d, "card_expired").Score > 0 {
		t.Errorf("without host 54 card_expired still scores %d", causeOf(d, "card_expired").Score)
	}
}

// TestHostCauseStaysTopTwo: whatever the indirect evidence, the cause the
// host's code names stays in the top two with a reason saying why, unless
// another host code contradicts it.
func TestHostCauseStaysTopTwo(t *testing.T) {
	t.Parallel()
	// 91 (issuer down) names bank_maintenance; a passing network check and
	// a passing test payment (another card) speak against host causes.
	in := Input{Codes: []Code{up("91")}, Checks: []CheckEvidence{
		ev(CheckNetwork, StatusOK, "host_reachable", "true"),
		ev(CheckTransaction, StatusOK, "host_code", "00"),
		ev(CheckVersion, StatusFail, "version_below_baseline", "true", "software_version", "0.9"),
	}}
	want := "bank_maintenance"
	if c, ok := LookupCode(SchemeUnionPay, "91"); !ok || c.Causes[0] != want {
		t.Fatalf("91 names %v, the test assumes %s", c.Causes, want)
	}
	d := Diagnose(in)
	checkInvariants(t, in, d)
	if p := pos(d, want); p < 0 || p > 1 {
		t.Fatalf("%s at %d, want the top two\n%s", want, p, dump(d))
	}
	c := causeOf(d, want)
	found := false
	for _, r := range c.For {
		found = found || strings.Contains(r.Text.En, "names this cause directly")
	}
	if !found || c.Likelihood != LikelihoodLikely {
		t.Errorf("%s: no host-code reason (%+v) or not likely (%s)", want, c.For, c.Likelihood)
	}
	// Two host codes that name different causes: no protection.
	two := Input{Codes: []Code{up("91"), up("A0")}, Checks: in.Checks}
	d = Diagnose(two)
	for _, r := range causeOf(d, want).For {
		if strings.Contains(r.Text.En, "names this cause directly") {
			t.Errorf("91 with A0: protection applied although the codes contradict")
		}
	}
}

// TestSilentTerminal (issue 12): each of the three ways a terminal stays
// silent gets the terminal_silent symptom, causes and steps, never an empty
// diagnosis.
func TestSilentTerminal(t *testing.T) {
	t.Parallel()
	tests := []struct {
		fact      Fact
		top       []string // the top causes, in order
		firstStep string
		notTop    []string // causes that must not be in the top three
	}{
		{FactCommandNotAccepted, []string{"ecr_link_settings"}, "check_ecr_cable", []string{"payment_outcome_unknown", "card_damaged"}},
		{FactResultNotHeard, []string{"payment_outcome_unknown", "network_unstable"}, "resolve_unknown_outcome", []string{"ecr_link_settings", "zvt_disabled_or_password"}},
		{FactRefusedAll, []string{"zvt_disabled_or_password"}, "check_ecr_password", []string{"payment_outcome_unknown", "network_unstable"}},
	}
	for _, tt := range tests {
		t.Run(string(tt.fact), func(t *testing.T) {
			t.Parallel()
			// The link check heard the silence and could not run.
			in := Input{Checks: []CheckEvidence{ev(CheckLink, StatusError, string(tt.fact), "true")}}
			d := Diagnose(in)
			checkInvariants(t, in, d)
			if d.Symptom != TerminalSilent || len(d.Causes) == 0 || len(d.Playbook) == 0 {
				t.Fatalf("symptom %q, %d causes, %d steps", d.Symptom, len(d.Causes), len(d.Playbook))
			}
			for i, id := range tt.top {
				if d.Causes[i].ID != id {
					t.Errorf("cause %d = %s, want %s\n%s", i, d.Causes[i].ID, id, dump(d))
				}
			}
			for _, id := range tt.notTop {
				if p := pos(d, id); p >= 0 && p < 3 {
					t.Errorf("%s at %d, want it out of the top three\n%s", id, p, dump(d))
				}
			}
			if d.Playbook[0].ID != tt.firstStep {
				t.Errorf("first step %s, want %s", d.Playbook[0].ID, tt.firstStep)
			}
			r := d.Causes[0].For
			if len(r) == 0 || r[len(r)-1].Check != CheckLink {
				t.Errorf("top cause's reasons do not name the check that heard the silence: %+v", r)
			}
		})
	}
	// Outcome unknown says so in its words.
	d := Diagnose(Input{Checks: []CheckEvidence{ev(CheckTransaction, StatusError, "result_not_heard", "true")}})
	if c := causeOf(d, "payment_outcome_unknown"); !strings.Contains(c.For[len(c.For)-1].Text.En, "outcome is unknown") {
		t.Errorf("payment_outcome_unknown reasons: %+v", c.For)
	}
}
