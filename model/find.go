package model

import (
	"slices"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Match is one code whose text matched what a user typed, best first.
type Match struct {
	Code  CodeInfo `json:"code"`
	Score int      `json:"score"` // only orders matches
	// Exact is true when the text is the query in its normal form (case,
	// spaces, punctuation, full width, 的/了 and the synonyms of
	// kb/search.yaml set aside).
	Exact bool `json:"exact"`
}

// Match scores.
const (
	scoreExact     = 10000 // same normal form
	scoreSameWords = 9000  // the same words, in any order
	scoreInQuery   = 5000  // the text is inside the query (+10 a rune)
	scoreInText    = 1000  // the query is inside the text (+ how much of it)
	scoreWords     = 3000  // every word of the query is in the text (+ how much of it)
	scoreWordsIn   = 2000  // every word of the text is in the query (+ how much of it)
)

// MinGoodMatch is the score from which a match is worth naming beside the
// best one: every word of the query in the text, or better.
const MinGoodMatch = scoreWords

// findSchemes is the order tables are preferred in when two texts match
// equally: the scheme asked for, then messages, then UnionPay, ZVT, and ISO
// last (its texts mostly repeat UnionPay's).
func findSchemes(s Scheme) []Scheme {
	order := []Scheme{SchemeMessage, SchemeUnionPay, SchemeZVT, SchemeZVTStatus, SchemeZVTIntermediate, SchemeISO}
	if s == "" || s == SchemeMessage {
		return order
	}
	return append([]Scheme{s}, slices.DeleteFunc(order, func(x Scheme) bool { return x == s })...)
}

// Find lists the codes whose texts match q, best first: every display text
// of every table in zh and en, the other spellings of match, a message's own
// words. Near forms match too (case, spaces, punctuation, full-width
// letters, a missing or extra 的 or 了, the synonyms of kb/search.yaml such
// as error / incorrect / wrong, 错误 / 错, 通讯 / 通信). The scheme s, when
// given, is preferred on ties.
func (kb *KB) Find(q string, s Scheme) []Match {
	qq := kb.newQuery(q)
	if qq.norm == "" {
		return nil
	}
	rank := map[Scheme]int{}
	for i, sc := range findSchemes(s) {
		rank[sc] = i
	}
	type scored struct {
		m     Match
		order int
	}
	var all []scored
	for i, c := range kb.Codes {
		best := 0
		for _, k := range kb.keys[i] {
			if sc := qq.score(k); sc > best {
				best = sc
			}
		}
		if best == 0 {
			continue
		}
		all = append(all, scored{Match{Code: c, Score: best, Exact: best >= scoreExact}, rank[c.Scheme]*100000 + i})
	}
	sort.Slice(all, func(i, j int) bool {
		if all[i].m.Score != all[j].m.Score {
			return all[i].m.Score > all[j].m.Score
		}
		return all[i].order < all[j].order
	})
	out := make([]Match, len(all))
	for i, a := range all {
		out[i] = a.m
	}
	return out
}

// codeKeys are the texts a code is found by.
func codeKeys(c CodeInfo) []string {
	keys := []string{c.Display.Zh, c.Display.En}
	if c.Scheme == SchemeMessage {
		keys = append(keys, c.Value)
	}
	return append(keys, c.Match...)
}

// query is what a user typed, in the forms matching compares.
type query struct {
	raw   string   // normText only
	norm  string   // searchForm
	words []string // searchWords
}

func (kb *KB) newQuery(q string) query {
	return query{raw: normText(q), norm: kb.searchForm(q), words: kb.searchWords(q)}
}

// matchScore rates text against q; see [query.score].
func (kb *KB) matchScore(q query, text string) int { return q.score(kb.newQuery(text)) }

// score rates a text (in its query forms) against q: 0 no match; see the
// score constants for the rest.
func (q query) score(t query) int {
	nq, qw := q.norm, q.words
	nt, tw := t.norm, t.words
	if nq == "" || nt == "" {
		return 0
	}
	if nq == nt {
		if t.raw == q.raw {
			return scoreExact + 1 // the very words, not only a near form
		}
		return scoreExact
	}
	if len(qw) > 0 && sameSet(qw, tw) {
		return scoreSameWords
	}
	if isASCII(q.raw) && isASCII(t.raw) {
		return wordScore(qw, tw)
	}
	ql, tl := utf8.RuneCountInString(nq), utf8.RuneCountInString(nt)
	if tl >= 2 && strings.Contains(nq, nt) {
		return scoreInQuery + tl*10
	}
	if ql >= 2 && strings.Contains(nt, nq) {
		return scoreInText + ql*1000/tl
	}
	return 0
}

// wordScore rates Latin texts by their words: every query word in the text
// (the more of the text they cover, the better), else every text word in
// the query.
func wordScore(qw, tw []string) int {
	switch {
	case len(qw) == 0 || len(tw) == 0:
		return 0
	case subset(qw, tw):
		return scoreWords + 1000*len(qw)/len(tw)
	case subset(tw, qw):
		return scoreWordsIn + 1000*len(tw)/len(qw)
	}
	return 0
}

// searchForm is s as matching compares it: normText, then 的 and 了
// dropped, then every synonym replaced by the first word of its group.
func (kb *KB) searchForm(s string) string {
	n := normText(s)
	n = strings.NewReplacer("的", "", "了", "").Replace(n)
	if kb.synonyms != nil {
		n = kb.synonyms.Replace(n)
	}
	return n
}

// searchWords are the Latin words of s, lower case, without a plural s,
// each replaced by the first word of its synonym group, without filler
// words ("please", "the").
func (kb *KB) searchWords(s string) []string {
	var out []string
	for _, w := range strings.FieldsFunc(strings.ToLower(foldWidth(s)), func(r rune) bool {
		return !(r < utf8.RuneSelf && (unicode.IsLetter(r) || unicode.IsDigit(r)))
	}) {
		if len(w) > 3 && strings.HasSuffix(w, "s") && !strings.HasSuffix(w, "ss") {
			w = strings.TrimSuffix(w, "s")
		}
		if c, ok := kb.wordSyn[w]; ok {
			w = c
		}
		if !fillerWords[w] && !slices.Contains(out, w) {
			out = append(out, w)
		}
	}
	return out
}

var fillerWords = map[string]bool{"please": true, "the": true, "a": true, "an": true, "is": true, "was": true, "has": true, "been": true}

// foldWidth turns full-width ASCII into ASCII.
func foldWidth(s string) string {
	return strings.Map(func(r rune) rune {
		if r >= 0xFF01 && r <= 0xFF5E {
			return r - 0xFEE0
		}
		if r == 0x3000 {
			return ' '
		}
		return r
	}, s)
}

func sameSet(a, b []string) bool { return len(a) == len(b) && subset(a, b) }

func subset(a, b []string) bool {
	for _, x := range a {
		if !slices.Contains(b, x) {
			return false
		}
	}
	return true
}

// buildSynonyms turns the synonym groups into the replacer of searchForm
// (longest words first, so 错误 is read before 错) and the word map of
// searchWords.
func buildSynonyms(kb *KB, files []namedFile, bad func(string, string, ...any)) {
	type pair struct{ from, to string }
	var pairs []pair
	kb.wordSyn = map[string]string{}
	seen := map[string]bool{}
	for _, nf := range files {
		for _, g := range nf.f.Synonyms {
			if len(g) < 2 {
				bad(nf.name, "synonyms: group %v needs at least two words", g)
				continue
			}
			to := normText(g[0])
			for _, w := range g {
				n := normText(w)
				if n == "" || seen[n] {
					bad(nf.name, "synonyms: %q is empty or in two groups", w)
					continue
				}
				seen[n] = true
				// ASCII words meet ASCII words in searchWords; the
				// replacer would also hit them inside longer words.
				if n != to && !(isASCII(n) && isASCII(to)) {
					pairs = append(pairs, pair{n, to})
				}
				if isASCII(n) {
					kb.wordSyn[n] = to
				}
			}
		}
	}
	sort.SliceStable(pairs, func(i, j int) bool { return len(pairs[i].from) > len(pairs[j].from) })
	var args []string
	for _, p := range pairs {
		args = append(args, p.from, p.to)
	}
	kb.synonyms = strings.NewReplacer(args...)
}

// indexKeys computes the query forms of every code's texts once, at load.
func (kb *KB) indexKeys() {
	kb.keys = make([][]query, len(kb.Codes))
	for i, c := range kb.Codes {
		for _, k := range codeKeys(c) {
			kb.keys[i] = append(kb.keys[i], kb.newQuery(k))
		}
	}
}
