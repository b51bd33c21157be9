package model

import (
	"fmt"
	"regexp"
	"slices"
	"strings"

	"gopkg.in/yaml.v3"
)

// Trigger names a pattern the engine finds in the codes, the history or the
// facts, which rules (kb/rules.yaml) attach effects to.
type Trigger string

// Triggers.
const (
	TriggerPrivateCode          Trigger = "private_code"            // a declined acquirer-private code ({code})
	TriggerFraudCode            Trigger = "fraud_code"              // a declined fraud-class code ({code})
	TriggerKnownGoodPassed      Trigger = "known_good_passed"       // an earlier attempt with a known-good card was approved
	TriggerKnownGoodFailed      Trigger = "known_good_failed"       // an earlier attempt with a known-good card was declined ({code})
	TriggerSeveralCardsKeys     Trigger = "several_cards_keys"      // {n} ≥ 2 different cards got 55, 99 or A0
	TriggerSeveralCardsSameCode Trigger = "several_cards_same_code" // {n} ≥ 2 different cards got the same other code ({code})
	TriggerOnly05OthersPass     Trigger = "only05_others_pass"      // exactly 05 was seen while other cards were approved
	TriggerCommandNotAccepted   Trigger = "command_not_accepted"    // a check reports FactCommandNotAccepted
	TriggerResultNotHeard       Trigger = "result_not_heard"        // a check reports FactResultNotHeard
	TriggerRefusedAll           Trigger = "refused_all"             // a check reports FactRefusedAll
)

var allTriggers = []Trigger{
	TriggerPrivateCode, TriggerFraudCode, TriggerKnownGoodPassed, TriggerKnownGoodFailed,
	TriggerSeveralCardsKeys, TriggerSeveralCardsSameCode, TriggerOnly05OthersPass,
	TriggerCommandNotAccepted, TriggerResultNotHeard, TriggerRefusedAll,
}

// ReasonID names a reason text in the knowledge base.
type ReasonID string

// Reasons the engine gives itself (not through a rule); the loader makes
// sure the knowledge base has each.
const (
	ReasonUsualCause     ReasonID = "usual_cause"      // {symptom}
	ReasonCodePointsHere ReasonID = "code_points_here" // {code}
	ReasonHostCodeDirect ReasonID = "host_code_direct" // {code}
	ReasonStandIn        ReasonID = "stand_in_code"    // {code}
	ReasonCardReplaced   ReasonID = "card_replaced"    // {expiry}
	// Why a playbook step is in its state.
	ReasonStepCauseUnlikely ReasonID = "step_cause_unlikely" // {reason}
	ReasonStepNeedsCheck    ReasonID = "step_needs_check"    // {check}
	ReasonStepCheckPassed   ReasonID = "step_check_passed"   // {check}
	ReasonStepCheckReported ReasonID = "step_check_reported" // {check} {status}
)

var engineReasons = []ReasonID{ReasonUsualCause, ReasonCodePointsHere, ReasonHostCodeDirect, ReasonStandIn, ReasonCardReplaced,
	ReasonStepCauseUnlikely, ReasonStepNeedsCheck, ReasonStepCheckPassed, ReasonStepCheckReported}

// placeholders are the names a reason may use besides fact names.
var placeholders = []string{"code", "n", "symptom", "check", "status", "reason"}

// ReasonInfo is one reason text. Placeholders in braces ({code}, {n},
// {symptom}, or a fact name such as {software_version}) are filled in when
// the reason is given.
type ReasonInfo struct {
	ID   ReasonID `json:"id" yaml:"id"`
	Text Text     `json:"text" yaml:"text"`
	line int
}

// UnmarshalYAML decodes a reason strictly and keeps its line.
func (r *ReasonInfo) UnmarshalYAML(n *yaml.Node) error {
	type plain ReasonInfo
	if err := strictDecode(n, (*plain)(r)); err != nil {
		return err
	}
	r.line = n.Line
	return nil
}

