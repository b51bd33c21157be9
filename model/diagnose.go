package model

import (
	"fmt"
	"slices"
	"sort"
	"strings"
)

// Scores the engine gives itself; the rules' weights are in kb/rules.yaml.
// The absolute values mean nothing; they only order causes. A cause at or
// below zero is ruled out.
const (
	scoreFirstCause = 20 // the symptom's first cause; each later one 2 less
	scoreCodeFirst  = 40 // the first cause a code points at; each later one 10 less
)

// keyCodes are host codes that mean terminal keys when several cards get
// them (research/codes.md §4).
var keyCodes = map[string]bool{"55": true, "99": true, "A0": true}

// Diagnose ranks the causes of in and builds the playbook. It is
// deterministic: the same input gives the same output, ties broken by the
// symptom's own order and then by id. Every cause carries the reasons for
// and against it.
//
// The symptom's causes start in the symptom's order; each declined code
// adds or raises the causes it points at. Everything else is the rule table
// of kb/rules.yaml (research/codes.md §4): check facts, code triggers
// (fraud, acquirer-private, key errors), history patterns (several cards,
// known-good cards, exactly 05) and a silent terminal. Fraud causes go first
// when a fraud code is seen, and nothing lowers them.
//
// Playbook steps already ruled out by a passing check are StepRuledOut and
// come last; steps whose check has not run are StepNeedsCheck.
func (kb *KB) Diagnose(in Input) Diagnosis {
	d := &diag{kb: kb, in: in, cands: map[string]*cand{}, checks: map[CheckID]CheckEvidence{}}
	d.collect()
	d.symptom = kb.inferSymptom(in, d.codes)
	if s, ok := kb.Symptom(d.symptom); ok {
		for i, id := range s.Causes {
			score := max(scoreFirstCause-2*i, 2)
			d.add(id, i, score, Reason{Text: kb.reasonText(ReasonUsualCause, map[string]Text{"symptom": s.Title})})
		}
	}
	d.applyCodes()
	d.applyHistory()
	d.applyChecks()
	d.applySilence()
	d.keepHostCause()
	return Diagnosis{Symptom: d.symptom, Causes: d.ranked(), Playbook: d.playbook()}
}

type cand struct {
	id      string
	info    CauseInfo
	order   int // position in the symptom's list; causes added later come after
	score   int
	for_    []Reason
	against []Reason
}

type diag struct {
	kb      *KB
	in      Input
	symptom SymptomID
	codes   []CodeInfo // every code seen: input, check codes and facts
	cands   map[string]*cand
	next    int // order for causes not in the symptom's list
	checks  map[CheckID]CheckEvidence
	fraud   bool
	// protected is the cause the host's code names, kept in the top two.
	protected string
}

// collect gathers the codes of the input and of the checks.
func (d *diag) collect() {
	seen := map[Code]bool{}
	addCode := func(c Code) {
		if c.Value == "" {
			return
		}
		info, ok := d.kb.LookupCode(c.Scheme, c.Value)
		if !ok {
			return
		}
		// A host code seen both as ZVT 0x37 and as "55" counts once.
		key := info.Code()
		if h := hostCode(info); h != "" && info.Scheme == SchemeZVT {
			key = Code{Scheme: SchemeUnionPay, Value: h}
		}
		if seen[key] {
			return
		}
		seen[key] = true
		d.codes = append(d.codes, info)
	}
	for _, c := range d.in.Codes {
		addCode(c)
	}
	for _, ev := range d.in.Checks {
		if ran(ev.Status) {
			d.checks[ev.ID] = ev
		}
		for _, c := range ev.Codes {
			addCode(c)
		}
		if v := ev.Facts[FactHostCode]; v != "" {
			addCode(Code{Scheme: SchemeUnionPay, Value: strings.ToUpper(v)})
		}
		if v := ev.Facts[FactZVTResult]; v != "" {
			addCode(Code{Scheme: SchemeZVT, Value: normQueryValue(SchemeZVT, v)})
		}
		if v := ev.Facts[FactStatusCode]; v != "" {
			addCode(Code{Scheme: SchemeZVTStatus, Value: normQueryValue(SchemeZVTStatus, v)})
		}
	}
	d.dropStandIns()
	if len(d.codes) == 0 && d.in.Message != "" {
		if ms := d.kb.Find(d.in.Message, ""); len(ms) > 0 {
			d.codes = append(d.codes, ms[0].Code)
		}
	}
	for _, c := range d.codes {
		if c.Fix == FixFraud && c.Outcome == OutcomeDeclined {
			d.fraud = true
		}
	}
}

