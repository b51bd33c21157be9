package model

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Suggestion is a close match offered when a query is not understood.
type Suggestion struct {
	Input  string `json:"input"`            // what to type: a code, a message or a symptom id
	Scheme Scheme `json:"scheme,omitempty"` // the code's table (empty for a symptom)
	Text   Text   `json:"text"`             // what it means
}

// ResolveError is returned by Resolve for input it does not understand. It
// names the closest matches.
type ResolveError struct {
	Query       string
	Scheme      Scheme
	Reason      Text // set when the query has the right shape but is not in the table
	Suggestions []Suggestion
}

// Error says what did not match and lists the closest matches, in English.
func (e *ResolveError) Error() string { return e.In(LangEn) }

// In is Error in l.
func (e *ResolveError) In(l Lang) string {
	zh := l == LangZh
	var b strings.Builder
	switch {
	case zh && e.Reason.Zh != "":
		b.WriteString(e.Reason.Zh)
	case zh:
		fmt.Fprintf(&b, "无法识别 %q：不是已知的代码、提示信息或症状", e.Query)
	case e.Reason.En != "":
		b.WriteString(e.Reason.En)
	default:
		fmt.Fprintf(&b, "no code, message or symptom matches %q", e.Query)
	}
	if len(e.Suggestions) > 0 {
		lead, sep, item := "; closest: ", ", ", "%s (%s)"
		if zh {
			lead, sep, item = "；最接近的：", "、", "%s（%s）"
		}
		b.WriteString(lead)
		for i, s := range e.Suggestions {
			if i > 0 {
				b.WriteString(sep)
			}
			text := s.Text.In(l)
			if s.Scheme != "" && s.Scheme != SchemeUnionPay && s.Scheme != SchemeMessage {
				text = Label(KindScheme, string(s.Scheme), l) + map[bool]string{true: "：", false: ": "}[zh] + text
			}
			fmt.Fprintf(&b, item, s.Input, text)
		}
	}
	return b.String()
}

// Resolve reads what an operator typed into an Input:
//   - a symptom id (auth_failed, lost-card);
//   - a code: two characters for host codes (41, a0), in scheme (UnionPay when
//     empty); ZVT codes in hex with scheme zvt, zvt_status or
//     zvt_intermediate (78, 0x78); 0x78 alone means a ZVT result code;
//   - a message as the terminal shows it (挂失卡, 密码错误, "MAC校验错"),
//     matched exactly first, then by the longest message it contains or that
//     contains it. Code texts of the scheme's table count as messages.
//
// Anything else is a *ResolveError naming the closest matches.
func (kb *KB) Resolve(query string, scheme Scheme) (Input, error) {
	q := strings.TrimSpace(query)
	if q == "" {
		return Input{}, &ResolveError{Query: query, Reason: Text{Zh: "没有要解释的内容：请给出代码、终端提示或症状", En: "nothing to explain: give a code, a message or a symptom id"}, Suggestions: kb.symptomSuggestions()}
	}
	if scheme != "" && !validScheme(scheme) {
		return Input{}, fmt.Errorf("unknown scheme %q: valid values are %s", scheme, strings.Join(schemeNames(), ", "))
	}
	// Symptom id.
	sid := SymptomID(strings.ReplaceAll(strings.ToLower(q), "-", "_"))
	if _, ok := kb.symptoms[sid]; ok {
		return Input{Symptom: sid}, nil
	}
	// Code.
	if scheme == "" && (strings.HasPrefix(q, "0x") || strings.HasPrefix(q, "0X")) {
		scheme = SchemeZVT
	}
	var codeErr error
	if looksLikeCode(scheme, q) {
		cs := scheme
		if cs == "" {
			cs = SchemeUnionPay
		}
		if c, ok := kb.LookupCode(cs, q); ok {
			return Input{Symptom: c.Symptom, Codes: []Code{c.Code()}}, nil
		}
		codeErr = kb.unknownCode(cs, q)
	}
	// A text: what the terminal shows, in any table, or a symptom's title.
	if ms := kb.Find(q, scheme); len(ms) > 0 {
		c := ms[0].Code
		return Input{Symptom: c.Symptom, Codes: []Code{c.Code()}, Message: q}, nil
	}
	if s, ok := kb.matchSymptomTitle(q); ok {
		return Input{Symptom: s, Message: q}, nil
	}
	if codeErr != nil {
		return Input{}, codeErr
	}
	return Input{}, &ResolveError{Query: q, Scheme: scheme, Suggestions: kb.closest(q, scheme)}
}

