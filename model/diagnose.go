package model

import (
	"fmt"
	"sort"
	"strings"
)

// Scores used by the diagnosis rules. The absolute values mean nothing; they
// only order causes. A cause at or below zero is ruled out.
const (
	scoreFirstCause  = 20  // the symptom's first cause; each later one 2 less
	scoreCodeFirst   = 40  // the first cause a code points at; each later one 10 less
	scoreFraud       = 100 // a fraud code: fraud causes go first
	scoreStrong      = 60  // a rule that decides (multi-card keys, expired card)
	scoreFor         = 40  // a check or rule that supports a cause
	scoreSome        = 20  // weaker support
	scoreAgainst     = -40 // a check or rule that speaks against a cause
	scoreSomeAgainst = -20
)

// keyCodes are host codes that mean terminal keys when several cards get
// them (research/codes.md §4).
var keyCodes = map[string]bool{"55": true, "99": true, "A0": true}

// Diagnose ranks the causes of in and builds the playbook. It is
// deterministic: the same input gives the same output, ties broken by the
// symptom's own order and then by id. Every cause carries the reasons for
// and against it.
//
// The rules (research/codes.md §4):
//   - the symptom's causes start in the symptom's order; causes a code
//     points at are added or raised;
//   - 41, 43 and other fraud codes put the fraud causes first, and no check
//     result lowers them;
//   - 55, 99 or A0 on two or more different cards point at the terminal's
//     keys, not the cardholders; 99, A0 and A7 alone already do;
//   - a known-good card that also fails points at the terminal or network,
//     not the card; one that passes clears the terminal;
//   - exactly 05 while other cards pass points at the cardholder/issuer;
//   - the same code for every card, or an acquirer-private code, points at
//     the merchant or terminal being frozen;
//   - check facts raise or lower causes: device_state, status_code,
//     version_below_baseline, software_version, host_reachable,
//     card_expired, card_readable, technology (manual, fallback), host_code,
//     zvt_result, known_good_card.
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
			d.add(id, i, score, Reason{Text: Text{
				Zh: "「" + s.Title.Zh + "」的常见原因",
				En: "a usual cause of \"" + s.Title.En + "\"",
			}})
		}
	}
	d.applyCodes()
	d.applyHistory()
	d.applyChecks()
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
	if len(d.codes) == 0 && d.in.Message != "" {
		if c, ok := d.kb.matchMessage(d.in.Message, ""); ok {
			d.codes = append(d.codes, c)
		}
	}
	for _, c := range d.codes {
		if c.Fix == FixFraud && c.Outcome == OutcomeDeclined {
			d.fraud = true
		}
	}
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
// left alone: no technical evidence changes them.
func (d *diag) byArea(delta int, r Reason, areas ...Area) {
	for _, c := range d.sorted() {
		if c.info.Fraud || !contains(areas, c.info.Area) {
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

func (d *diag) applyCodes() {
	for _, c := range d.codes {
		if c.Outcome != OutcomeDeclined {
			continue
		}
		l := codeLabel(c)
		for j, id := range c.Causes {
			d.add(id, -1, max(scoreCodeFirst-10*j, 10), Reason{
				Text: Text{Zh: l.Zh + "指向这个原因", En: l.En + " points here"},
				Code: codeRef(c),
			})
		}
		if c.Private {
			d.add("merchant_frozen", -1, scoreFor, Reason{
				Text: Text{Zh: l.Zh + "是收单机构私有代码：拒绝来自收单机构，不是发卡行", En: l.En + " is acquirer-private: the acquirer refused, not the issuer"},
				Code: codeRef(c),
			})
			d.byArea(scoreSomeAgainst, Reason{
				Text: Text{Zh: "收单私有代码与持卡人账户无关", En: "an acquirer-private code is not about the cardholder's account"},
				Code: codeRef(c),
			}, AreaCardholder)
		}
		if h := hostCode(c); h == "99" || h == "A0" || h == "A7" {
			d.byArea(scoreSomeAgainst, Reason{
				Text: Text{Zh: l.Zh + "是终端密钥错误，不是持卡人或卡的问题", En: l.En + " is a terminal key error, not the cardholder's or the card's"},
				Code: codeRef(c),
			}, AreaCardholder, AreaCard)
		}
	}
	if d.fraud {
		var fc CodeInfo
		for _, c := range d.codes {
			if c.Fix == FixFraud && c.Outcome == OutcomeDeclined {
				fc = c
				break
			}
		}
		l := codeLabel(fc)
		for _, c := range d.sorted() {
			if c.info.Fraud {
				d.apply(c, scoreFraud, Reason{
					Text: Text{Zh: l.Zh + "是欺诈类代码：不要重试，任何技术检查都不会改变结果", En: l.En + " is a fraud code: do not retry; no technical check changes this"},
					Code: codeRef(fc),
				})
			}
		}
		d.byArea(-10, Reason{
			Text: Text{Zh: "发卡行返回欺诈类代码，先按欺诈流程处理", En: "the issuer answered with a fraud code: handle it as fraud first"},
			Code: codeRef(fc),
		}, allAreas...)
	}
}

// applyHistory runs the multi-card rules on the earlier attempts.
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
	// Known-good cards.
	for _, h := range hist {
		if !h.good {
			continue
		}
		if h.info.Outcome == OutcomeApproved {
			d.knownGoodPassed(nil)
		} else if h.info.Outcome == OutcomeDeclined {
			d.knownGoodFailed(nil, codeRef(h.info))
		}
	}
	// Distinct cards per declined code, and approved cards.
	cardsBy := map[string]map[string]bool{}
	var codeOrder []string
	keyCards := map[string]bool{}
	approved := map[string]bool{}
	for _, h := range hist {
		switch h.info.Outcome {
		case OutcomeApproved:
			approved[h.card] = true
		case OutcomeDeclined:
			k := string(h.info.Scheme) + " " + h.info.Value
			if cardsBy[k] == nil {
				cardsBy[k] = map[string]bool{}
				codeOrder = append(codeOrder, k)
			}
			cardsBy[k][h.card] = true
			if keyCodes[hostCode(h.info)] {
				keyCards[h.card] = true
			}
		}
	}
	if n := len(keyCards); n >= 2 {
		r := Reason{Text: Text{
			Zh: fmt.Sprintf("%d张不同的卡都得到55/99/A0：是终端密钥问题，不是持卡人", n),
			En: fmt.Sprintf("%d different cards got 55/99/A0: the terminal's keys, not the cardholders", n),
		}}
		d.add("terminal_keys", -1, scoreStrong, r)
		d.byArea(scoreAgainst, r, AreaCardholder)
		d.byArea(scoreSomeAgainst, r, AreaCard)
	}
	for _, k := range codeOrder {
		parts := strings.SplitN(k, " ", 2)
		info, _ := d.kb.LookupCode(Scheme(parts[0]), parts[1])
		n := len(cardsBy[k])
		if n < 2 || info.Fix == FixFraud || keyCodes[hostCode(info)] {
			continue
		}
		l := codeLabel(info)
		r := Reason{
			Text: Text{
				Zh: fmt.Sprintf("%d张不同的卡都得到%s：问题在商户、终端或主机，不在某张卡", n, l.Zh),
				En: fmt.Sprintf("%d different cards got %s: the merchant, terminal or host, not one card", n, l.En),
			},
			Code: codeRef(info),
		}
		d.add("merchant_frozen", -1, scoreFor, r)
		d.byArea(scoreSome, r, AreaTerminal, AreaKeys, AreaHost, AreaNetwork)
		d.byArea(-30, r, AreaCardholder, AreaCard)
	}
	// Exactly 05 here while other cards pass: the cardholder/issuer.
	if d.only05() && len(approved) > 0 {
		r := Reason{Text: Text{
			Zh: "其他卡在本终端交易成功，05是发卡行拒绝这位持卡人",
			En: "other cards pass on this terminal: 05 is the issuer refusing this cardholder",
		}}
		d.add("cardholder_verification", -1, scoreFor, r)
		d.byArea(-30, r, AreaTerminal, AreaKeys, AreaNetwork, AreaHost)
	}
}

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

func (d *diag) knownGoodFailed(check *CheckID, code *Code) {
	r := Reason{Text: Text{
		Zh: "一张确认正常的卡在本终端也失败：问题在终端或网络，不在顾客的卡",
		En: "a card known to work also fails here: the terminal or network, not the customer's card",
	}, Code: code}
	if check != nil {
		r.Check = *check
	}
	d.byArea(scoreAgainst, r, AreaCard, AreaCardholder)
	d.byArea(30, r, AreaTerminal, AreaKeys, AreaNetwork, AreaHost, AreaMerchant)
}

func (d *diag) knownGoodPassed(check *CheckID) {
	r := Reason{Text: Text{
		Zh: "一张确认正常的卡在本终端交易成功：终端和网络正常",
		En: "a card known to work passes on this terminal: the terminal and network are fine",
	}}
	if check != nil {
		r.Check = *check
	}
	d.byArea(-30, r, AreaTerminal, AreaKeys, AreaNetwork, AreaHost)
	d.byArea(scoreSome, r, AreaCard, AreaCardholder)
}

// applyChecks turns check results and their facts into evidence.
func (d *diag) applyChecks() {
	for _, id := range CheckOrder {
		ev, ok := d.checks[id]
		if !ok {
			continue
		}
		f := ev.Facts
		chk := id
		r := func(zh, en string) Reason { return Reason{Text: Text{Zh: zh, En: en}, Check: chk} }
		switch id {
		case CheckNetwork:
			switch {
			case f[FactHostReachable] == "false" || ev.Status == StatusFail:
				x := r("网络检查失败：连不上主机", "network check failed: the host cannot be reached")
				d.add("network_unstable", -1, scoreFor, x)
				d.byArea(scoreSome, x, AreaHost)
			case f[FactHostReachable] == "true" || ev.Status == StatusOK:
				x := r("网络检查通过：主机可达", "network check passed: the host is reachable")
				d.byArea(-30, x, AreaNetwork)
				// The acquirer's host answering does not prove the issuer
				// behind it is up, so host causes drop only a little.
				d.byArea(-10, r("网络检查通过：收单主机可达（发卡行仍可能在维护）", "network check passed: the acquirer's host answers (the issuer may still be down)"), AreaHost)
			}
		case CheckStatus:
			switch f[FactDeviceState] {
			case "no_keys":
				x := r("终端报告没有密钥", "the terminal reports no keys")
				d.add("terminal_keys", -1, scoreFor, x)
				d.add("master_key_mismatch", -1, scoreSome, x)
			case "needs_initialisation":
				x := r("终端报告需要初始化", "the terminal reports it needs initialisation")
				d.add("terminal_keys", -1, scoreFor, x)
				d.add("terminal_not_registered", -1, scoreSome, x)
			case "fraud":
				x := r("终端报告安全（防拆）状态：联系收单机构，不要继续使用", "the terminal reports a security (tamper) state: call the acquirer and stop using it")
				d.add("terminal_fault", -1, scoreStrong, x)
			case "ready":
				x := r("终端状态正常（已就绪）", "the terminal reports ready")
				d.byArea(scoreSomeAgainst, x, AreaTerminal)
				d.byArea(-10, r("终端已就绪，但无法证明密钥与主机一致", "the terminal is ready, though that does not prove its keys match the host's"), AreaKeys)
			default:
				if ev.Status == StatusFail {
					d.add("terminal_fault", -1, scoreSome, r("状态检查失败", "status check failed"))
				}
			}
		case CheckVersion:
			switch {
			case f[FactVersionBelowBaseline] == "true" || ev.Status == StatusFail:
				d.add("software_outdated", -1, scoreFor, r("软件版本低于要求："+f[FactSoftwareVersion], "software version below the baseline: "+f[FactSoftwareVersion]))
			case f[FactVersionBelowBaseline] == "false" || ev.Status == StatusOK:
				if c, ok := d.cands["software_outdated"]; ok {
					d.apply(c, scoreAgainst+10, r("软件版本符合要求", "software version meets the baseline"))
				}
			}
		case CheckReader:
			switch f[FactCardExpired] {
			case "true":
				d.add("card_expired", -1, scoreStrong, r("读卡检查：卡片已过期", "reader check: the card has expired"))
			case "false":
				if c, ok := d.cands["card_expired"]; ok {
					d.apply(c, scoreAgainst, r("读卡检查：卡片未过期", "reader check: the card has not expired"))
				}
			}
			switch {
			case f[FactCardReadable] == "false":
				d.add("card_damaged", -1, scoreFor, r("读卡检查：卡片读不出", "reader check: the card cannot be read"))
			case f[FactCardReadable] == "true":
				if c, ok := d.cands["card_damaged"]; ok {
					d.apply(c, -30, r("读卡检查：卡片能正常读取", "reader check: the card reads fine"))
				}
			case ev.Status == StatusFail && f[FactCardExpired] == "":
				d.add("card_damaged", -1, scoreSome, r("读卡检查失败", "reader check failed"))
				d.add("terminal_fault", -1, 10, r("读卡检查失败（也可能是读卡器）", "reader check failed (the reader itself may be at fault)"))
			}
			switch tech := strings.ToLower(f[FactTechnology]); {
			case strings.Contains(tech, "manual") || strings.Contains(tech, "keyed"):
				d.add("card_data_wrong", -1, scoreSome, r("卡号是手工输入的：容易输错", "the card was keyed by hand: easy to get wrong"))
			case strings.Contains(tech, "fallback"):
				d.add("card_damaged", -1, scoreSome, r("芯片读不出，降级为磁条", "the chip could not be read and the terminal fell back to the stripe"))
			}
		case CheckTransaction:
			good := f[FactKnownGoodCard] == "true"
			switch {
			case ev.Status == StatusOK && good:
				d.knownGoodPassed(&chk)
			case ev.Status == StatusOK:
				d.byArea(-30, r("本终端的测试交易成功", "a test transaction on this terminal was approved"), AreaTerminal, AreaKeys, AreaNetwork, AreaHost)
			case good:
				d.knownGoodFailed(&chk, nil)
			}
		}
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
	case d.fraud && c.info.Fraud:
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

func (d *diag) stepState(ps *PlayStep, c *cand) {
	if ps.Fraud {
		return
	}
	if c.score <= 0 && len(c.against) > 0 {
		ps.State = StepRuledOut
		a := c.against[0].Text
		ps.Why = Text{Zh: "原因已基本排除：" + a.Zh, En: "cause unlikely: " + a.En}
		return
	}
	if ps.Verify == "" {
		return
	}
	ev, ok := d.checks[ps.Verify]
	name := string(ps.Verify)
	switch {
	case !ok:
		ps.State = StepNeedsCheck
		ps.Why = Text{Zh: "运行 " + name + " 检查可以确认", En: "run the " + name + " check to confirm"}
	case ev.Status == StatusOK:
		ps.State = StepRuledOut
		ps.Why = Text{Zh: name + " 检查已通过", En: "the " + name + " check passed"}
	default:
		ps.Why = Text{Zh: name + " 检查结果为 " + string(ev.Status), En: "the " + name + " check reported " + string(ev.Status)}
	}
}

// ran reports whether a check produced a result (not skipped, not broken).
func ran(s Status) bool { return s == StatusOK || s == StatusWarn || s == StatusFail }