// dropStandIns removes stand-in codes (ZVT FF) when a host code they could
// stand for is known: a host code with a letter, which ZVT 0x01–0x63 cannot
// carry. One answer counts once: the host's.
func (d *diag) dropStandIns() {
	letter := false
	for _, c := range d.codes {
		if (c.Scheme == SchemeUnionPay || c.Scheme == SchemeISO) && strings.Trim(c.Value, "0123456789") != "" {
			letter = true
		}
	}
	if !letter {
		return
	}
	d.codes = slices.DeleteFunc(d.codes, func(c CodeInfo) bool { return c.StandIn })
}

// inferSymptom picks the symptom: the one given, else the first declined
// code's, else the message's, else the latest declined code in the history.
func (kb *KB) inferSymptom(in Input, codes []CodeInfo) SymptomID {
	if _, ok := kb.symptoms[in.Symptom]; ok {
		return in.Symptom
	}
	for _, c := range codes {
		if c.Outcome == OutcomeDeclined && c.Symptom != "" {
			return c.Symptom
		}
	}
	for _, s := range kb.Symptoms {
		for _, ev := range in.Checks {
			for _, f := range s.Facts {
				if ev.Facts[f] == "true" {
					return s.ID
				}
			}
		}
	}
	if in.Message != "" {
		if s, ok := kb.matchSymptomTitle(in.Message); ok {
			return s
		}
	}
	for i := len(in.History) - 1; i >= 0; i-- {
		h := in.History[i].Code
		if c, ok := kb.LookupCode(h.Scheme, h.Value); ok && c.Outcome == OutcomeDeclined {
			return c.Symptom
		}
	}
	return in.Symptom
}

// add makes sure cause id is a candidate and applies delta with reason.
func (d *diag) add(id string, order, delta int, r Reason) {
	c := d.cand(id, order)
	if c == nil {
		return
	}
	d.apply(c, delta, r)
}

func (d *diag) cand(id string, order int) *cand {
	if c, ok := d.cands[id]; ok {
		return c
	}
	info, ok := d.kb.Cause(id)
	if !ok {
		return nil
	}
	if order < 0 {
		order = 1000 + d.next
		d.next++
	}
	c := &cand{id: id, info: info, order: order}
	d.cands[id] = c
	return c
}

func (d *diag) apply(c *cand, delta int, r Reason) {
	c.score += delta
	if delta >= 0 {
		c.for_ = append(c.for_, r)
	} else {
		c.against = append(c.against, r)
	}
}

// byArea applies delta to every candidate in one of areas. Fraud causes are
// never lowered: no technical evidence speaks against them.
func (d *diag) byArea(delta int, r Reason, areas ...Area) {
	for _, c := range d.sorted() {
		if c.info.Fraud && delta < 0 || !contains(areas, c.info.Area) {
			continue
		}
		d.apply(c, delta, r)
	}
}

// sorted returns the candidates in a fixed order (for applying rules).
func (d *diag) sorted() []*cand {
	out := make([]*cand, 0, len(d.cands))
	for _, c := range d.cands {
		out = append(out, c)
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].order != out[j].order {
			return out[i].order < out[j].order
		}
		return out[i].id < out[j].id
	})
	return out
}

func codeRef(c CodeInfo) *Code { x := c.Code(); return &x }

// hostCode is the host (field 39) code a code carries: the value of a
// UnionPay or ISO code, the decimal host code of a ZVT result code
// 0x01–0x63, else "".
func hostCode(c CodeInfo) string {
	switch c.Scheme {
	case SchemeUnionPay, SchemeISO:
		return c.Value
	case SchemeZVT:
		var n int
		if _, err := fmt.Sscanf(c.Value, "%02X", &n); err == nil && n >= 0x01 && n <= 0x63 {
			return fmt.Sprintf("%02d", n)
		}
	}
	return ""
}