// looksLikeCode says whether q has the shape of a code in scheme.
func looksLikeCode(s Scheme, q string) bool {
	v := normQueryValue(s, q)
	switch {
	case s.IsZVT():
		_, err := strconv.ParseUint(v, 16, 8)
		return err == nil && len(v) <= 2
	case s == SchemeMessage:
		return false
	default:
		if len(v) != 2 {
			return false
		}
		for _, r := range v {
			if !(r >= '0' && r <= '9' || r >= 'A' && r <= 'Z') {
				return false
			}
		}
		return true
	}
}

func (kb *KB) unknownCode(s Scheme, q string) error {
	v := normQueryValue(s, q)
	e := &ResolveError{Query: q, Scheme: s}
	switch s {
	case SchemeISO:
		e.Reason = Text{Zh: v + " 不是 ISO 8583:1987 应答码", En: v + " is not an ISO 8583:1987 response code"}
		if u, ok := kb.LookupCode(SchemeUnionPay, v); ok {
			e.Reason.Zh += fmt.Sprintf("（银联 %s：%s；请用 --scheme unionpay）", v, u.Display.Zh)
			e.Reason.En += fmt.Sprintf(" (UnionPay %s: %s; try --scheme unionpay)", v, u.Display.En)
		}
	case SchemeZVT, SchemeZVTStatus, SchemeZVTIntermediate:
		table := kb.Label(KindScheme, string(s), LangZh)
		e.Reason = Text{Zh: fmt.Sprintf("0x%s 不在%s表里", v, table),
			En: fmt.Sprintf("0x%s is not in the ZVT %s table", v, map[Scheme]string{SchemeZVT: "result-code", SchemeZVTStatus: "terminal-status", SchemeZVTIntermediate: "intermediate-status"}[s])}
	default:
		e.Reason = Text{Zh: fmt.Sprintf("%s 不是%s应答码", v, kb.Label(KindScheme, string(s), LangZh)), En: fmt.Sprintf("%s is not a %s response code", v, kb.Label(KindScheme, string(s), LangEn))}
	}
	// Closest: codes of the same table with a shared character, in table order.
	for _, c := range kb.Codes {
		if c.Scheme != s || c.Value == v {
			continue
		}
		if c.Value[0] == v[0] || c.Value[1] == v[1] {
			e.Suggestions = append(e.Suggestions, codeSuggestion(c))
		}
	}
	sort.SliceStable(e.Suggestions, func(i, j int) bool {
		return codeDistance(strings.TrimPrefix(e.Suggestions[i].Input, "0x"), v) < codeDistance(strings.TrimPrefix(e.Suggestions[j].Input, "0x"), v)
	})
	if len(e.Suggestions) > 3 {
		e.Suggestions = e.Suggestions[:3]
	}
	if len(e.Suggestions) == 0 {
		e.Suggestions = kb.closest(q, s)
	}
	return e
}

// codeDistance orders two-character codes by closeness: same first
// character first, then by numeric distance.
func codeDistance(a, b string) int {
	d := 0
	if a[0] != b[0] {
		d += 1000
	}
	x, errA := strconv.ParseUint(a, 16, 16)
	y, errB := strconv.ParseUint(b, 16, 16)
	if errA == nil && errB == nil {
		if x > y {
			d += int(x - y)
		} else {
			d += int(y - x)
		}
	}
	return d
}

// matchSymptomTitle finds the symptom whose title best matches q.
func (kb *KB) matchSymptomTitle(q string) (SymptomID, bool) {
	qq := kb.newQuery(q)
	best, bestScore := SymptomID(""), 0
	for _, s := range kb.Symptoms {
		for _, t := range []string{s.Title.Zh, s.Title.En} {
			if sc := kb.matchScore(qq, t); sc > bestScore {
				best, bestScore = s.ID, sc
			}
		}
	}
	return best, bestScore > 0
}