// Rule is one row of the diagnosis table: when a condition holds, raise or
// lower a cause or an area by Weight, giving Reason.
//
// The condition is one of: Check (the check ran, and Status, Fact with Value
// or Contains hold where given; Value "" means the fact is absent; with
// HostCode also, one of those host codes was seen), Trigger, or HostCode
// alone (fires for each declined code carrying one of them). Rows of
// one check with the same Group form a switch: only the first condition that
// holds fires, with every row that has that condition.
type Rule struct {
	Check    CheckID  `json:"check,omitempty" yaml:"check"`
	Trigger  Trigger  `json:"trigger,omitempty" yaml:"trigger"`
	HostCode []string `json:"host_code,omitempty" yaml:"host_code"`
	Group    string   `json:"group,omitempty" yaml:"group"`
	Status   Status   `json:"status,omitempty" yaml:"status"`
	Fact     Fact     `json:"fact,omitempty" yaml:"fact"`
	Value    *string  `json:"value,omitempty" yaml:"value"`
	Contains []string `json:"contains,omitempty" yaml:"contains"`
	Cause    string   `json:"cause,omitempty" yaml:"cause"`
	Area     []Area   `json:"area,omitempty" yaml:"area"`
	Weight   int      `json:"weight" yaml:"weight"`
	Reason   ReasonID `json:"reason" yaml:"reason"`
	file     string
	line     int
}

// UnmarshalYAML decodes a rule strictly and keeps its line.
func (r *Rule) UnmarshalYAML(n *yaml.Node) error {
	type plain Rule
	if err := strictDecode(n, (*plain)(r)); err != nil {
		return err
	}
	r.line = n.Line
	return nil
}

// At is where the rule is written, file:line.
func (r Rule) At() string { return fmt.Sprintf("%s:%d", r.file, r.line) }

// cond is the rule's condition as a key: rows with the same key in a group
// fire together.
func (r Rule) cond() string {
	v := "<nil>"
	if r.Value != nil {
		v = *r.Value
	}
	return fmt.Sprintf("%s|%s|%s|%s|%s", r.Check, r.Status, r.Fact, v, strings.Join(r.Contains, ","))
}

// matches reports whether the check condition of r holds for ev.
func (r Rule) matches(ev CheckEvidence) bool {
	if r.Status != "" && ev.Status != r.Status {
		return false
	}
	if r.Fact == "" {
		return true
	}
	got, ok := ev.Facts[r.Fact]
	switch {
	case r.Value != nil && *r.Value == "":
		return !ok || got == ""
	case r.Value != nil:
		return got == *r.Value
	}
	got = strings.ToLower(got)
	for _, c := range r.Contains {
		if strings.Contains(got, strings.ToLower(c)) {
			return true
		}
	}
	return false
}

// Weights outside this range are a typo.
const maxWeight = 200

var placeholderRe = regexp.MustCompile(`\{([a-z_0-9]+)\}`)

// buildRules collects reasons and rules and checks every name they use: a
// rule naming an unknown check, fact, value, trigger, cause, area or reason
// is an error at its file:line, so renaming a cause cannot switch a rule
// off silently.
func buildRules(kb *KB, files []namedFile, bad func(string, string, ...any)) {
	kb.reasons = map[ReasonID]int{}
	for _, nf := range files {
		for _, r := range nf.f.Reasons {
			at := fmt.Sprintf("%s:%d", nf.name, r.line)
			where := fmt.Sprintf("reason %q", r.ID)
			checkID(bad, at, where, string(r.ID))
			if _, dup := kb.reasons[r.ID]; dup {
				bad(at, "%s defined twice", where)
			}
			checkText(bad, at, where, r.Text)
			for _, m := range placeholderRe.FindAllStringSubmatch(r.Text.Zh+r.Text.En, -1) {
				if p := m[1]; !slices.Contains(placeholders, p) && !Fact(p).Known() {
					bad(at, "%s: unknown placeholder {%s}: use {%s} or a fact name", where, p, strings.Join(placeholders, "}, {"))
				}
			}
			kb.reasons[r.ID] = len(kb.Reasons)
			kb.Reasons = append(kb.Reasons, r)
		}
	}
	for _, id := range engineReasons {
		if _, ok := kb.reasons[id]; !ok {
			bad("rules.yaml", "reason %q is missing: the diagnosis engine gives it", id)
		}
	}
	for _, nf := range files {
		for _, r := range nf.f.Rules {
			r.file = nf.name
			checkRule(kb, r, bad)
			kb.Rules = append(kb.Rules, r)
		}
	}
}