func codeLabel(c CodeInfo) Text {
	if c.Scheme == SchemeMessage {
		return Text{Zh: "「" + c.Value + "」", En: "\"" + c.Display.En + "\""}
	}
	name := map[Scheme]string{SchemeUnionPay: "", SchemeISO: "ISO ", SchemeZVT: "ZVT 0x", SchemeZVTStatus: "ZVT status 0x", SchemeZVTIntermediate: "ZVT intermediate 0x"}[c.Scheme]
	return Text{
		Zh: "代码 " + name + c.Value + "（" + c.Display.Zh + "）",
		En: "code " + name + c.Value + " (" + c.Display.En + ")",
	}
}

// applyCodes gives each declined code's causes their weight, then the code
// rules of the table (private codes, host codes, fraud).
func (d *diag) applyCodes() {
	for _, c := range d.codes {
		if c.Outcome != OutcomeDeclined {
			continue
		}
		l := codeLabel(c)
		vars := map[string]Text{"code": l}
		for j, id := range c.Causes {
			d.add(id, -1, max(scoreCodeFirst-10*j, 10), Reason{Text: d.kb.reasonText(ReasonCodePointsHere, vars), Code: codeRef(c)})
		}
		if c.Private {
			d.trigger(TriggerPrivateCode, firing{code: codeRef(c), vars: vars})
		}
		if h := hostCode(c); h != "" {
			for _, r := range d.kb.Rules {
				if r.Check == "" && slices.Contains(r.HostCode, h) {
					d.effect(r, firing{code: codeRef(c), vars: vars})
				}
			}
		}
	}
	for _, c := range d.codes {
		if c.Fix == FixFraud && c.Outcome == OutcomeDeclined {
			d.trigger(TriggerFraudCode, firing{code: codeRef(c), vars: map[string]Text{"code": codeLabel(c)}})
			break
		}
	}
}

// applyHistory finds the multi-card and known-good patterns in the earlier
// attempts and fires their rules.
func (d *diag) applyHistory() {
	type att struct {
		card string
		info CodeInfo
		good bool
	}
	var hist []att
	for _, h := range d.in.History {
		if info, ok := d.kb.LookupCode(h.Code.Scheme, h.Code.Value); ok {
			hist = append(hist, att{h.Card, info, h.KnownGood})
		}
	}
	for _, h := range hist {
		switch {
		case !h.good:
		case h.info.Outcome == OutcomeApproved:
			d.trigger(TriggerKnownGoodPassed, firing{})
		case h.info.Outcome == OutcomeDeclined:
			d.trigger(TriggerKnownGoodFailed, firing{code: codeRef(h.info)})
		}
	}
	// Distinct cards per declined code, and approved cards.
	cardsBy := map[Code]map[string]bool{}
	var codeOrder []CodeInfo
	keyCards := map[string]bool{}
	approved := map[string]bool{}
	for _, h := range hist {
		switch h.info.Outcome {
		case OutcomeApproved:
			approved[h.card] = true
		case OutcomeDeclined:
			k := h.info.Code()
			if cardsBy[k] == nil {
				cardsBy[k] = map[string]bool{}
				codeOrder = append(codeOrder, h.info)
			}
			cardsBy[k][h.card] = true
			if keyCodes[hostCode(h.info)] {
				keyCards[h.card] = true
			}
		}
	}
	if n := len(keyCards); n >= 2 {
		d.trigger(TriggerSeveralCardsKeys, firing{vars: map[string]Text{"n": same(fmt.Sprint(n))}})
	}
	for _, info := range codeOrder {
		n := len(cardsBy[info.Code()])
		if n < 2 || info.Fix == FixFraud || keyCodes[hostCode(info)] {
			continue
		}
		d.trigger(TriggerSeveralCardsSameCode, firing{code: codeRef(info), vars: map[string]Text{"n": same(fmt.Sprint(n)), "code": codeLabel(info)}})
	}
	if d.only05() && len(approved) > 0 {
		d.trigger(TriggerOnly05OthersPass, firing{})
	}
}

// same is s in both languages.
func same(s string) Text { return Text{Zh: s, En: s} }

// only05 reports whether the declined codes seen are exactly UnionPay 05.
func (d *diag) only05() bool {
	n := 0
	for _, c := range d.codes {
		if c.Outcome != OutcomeDeclined {
			continue
		}
		if hostCode(c) != "05" || c.Scheme == SchemeISO {
			return false
		}
		n++
	}
	return n > 0
}