// normText lower-cases, folds full-width ASCII and drops spaces and
// punctuation, so "MAC校验错，请重新签到" matches "mac校验错请重新签到".
func normText(s string) string {
	var b strings.Builder
	for _, r := range s {
		if r >= 0xFF01 && r <= 0xFF5E { // full-width ASCII
			r -= 0xFEE0
		}
		if unicode.IsSpace(r) || unicode.IsPunct(r) || unicode.IsSymbol(r) {
			continue
		}
		b.WriteRune(unicode.ToLower(r))
	}
	return b.String()
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

func (kb *KB) symptomSuggestions() []Suggestion {
	var out []Suggestion
	for _, s := range kb.Symptoms {
		out = append(out, Suggestion{Input: string(s.ID), Text: s.Title})
	}
	return out
}

// closest ranks symptom ids and the codes of every table by similarity to
// q (the scheme s preferred on ties), at most maxSuggestions.
func (kb *KB) closest(q string, s Scheme) []Suggestion {
	type scored struct {
		sug   Suggestion
		sim   float64
		order int
	}
	nq := kb.searchForm(q)
	var all []scored
	add := func(sug Suggestion, order int, keys ...string) {
		best := 0.0
		for _, k := range keys {
			if sim := similarity(nq, kb.searchForm(k)); sim > best {
				best = sim
			}
		}
		all = append(all, scored{sug, best, order})
	}
	for i, sy := range kb.Symptoms {
		add(Suggestion{Input: string(sy.ID), Text: sy.Title}, i, string(sy.ID), sy.Title.Zh, sy.Title.En)
	}
	rank := map[Scheme]int{}
	for i, sc := range findSchemes(s) {
		rank[sc] = i + 1
	}
	for i, c := range kb.Codes {
		if c.Outcome != OutcomeDeclined {
			continue
		}
		add(codeSuggestion(c), rank[c.Scheme]*100000+i, codeKeys(c)...)
	}
	sort.SliceStable(all, func(i, j int) bool {
		if all[i].sim != all[j].sim {
			return all[i].sim > all[j].sim
		}
		return all[i].order < all[j].order
	})
	if len(all) == 0 || all[0].sim == 0 {
		// Nothing alike: offer the symptoms to start from.
		return kb.symptomSuggestions()
	}
	var out []Suggestion
	for _, a := range all {
		if len(out) == maxSuggestions || a.sim < 0.2 {
			break
		}
		out = append(out, a.sug)
	}
	if len(out) == 0 {
		return kb.symptomSuggestions()
	}
	return out
}

// maxSuggestions is how many close matches an unknown query lists.
const maxSuggestions = 5

// codeSuggestion is c as something to type: the text itself for a message,
// 0x78 for a ZVT result code, the value for the others (with Scheme saying
// which table).
func codeSuggestion(c CodeInfo) Suggestion {
	in := c.Value
	if c.Scheme.IsZVT() {
		in = "0x" + c.Value
	}
	return Suggestion{Input: in, Scheme: c.Scheme, Text: c.Display}
}

// similarity is the Dice coefficient on character bigrams (single runes
// for one-rune strings), in [0, 1].
func similarity(a, b string) float64 {
	ga, gb := bigrams(a), bigrams(b)
	if len(ga) == 0 || len(gb) == 0 {
		return 0
	}
	count := map[string]int{}
	for _, g := range ga {
		count[g]++
	}
	common := 0
	for _, g := range gb {
		if count[g] > 0 {
			count[g]--
			common++
		}
	}
	return 2 * float64(common) / float64(len(ga)+len(gb))
}

func bigrams(s string) []string {
	r := []rune(s)
	if len(r) == 1 {
		return []string{s}
	}
	var out []string
	for i := 0; i+1 < len(r); i++ {
		out = append(out, string(r[i:i+2]))
	}
	return out
}
