package model

import (
	"fmt"
	"slices"
	"strings"

	"gopkg.in/yaml.v3"
)

// LabelKind names a set of values a user reads (an actor, a check status,
// …). Every value of every kind has one zh and one en label, in
// kb/labels.yaml, read with [Label].
type LabelKind string

// Label kinds. Kinds marked derived are not in labels.yaml: their labels
// come from other parts of the knowledge base.
const (
	KindActor       LabelKind = "actor"        // [Actor]
	KindFix         LabelKind = "fix"          // [FixClass], short
	KindFixHint     LabelKind = "fix_hint"     // [FixClass], one sentence: who and how
	KindRetry       LabelKind = "retry"        // [FixClass]: whether to retry
	KindScheme      LabelKind = "scheme"       // [Scheme], short
	KindSchemeTitle LabelKind = "scheme_title" // [Scheme], a table heading
	KindStepState   LabelKind = "step_state"   // [StepState]
	KindStatus      LabelKind = "check_status" // [Status] of a check or a verdict
	KindCheck       LabelKind = "check"        // [CheckID]
	KindDeviceState LabelKind = "device_state" // the values of [FactDeviceState]
	KindPayment     LabelKind = "payment"      // a test payment's outcome (checks' Txn* states)
	KindOutcome     LabelKind = "code_outcome" // [Outcome] of a code
	KindArea        LabelKind = "area"         // [Area]
	KindMark        LabelKind = "mark"         // an operator's mark on a step: done, skipped, no_help
	KindLikelihood  LabelKind = "likelihood"   // [Likelihood] of a ranked cause

	// KindTerminalStatus is derived: the ZVT terminal status byte (hex, "51"
	// or "0x51") labelled with its display text from the zvt_status table.
	KindTerminalStatus LabelKind = "terminal_status"
	// KindSymptom is derived: a [SymptomID] labelled with its title.
	KindSymptom LabelKind = "symptom"
	// KindCause is derived: a cause id labelled with its title.
	KindCause LabelKind = "cause"
)

// labelKinds are the kinds labels.yaml holds, each with the values it must
// label (nil: the file's list is the set of values).
var labelKinds = map[LabelKind][]string{
	KindActor:       names(allActors),
	KindFix:         names(allFixes),
	KindFixHint:     names(allFixes),
	KindRetry:       names(allFixes),
	KindScheme:      names(allSchemes),
	KindSchemeTitle: names(allSchemes),
	KindStepState:   names(allStepStates),
	KindStatus:      names(allStatuses),
	KindCheck:       names(CheckOrder),
	KindDeviceState: FactDeviceState.Values(),
	KindPayment:     nil,
	KindOutcome:     names(allOutcomes),
	KindArea:        names(allAreas),
	KindMark:        nil,
	KindLikelihood:  names(allLikelihoods),
}

var (
	allStepStates = []StepState{StepTodo, StepRuledOut, StepNeedsCheck}
	allStatuses   = []Status{StatusOK, StatusWarn, StatusFail, StatusSkip, StatusError}
	allOutcomes   = []Outcome{OutcomeDeclined, OutcomeApproved, OutcomeInfo}
)

// LabelKinds lists the kinds labels.yaml holds, sorted.
func LabelKinds() []LabelKind {
	out := make([]LabelKind, 0, len(labelKinds))
	for k := range labelKinds {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

// Label is the label of value of kind in l, from the embedded knowledge
// base; see [KB.Label].
func Label(kind LabelKind, value string, l Lang) string {
	return Knowledge().Label(kind, value, l)
}

// LabelText is the label of value of kind in both languages; see
// [KB.LabelText].
func LabelText(kind LabelKind, value string) (Text, bool) {
	return Knowledge().LabelText(kind, value)
}

// Label is the label of value of kind in l. A value without a label (a bug
// the tests catch) is returned as it is, so nothing is ever blank.
func (kb *KB) Label(kind LabelKind, value string, l Lang) string {
	if t, ok := kb.LabelText(kind, value); ok {
		return t.In(l)
	}
	return value
}

// LabelText is the label of value of kind in both languages, and whether
// there is one.
func (kb *KB) LabelText(kind LabelKind, value string) (Text, bool) {
	switch kind {
	case KindTerminalStatus:
		c, ok := kb.LookupCode(SchemeZVTStatus, value)
		return c.Display, ok
	case KindSymptom:
		s, ok := kb.Symptom(SymptomID(value))
		return s.Title, ok
	case KindCause:
		c, ok := kb.Cause(value)
		return c.Title, ok
	}
	t, ok := kb.Labels[kind][value]
	return t, ok
}

// labelText is the label of value of kind, or the value itself in both
// languages when it has none.
func (kb *KB) labelText(kind LabelKind, value string) Text {
	if t, ok := kb.LabelText(kind, value); ok {
		return t
	}
	return Text{Zh: value, En: value}
}

// labelEntry is one label as written, with its line for errors.
type labelEntry struct {
	Text
	line int
}

// UnmarshalYAML reads {zh: …, en: …} and keeps the line.
func (e *labelEntry) UnmarshalYAML(n *yaml.Node) error {
	if err := strictDecode(n, &e.Text); err != nil {
		return err
	}
	e.line = n.Line
	return nil
}

// labelFile is the labels: section of a file: kind → value → label.
type labelFile map[LabelKind]map[string]labelEntry

// buildLabels merges the labels of every file into kb.Labels and reports
// unknown kinds, duplicates, missing languages and missing values.
func buildLabels(kb *KB, files []namedFile, bad func(string, string, ...any)) {
	kb.Labels = map[LabelKind]map[string]Text{}
	where := map[LabelKind]string{} // kind → file, for missing values
	for _, nf := range files {
		for _, kind := range sortedKeys(nf.f.Labels) {
			vals := nf.f.Labels[kind]
			if _, ok := labelKinds[kind]; !ok {
				bad(nf.name, "labels: unknown kind %q: valid kinds are %s", kind, strings.Join(names(LabelKinds()), ", "))
				continue
			}
			where[kind] = nf.name
			m := kb.Labels[kind]
			if m == nil {
				m = map[string]Text{}
				kb.Labels[kind] = m
			}
			for _, v := range sortedKeys(vals) {
				e := vals[v]
				at := fmt.Sprintf("%s:%d", nf.name, e.line)
				if _, dup := m[v]; dup {
					bad(at, "label %s %q defined twice", kind, v)
				}
				if req := labelKinds[kind]; req != nil && !slices.Contains(req, v) {
					bad(at, "label %s %q: not a value of %s (valid: %s)", kind, v, kind, strings.Join(req, ", "))
				}
				checkText(bad, at, fmt.Sprintf("label %s %q", kind, v), e.Text)
				m[v] = e.Text
			}
		}
	}
	for _, kind := range LabelKinds() {
		file := where[kind]
		if file == "" {
			file = "labels.yaml"
		}
		for _, v := range labelKinds[kind] {
			if _, ok := kb.Labels[kind][v]; !ok {
				bad(file, "labels: %s %q has no label", kind, v)
			}
		}
	}
}

func sortedKeys[K ~string, V any](m map[K]V) []K {
	out := make([]K, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}