// applyChecks runs the check rows of the table on each check that ran, in
// check order; in a group only the first condition that holds fires.
func (d *diag) applyChecks() {
	for _, id := range CheckOrder {
		ev, ok := d.checks[id]
		if !ok {
			continue
		}
		f := firing{check: id, vars: factVars(ev.Facts)}
		won := map[string]string{} // group → the condition that fired
		for _, r := range d.kb.Rules {
			if r.Check != id {
				continue
			}
			if w, ok := won[r.Group]; ok && r.Group != "" {
				if w == r.cond() {
					d.effect(r, f)
				}
				continue
			}
			if !r.matches(ev) || len(r.HostCode) > 0 && !d.hostSeen(r.HostCode) {
				continue
			}
			if r.Group != "" {
				won[r.Group] = r.cond()
			}
			d.effect(r, f)
		}
	}
}

// silenceTriggers are the facts of a silent terminal and their rules.
var silenceTriggers = []struct {
	fact Fact
	t    Trigger
}{
	{FactCommandNotAccepted, TriggerCommandNotAccepted},
	{FactResultNotHeard, TriggerResultNotHeard},
	{FactRefusedAll, TriggerRefusedAll},
}

// applySilence fires the rules of each silence fact once, from the first
// check that reports it: a silent check could not run (status error), so
// every check counts here, not only those that ran.
func (d *diag) applySilence() {
	for _, st := range silenceTriggers {
		for _, ev := range d.in.Checks {
			if ev.Facts[st.fact] == "true" {
				d.trigger(st.t, firing{check: ev.ID, vars: factVars(ev.Facts)})
				break
			}
		}
	}
}

// hostSeen reports whether a declined code carrying one of the host codes
// was seen.
func (d *diag) hostSeen(hosts []string) bool {
	for _, c := range d.codes {
		if c.Outcome == OutcomeDeclined && slices.Contains(hosts, hostCode(c)) {
			return true
		}
	}
	return false
}

// hostCause is the cause the host's own code names (the first cause of the
// declined host codes seen), and that code; none when no host code was seen
// or two of them name different causes (they contradict each other).
func (d *diag) hostCause() (string, CodeInfo, bool) {
	var id string
	var code CodeInfo
	for _, c := range d.codes {
		if c.Outcome != OutcomeDeclined || hostCode(c) == "" || len(c.Causes) == 0 {
			continue
		}
		switch {
		case id == "":
			id, code = c.Causes[0], c
		case id != c.Causes[0]:
			return "", CodeInfo{}, false
		}
	}
	return id, code, id != ""
}

// keepHostCause keeps the cause the host's code names in the top two: the
// host's code is direct evidence; checks and history are indirect and may
// move it, not drop it (issue 12). A fraud code has its own order.
func (d *diag) keepHostCause() {
	id, code, ok := d.hostCause()
	if !ok || d.fraud {
		return
	}
	c := d.cands[id]
	if c == nil {
		return
	}
	d.protected = id
	rank := d.ranked()
	if len(rank) < 3 || rank[0].ID == id || rank[1].ID == id {
		return
	}
	delta := rank[1].Score - c.score + 1
	d.apply(c, delta, Reason{Text: d.kb.reasonText(ReasonHostCodeDirect, map[string]Text{"code": codeLabel(code)}), Code: codeRef(code)})
}

// factVars are a check's facts as reason placeholders; the card's expiry
// (YYMM) reads MM/YY.
func factVars(facts map[Fact]string) map[string]Text {
	vars := map[string]Text{}
	for k, v := range facts {
		if k == FactCardExpiry && len(v) == 4 {
			v = v[2:] + "/" + v[:2]
		}
		vars[string(k)] = same(v)
	}
	return vars
}

// firing is what a rule that fires carries into its reason: the check or
// code it came from and the placeholder values.
type firing struct {
	check CheckID
	code  *Code
	vars  map[string]Text
}

// trigger fires every rule of t.
func (d *diag) trigger(t Trigger, f firing) {
	for _, r := range d.kb.Rules {
		if r.Trigger == t {
			d.effect(r, f)
		}
	}
}