// checkRule reports every problem of one rule at its file:line.
func checkRule(kb *KB, r Rule, bad func(string, string, ...any)) {
	at := r.At()
	n := 0
	for _, set := range []bool{r.Check != "", r.Trigger != "", len(r.HostCode) > 0} {
		if set {
			n++
		}
	}
	if n != 1 && !(n == 2 && r.Check != "" && len(r.HostCode) > 0) {
		bad(at, "rule: give one of check, trigger, host_code (host_code may narrow a check)")
	}
	if r.Check != "" && !validCheck(r.Check) {
		bad(at, "rule: unknown check %q: valid checks are %s", r.Check, strings.Join(names(CheckOrder), ", "))
	}
	if r.Trigger != "" && !slices.Contains(allTriggers, r.Trigger) {
		bad(at, "rule: unknown trigger %q: valid triggers are %s", r.Trigger, strings.Join(names(allTriggers), ", "))
	}
	for _, h := range r.HostCode {
		if _, ok := kb.codes[SchemeUnionPay][h]; !ok {
			bad(at, "rule: host_code %q is not a UnionPay code", h)
		}
	}
	if r.Check == "" && (r.Status != "" || r.Fact != "" || r.Group != "") {
		bad(at, "rule: status, fact and group go with check")
	}
	if r.Status != "" && !slices.Contains(allStatuses, r.Status) {
		bad(at, "rule: unknown status %q: valid statuses are %s", r.Status, strings.Join(names(allStatuses), ", "))
	}
	checkRuleFact(r, at, bad)
	switch {
	case (r.Cause == "") == (len(r.Area) == 0):
		bad(at, "rule: give exactly one of cause and area")
	case r.Cause != "":
		if _, ok := kb.causes[r.Cause]; !ok {
			bad(at, "rule: unknown cause %q", r.Cause)
		}
	}
	for _, a := range r.Area {
		if !validArea(a) {
			bad(at, "rule: unknown area %q: valid areas are %s", a, strings.Join(areaNames(), ", "))
		}
	}
	if r.Weight == 0 || r.Weight > maxWeight || r.Weight < -maxWeight {
		bad(at, "rule: weight %d: want a non-zero number between -%d and %d", r.Weight, maxWeight, maxWeight)
	}
	if _, ok := kb.reasons[r.Reason]; !ok {
		bad(at, "rule: unknown reason %q", r.Reason)
	}
}

func checkRuleFact(r Rule, at string, bad func(string, string, ...any)) {
	if r.Fact == "" {
		if r.Value != nil || len(r.Contains) > 0 {
			bad(at, "rule: value and contains go with fact")
		}
		return
	}
	if !r.Fact.Known() {
		bad(at, "rule: unknown fact %q: valid facts are %s", r.Fact, strings.Join(names(Facts), ", "))
		return
	}
	if (r.Value == nil) == (len(r.Contains) == 0) {
		bad(at, "rule: fact %s needs exactly one of value and contains", r.Fact)
	}
	if r.Value != nil && *r.Value != "" && !r.Fact.ValidValue(*r.Value) {
		bad(at, "rule: fact %s has no value %q: valid values are %s", r.Fact, *r.Value, strings.Join(r.Fact.Values(), ", "))
	}
}

// Reason finds a reason by id.
func (kb *KB) Reason(id ReasonID) (ReasonInfo, bool) { return byID(kb.Reasons, kb.reasons, id) }

// reasonText fills the placeholders of reason id from vars; one without a
// value reads "—" (the loader rules out unknown names).
func (kb *KB) reasonText(id ReasonID, vars map[string]Text) Text {
	r, _ := kb.Reason(id)
	fill := func(s string, zh bool) string {
		return placeholderRe.ReplaceAllStringFunc(s, func(m string) string {
			v, ok := vars[m[1:len(m)-1]]
			switch {
			case !ok:
				return "—" // a fact the check did not report
			case zh:
				return v.Zh
			}
			return v.En
		})
	}
	return Text{Zh: fill(r.Text.Zh, true), En: fill(r.Text.En, false)}
}
