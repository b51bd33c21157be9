package model

import (
	"regexp"
	"strings"
	"testing"
)

// TestLoadRuleErrors: a rule naming something the knowledge base does not
// have fails to load, naming the file and the line of the rule.
func TestLoadRuleErrors(t *testing.T) {
	t.Parallel()
	tests := []struct{ name, data, want string }{
		{"unknown cause", `rules:
  - {check: network, fact: host_reachable, value: "false", cause: network_flaky, weight: 40, reason: network_unreachable}
`, `kb extra.yaml:2: rule: unknown cause "network_flaky"`},
		{"unknown fact", `rules:
  - {check: network, fact: host_up, value: "false", cause: network_unstable, weight: 40, reason: network_unreachable}
`, `kb extra.yaml:2: rule: unknown fact "host_up"`},
		{"unknown reason", `rules:

  - {check: network, status: fail, cause: network_unstable, weight: 40, reason: net_down}
`, `kb extra.yaml:3: rule: unknown reason "net_down"`},
		{"unknown check", `rules:
  - {check: keys, status: fail, cause: terminal_keys, weight: 40, reason: status_failed}
`, `kb extra.yaml:2: rule: unknown check "keys"`},
		{"bad value", `rules:
  - {check: status, fact: device_state, value: broken, cause: terminal_fault, weight: 40, reason: status_failed}
`, `kb extra.yaml:2: rule: fact device_state has no value "broken"`},
		{"unknown trigger", `rules:
  - {trigger: full_moon, cause: terminal_fault, weight: 40, reason: status_failed}
`, `kb extra.yaml:2: rule: unknown trigger "full_moon"`},
		{"unknown area", `rules:
  - {trigger: fraud_code, area: [moon], weight: 40, reason: fraud_code}
`, `kb extra.yaml:2: rule: unknown area "moon"`},
		{"cause and area", `rules:
  - {trigger: fraud_code, cause: card_stolen, area: [fraud], weight: 40, reason: fraud_code}
`, "kb extra.yaml:2: rule: give exactly one of cause and area"},
		{"zero weight", `rules:
  - {trigger: fraud_code, area: [fraud], weight: 0, reason: fraud_code}
`, "kb extra.yaml:2: rule: weight 0"},
		{"unknown field", `rules:
  - {trigger: fraud_code, area: [fraud], weight: 10, reason: fraud_code, colour: red}
`, "kb extra.yaml:2: field colour not found"},
		{"reason placeholder", `reasons:
  - {id: odd, text: {zh: "{colour}", en: "{colour}"}}
`, `kb extra.yaml:2: reason "odd": unknown placeholder {colour}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := LoadKB(kbWith(t, "extra.yaml", []byte(tt.data)))
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("err = %v\nwant it to contain %q", err, tt.want)
			}
		})
	}
}

// TestRenamedCauseBreaksRules: renaming a cause in causes.yaml without its
// rules fails the load at every rule that names the old id, with its line.
func TestRenamedCauseBreaksRules(t *testing.T) {
	t.Parallel()
	sub := mustSub(t)
	m := kbWith(t, "extra.yaml", nil)
	delete(m, "extra.yaml")
	data := string(m["causes.yaml"].Data)
	m["causes.yaml"].Data = []byte(strings.Replace(data, "  - id: network_unstable\n", "  - id: network_flaky\n", 1))
	// Symptoms and codes name it too; keep them pointing at the new id so
	// only the rules are left behind.
	for _, n := range []string{"symptoms.yaml", "codes_unionpay.yaml", "codes_iso.yaml", "codes_zvt.yaml", "codes_zvt_status.yaml", "codes_zvt_intermediate.yaml", "messages.yaml"} {
		m[n].Data = []byte(strings.ReplaceAll(string(m[n].Data), "network_unstable", "network_flaky"))
	}
	_ = sub
	_, err := LoadKB(m)
	if err == nil {
		t.Fatal("renamed cause loaded")
	}
	re := regexp.MustCompile(`kb rules\.yaml:\d+: rule: unknown cause "network_unstable"`)
	if !re.MatchString(err.Error()) {
		t.Errorf("err = %v\nwant rules.yaml:LINE naming the old cause", err)
	}
}

// TestEngineReasonsPresent: the reasons the engine gives itself are in the
// knowledge base, and a knowledge base without one does not load.
func TestEngineReasonsPresent(t *testing.T) {
	t.Parallel()
	kb := Knowledge()
	for _, id := range engineReasons {
		if _, ok := kb.Reason(id); !ok {
			t.Errorf("reason %s missing", id)
		}
	}
	m := kbWith(t, "extra.yaml", nil)
	delete(m, "extra.yaml")
	m["rules.yaml"].Data = []byte(strings.Replace(string(m["rules.yaml"].Data), "id: usual_cause,", "id: usual_causes,", 1))
	if _, err := LoadKB(m); err == nil || !strings.Contains(err.Error(), `reason "usual_cause" is missing`) {
		t.Errorf("err = %v", err)
	}
}

// TestEveryRuleCanFire: every rule's reason exists in both languages and
// every trigger the engine knows has a rule.
func TestEveryRuleCanFire(t *testing.T) {
	t.Parallel()
	kb := Knowledge()
	seen := map[Trigger]bool{}
	for _, r := range kb.Rules {
		seen[r.Trigger] = true
		if _, ok := kb.Reason(r.Reason); !ok {
			t.Errorf("%s: reason %s", r.At(), r.Reason)
		}
	}
	for _, tr := range allTriggers {
		if !seen[tr] {
			t.Errorf("trigger %s has no rule", tr)
		}
	}
}