// effect applies one rule: a cause is raised (added if new) or, with a
// negative weight, lowered only if it is already a candidate; an area rule
// moves every candidate of those areas.
func (d *diag) effect(r Rule, f firing) {
	reason := Reason{Text: d.kb.reasonText(r.Reason, f.vars), Check: f.check, Code: f.code}
	if r.Cause == "" {
		d.byArea(r.Weight, reason, r.Area...)
		return
	}
	if r.Weight >= 0 {
		d.add(r.Cause, -1, r.Weight, reason)
	} else if c, ok := d.cands[r.Cause]; ok {
		d.apply(c, r.Weight, reason)
	}
}

// ranked sorts the candidates: fraud causes first when a fraud code was
// seen, then by score, then by the symptom's order, then by id.
func (d *diag) ranked() []RankedCause {
	cs := d.sorted()
	sort.SliceStable(cs, func(i, j int) bool {
		a, b := cs[i], cs[j]
		if d.fraud && a.info.Fraud != b.info.Fraud {
			return a.info.Fraud
		}
		if a.score != b.score {
			return a.score > b.score
		}
		if a.order != b.order {
			return a.order < b.order
		}
		return a.id < b.id
	})
	out := make([]RankedCause, 0, len(cs))
	for i, c := range cs {
		out = append(out, RankedCause{
			ID: c.id, Title: c.info.Title, Actor: c.info.Actor, Fraud: c.info.Fraud,
			Score: c.score, Likelihood: d.likelihood(i, c, cs[0]), For: c.for_, Against: c.against,
		})
	}
	return out
}

// likelyCauses is how many causes at most read "likely".
const likelyCauses = 3

// likelihood words the rank of c (at i, top first): the top cause and those
// within a third of its score are likely, others with a positive score
// possible, the rest ruled out. Fraud causes are likely when a fraud code
// was seen.
func (d *diag) likelihood(i int, c, top *cand) Likelihood {
	switch {
	case d.fraud && c.info.Fraud, c.id == d.protected && i < 2:
		return LikelihoodLikely
	case c.score <= 0:
		return LikelihoodRuledOut
	case i == 0 || i < likelyCauses && 3*c.score >= 2*top.score:
		return LikelihoodLikely
	}
	return LikelihoodPossible
}

// playbook lists the steps of the ranked causes, each once, under the
// highest-ranked cause that has it; ruled-out steps go last.
func (d *diag) playbook() []PlayStep {
	var todo, out []PlayStep
	seen := map[string]bool{}
	for _, rc := range d.ranked() {
		c := d.cands[rc.ID]
		for _, sid := range c.info.Steps {
			if seen[sid] {
				continue
			}
			seen[sid] = true
			s, _ := d.kb.Step(sid)
			ps := PlayStep{ID: s.ID, Cause: c.id, Text: s.Text, Actor: s.Actor, Verify: s.Verify, Fraud: s.Fraud, State: StepTodo}
			d.stepState(&ps, c)
			if ps.State == StepRuledOut {
				out = append(out, ps)
			} else {
				todo = append(todo, ps)
			}
		}
	}
	return append(todo, out...)
}

// stepState says where a step stands: ruled out with its cause, ruled out
// by the passing check that verifies it, waiting for that check, or to do.
func (d *diag) stepState(ps *PlayStep, c *cand) {
	if ps.Fraud {
		return
	}
	if c.score <= 0 && len(c.against) > 0 {
		ps.State = StepRuledOut
		ps.Why = d.kb.reasonText(ReasonStepCauseUnlikely, map[string]Text{"reason": c.against[0].Text})
		return
	}
	if ps.Verify == "" {
		return
	}
	ev, ok := d.checks[ps.Verify]
	vars := map[string]Text{"check": d.kb.labelText(KindCheck, string(ps.Verify))}
	switch {
	case !ok:
		ps.State = StepNeedsCheck
		ps.Why = d.kb.reasonText(ReasonStepNeedsCheck, vars)
	case ev.Status == StatusOK:
		ps.State = StepRuledOut
		ps.Why = d.kb.reasonText(ReasonStepCheckPassed, vars)
	default:
		vars["status"] = d.kb.labelText(KindStatus, string(ev.Status))
		ps.Why = d.kb.reasonText(ReasonStepCheckReported, vars)
	}
}

// ran reports whether a check produced a result (not skipped, not broken).
func ran(s Status) bool { return s == StatusOK || s == StatusWarn || s == StatusFail }
