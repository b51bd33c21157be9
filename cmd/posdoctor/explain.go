package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
	"unicode"

	"github.com/charmbracelet/x/ansi"
	"github.com/spf13/cobra"

	"github.com/posdoctor/posdoctor/model"
)

// Explain output: the width text is wrapped to, and how many causes get
// their reasons and steps printed (the rest are listed by title; --json and
// `posdoctor kb` have everything).
const (
	explainWidth        = 80
	explainDetailCauses = 4
	explainOthers       = 3 // other codes a text matched, named in the header
)

// explainSchemes are the values of --scheme.
var explainSchemes = []string{"unionpay", "iso", "zvt", "zvt_status", "zvt_intermediate"}

// ExplainOptions holds the flags of `posdoctor explain`.
type ExplainOptions struct {
	IO     *IO
	Getenv func(string) string // the locale variables, for the default --lang

	Query  string
	Scheme string
	Lang   string
	JSON   bool
	Detail bool
}

func newExplainCmd(f *factory, runF func(*ExplainOptions) error) *cobra.Command {
	opts := &ExplainOptions{IO: f.IO, Getenv: os.Getenv}
	cmd := &cobra.Command{
		Use:   "explain CODE|MESSAGE|SYMPTOM",
		Short: "Explain a response code, a terminal message or a symptom, with the playbook",
		Long: `Explain what a terminal shows: the symptom, the likely causes and the steps
to take, in order. Works without a terminal, for the helpdesk on the phone.

Accepts a host response code (41, 55, 05, A0; UnionPay unless --scheme iso),
a ZVT code in hex with --scheme zvt (78, 0x78; zvt_status and
zvt_intermediate for the status bytes), any text a terminal shows, in
Chinese or English, or part of one (挂失卡, 卡片已过期, 需要初始化, card expired,
Activation required; near forms too: 卡片过期了, "PIN error"), or a symptom
id: auth_failed, card_error, lost_card, wrong_pin, account_frozen,
comms_failure, sign_in_failure, terminal_silent.

The answer comes first (the code, what the terminal shows, what it means,
who acts, whether to retry), then the steps of the likely causes; the rest
are listed as possible or ruled out. --detail adds the scores and reasons.

Unknown input names the closest matches with their codes and exits 3.`,
		Example: `  posdoctor explain 55
  posdoctor explain 挂失卡 --lang en
  posdoctor explain 0x78 --scheme zvt
  posdoctor explain wrong_pin --json`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Query = strings.Join(args, " ")
			if opts.Scheme != "" && !slices.Contains(explainSchemes, opts.Scheme) {
				return flagErrorf("invalid --scheme %q: valid values are %s", opts.Scheme, strings.Join(explainSchemes, ", "))
			}
			if _, err := resolveLang(opts.Lang, nil); err != nil {
				return err
			}
			if runF != nil {
				return runF(opts)
			}
			return explainRun(opts)
		},
	}
	cmd.Flags().StringVar(&opts.Scheme, "scheme", "", "code table: "+strings.Join(explainSchemes, ", ")+" (default unionpay for two-character host codes)")
	cmd.Flags().StringVar(&opts.Lang, "lang", "", "output language: zh or en (default from LC_ALL, LC_MESSAGES, LANG)")
	cmd.Flags().BoolVar(&opts.JSON, "json", false, "print JSON: the input as read, the code, the diagnosis and prevention tips")
	cmd.Flags().BoolVar(&opts.Detail, "detail", false, "show every cause's score and its reasons for and against, and the steps of all causes")
	return cmd
}

// resolveLang checks --lang, or when it is empty picks the language from the
// locale (LC_ALL, then LC_MESSAGES, then LANG): zh* is Chinese, anything else
// English. A nil getenv reads the process environment.
func resolveLang(flag string, getenv func(string) string) (string, error) {
	switch flag {
	case "zh", "en":
		return flag, nil
	case "":
	default:
		return "", flagErrorf("invalid --lang %q: valid values are zh, en", flag)
	}
	if getenv == nil {
		getenv = os.Getenv
	}
	return string(model.LocaleLang(getenv("LC_ALL"), getenv("LC_MESSAGES"), getenv("LANG"))), nil
}

// explainJSON is the --json document. Field names are the contract.
type explainJSON struct {
	Query      string          `json:"query"`
	Input      model.Input     `json:"input"`
	Code       *model.CodeInfo `json:"code,omitempty"`
	Symptom    *model.Symptom  `json:"symptom,omitempty"`
	Diagnosis  model.Diagnosis `json:"diagnosis"`
	Prevention []model.Tip     `json:"prevention"`
	// Message is the ISO 8583 message the query was, when it was one.
	Message *isoMessageRef `json:"message,omitempty"`
}

func explainRun(opts *ExplainOptions) error {
	l, err := resolveLang(opts.Lang, opts.Getenv)
	if err != nil {
		return err
	}
	lang := model.Lang(l)
	kb := model.Knowledge()
	in, msg, err := resolveISOMessage(opts.Query, opts.Scheme, lang)
	if msg == nil && err == nil {
		in, err = kb.Resolve(opts.Query, model.Scheme(opts.Scheme))
	}
	if err != nil {
		return cantRun(explainError(err, lang))
	}
	d := kb.Diagnose(in)
	var code *model.CodeInfo
	if len(in.Codes) > 0 {
		if c, ok := kb.LookupCode(in.Codes[0].Scheme, in.Codes[0].Value); ok {
			code = &c
		}
	}
	var sym *model.Symptom
	if s, ok := kb.Symptom(d.Symptom); ok {
		sym = &s
	}
	tips := explainTips(kb, d)
	if opts.JSON {
		doc := explainJSON{Query: opts.Query, Input: in, Code: code, Symptom: sym, Diagnosis: d, Prevention: tips, Message: msg}
		if doc.Prevention == nil {
			doc.Prevention = []model.Tip{}
		}
		enc := json.NewEncoder(opts.IO.Out)
		enc.SetIndent("", "  ")
		enc.SetEscapeHTML(false)
		return enc.Encode(doc)
	}
	w := &textWriter{w: opts.IO.Out, width: explainWidth}
	writeISOMessageRef(w, lang, msg)
	writeExplain(w, explainView{l: lang, code: code, sym: sym, d: d, tips: tips, others: otherMatches(kb, in, opts), detail: opts.Detail})
	return w.err
}

// otherMatches are the other codes a typed text matched as well as the one
// explained (at most explainOthers, close in score), none for a code.
func otherMatches(kb *model.KB, in model.Input, opts *ExplainOptions) []model.Match {
	if in.Message == "" || len(in.Codes) == 0 {
		return nil
	}
	ms := kb.Find(opts.Query, model.Scheme(opts.Scheme))
	if len(ms) < 2 {
		return nil
	}
	// Other meanings only: a text the chosen code shows too is the same
	// answer in another table.
	// The intermediate statuses repeat the result codes' words while the
	// card is still in.
	seen := map[string]bool{}
	mark := func(c model.CodeInfo) {
		for _, t := range []model.Text{c.Display, c.Meaning} {
			seen[strings.ToLower(t.En)], seen[t.Zh] = true, true
		}
	}
	isSeen := func(c model.CodeInfo) bool { return seen[strings.ToLower(c.Display.En)] || seen[c.Display.Zh] }
	mark(ms[0].Code)
	var out []model.Match
	for _, m := range ms[1:] {
		if len(out) == explainOthers || m.Score < model.MinGoodMatch {
			break
		}
		c := m.Code
		if isSeen(c) || c.Outcome != model.OutcomeDeclined || c.Scheme == model.SchemeZVTIntermediate {
			continue
		}
		mark(c)
		out = append(out, m)
	}
	return out
}

// explainError words a resolve error for the operator, in their language.
func explainError(err error, lang model.Lang) error {
	var re *model.ResolveError
	if !errors.As(err, &re) {
		return err
	}
	if lang != model.LangZh {
		return re
	}
	return errors.New(re.In(lang))
}

// explainTips are the prevention tips of the causes that are still likely,
// in ranking order, each once.
func explainTips(kb *model.KB, d model.Diagnosis) []model.Tip {
	var out []model.Tip
	seen := map[string]bool{}
	for i, rc := range d.Causes {
		if i >= explainDetailCauses || rc.Score <= 0 {
			break
		}
		c, _ := kb.Cause(rc.ID)
		for _, id := range c.Prevention {
			if seen[id] {
				continue
			}
			seen[id] = true
			if t, ok := kb.Tip(id); ok {
				out = append(out, t)
			}
		}
	}
	return out
}

// Labels in both languages.
var explainLabels = map[string]model.Text{
	"code":       {Zh: "代码", En: "Code"},
	"shows":      {Zh: "终端显示", En: "terminal shows"},
	"meaning":    {Zh: "含义", En: "Meaning"},
	"who":        {Zh: "谁来处理", En: "Who acts"},
	"retry":      {Zh: "能否重试", En: "Retry"},
	"note":       {Zh: "注意", En: "Note"},
	"symptom":    {Zh: "症状", En: "Symptom"},
	"also":       {Zh: "也可能是", En: "Also matches"},
	"top":        {Zh: "先查这些原因，按顺序做", En: "Start here: the likely causes and their steps"},
	"more":       {Zh: "更多原因", En: "More causes"},
	"ruled":      {Zh: "已排除", En: "Ruled out"},
	"ruledsteps": {Zh: "已排除的步骤", En: "Steps ruled out"},
	"prevention": {Zh: "预防", En: "Prevention"},
	"stepwho":    {Zh: "谁来做", En: "who"},
	"check":      {Zh: "复查", En: "check"},
	"score":      {Zh: "得分", En: "score"},
	"nosteps":    {Zh: "其余原因的步骤：`posdoctor explain --detail`、`--json` 或 `posdoctor kb`", En: "Steps of the other causes: `posdoctor explain --detail`, `--json`, or `posdoctor kb`"},
	"approved":   {Zh: "交易成功，无需处理。", En: "Approved: nothing to fix."},
	"info":       {Zh: "提示信息，不是错误。", En: "A progress message, not an error."},
	"private":    {Zh: "收单机构私有代码，只适用于该收单机构", En: "acquirer-private code, valid for that acquirer only"},
	"fraud":      {Zh: "!! 欺诈", En: "!! FRAUD"},
	// Used by the ISO 8583 explanation (iso8583.go).
	"fix":    {Zh: "谁能处理", En: "Who can fix it"},
	"causes": {Zh: "可能原因", En: "Likely causes"},
}

func label(k string, l model.Lang) string { return explainLabels[k].In(l) }

// explainView is what one explain answer shows.
type explainView struct {
	l      model.Lang
	code   *model.CodeInfo
	sym    *model.Symptom
	d      model.Diagnosis
	tips   []model.Tip
	others []model.Match // other codes the text matched
	detail bool          // scores and every reason
}

// writeExplain writes the answer first (the code, what the terminal shows,
// what it means, who acts, whether to retry), then the steps of the likely
// causes, then the other causes folded by likelihood; scores and reasons
// only with detail.
func writeExplain(w *textWriter, v explainView) {
	writeExplainHeader(w, v)
	if len(v.d.Causes) == 0 {
		return
	}
	top := topCauses(v.d)
	w.para("", label("top", v.l))
	n := 0
	for _, c := range v.d.Causes[:top] {
		n++
		writeCause(w, v, fmt.Sprintf("%2d. ", n), c)
		writeSteps(w, v, c.ID)
	}
	var more, ruled []model.RankedCause
	for _, c := range v.d.Causes[top:] {
		if c.Likelihood == model.LikelihoodRuledOut {
			ruled = append(ruled, c)
		} else {
			more = append(more, c)
		}
	}
	for _, sec := range []struct {
		key string
		cs  []model.RankedCause
	}{{"more", more}, {"ruled", ruled}} {
		if len(sec.cs) == 0 {
			continue
		}
		w.blank()
		w.para("", label(sec.key, v.l))
		for _, c := range sec.cs {
			n++
			writeCause(w, v, fmt.Sprintf("%2d. ", n), c)
			if v.detail {
				writeSteps(w, v, c.ID)
			}
		}
	}
	if !v.detail && len(more)+len(ruled) > 0 {
		w.para("  ", label("nosteps", v.l))
	}
	if len(v.tips) > 0 {
		w.blank()
		w.para("", label("prevention", v.l))
		for _, t := range v.tips {
			w.hang("  - ", t.Text.In(v.l))
		}
	}
}

// topCauses is how many causes lead the answer: the likely ones (at least
// one).
func topCauses(d model.Diagnosis) int {
	n := 0
	for n < len(d.Causes) && d.Causes[n].Likelihood == model.LikelihoodLikely {
		n++
	}
	return max(n, 1)
}

// writeExplainHeader is the short answer: one line for the code and what
// the terminal shows, then meaning, who acts and whether to retry.
func writeExplainHeader(w *textWriter, v explainView) {
	l := v.l
	colon, open, closing := punctuation(l)
	if c := v.code; c != nil {
		scheme := model.Label(model.KindScheme, string(c.Scheme), l)
		if c.Scheme == model.SchemeMessage {
			w.para("", upperFirst(scheme)+colon+quote(c.Value, l))
		} else {
			value := c.Value
			if c.Scheme.IsZVT() {
				value = "0x" + value
			}
			shows := label("shows", l) + " " + quote(c.Display.Zh, l)
			if l == model.LangZh {
				shows = label("shows", l) + quote(c.Display.Zh, l)
			}
			w.para("", fmt.Sprintf("%s %s%s%s%s%s%s", label("code", l), value, open, scheme, closing, colon, shows))
		}
		meaning := c.Display.In(l)
		if m := c.Meaning.In(l); m != "" {
			meaning = m
		}
		if l == model.LangEn || meaning != c.Display.Zh {
			w.para("  ", label("meaning", l)+colon+meaning)
		}
		switch c.Outcome {
		case model.OutcomeApproved:
			w.para("  ", label("approved", l))
		case model.OutcomeInfo:
			w.para("  ", label("info", l))
		default:
			w.para("  ", label("who", l)+colon+model.Label(model.KindFixHint, string(c.Fix), l))
			w.para("  ", label("retry", l)+colon+model.Label(model.KindRetry, string(c.Fix), l))
		}
		if c.Private {
			w.para("  ", label("note", l)+colon+label("private", l))
		}
		if c.Note.In(l) != "" {
			w.para("  ", label("note", l)+colon+c.Note.In(l))
		}
		writeOthers(w, v)
		w.blank()
	}
	if s := v.sym; s != nil {
		w.para("", fmt.Sprintf("%s%s%s [%s]", label("symptom", l), colon, s.Title.In(l), s.ID))
		w.para("  ", s.Summary.In(l))
		if v.code == nil && len(v.d.Causes) > 0 {
			w.para("  ", label("who", l)+colon+model.Label(model.KindActor, string(v.d.Causes[0].Actor), l))
		}
		w.blank()
	}
}

// writeOthers names the other codes a text matched, so a reader sees when
// the words fit more than one.
func writeOthers(w *textWriter, v explainView) {
	if len(v.others) == 0 {
		return
	}
	colon, open, closing := punctuation(v.l)
	var parts []string
	for _, m := range v.others {
		c := m.Code
		if c.Scheme == model.SchemeMessage {
			parts = append(parts, quote(c.Value, v.l))
			continue
		}
		value := c.Value
		if c.Scheme.IsZVT() {
			value = "0x" + value
		}
		parts = append(parts, value+open+model.Label(model.KindScheme, string(c.Scheme), v.l)+colon+c.Display.In(v.l)+closing)
	}
	sep := map[model.Lang]string{model.LangZh: "、", model.LangEn: "; "}[v.l]
	w.para("  ", label("also", v.l)+colon+strings.Join(parts, sep))
}

// upperFirst is s with its first letter in upper case (a line's start).
func upperFirst(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// quote is s in the quotation marks of l.
func quote(s string, l model.Lang) string {
	if l == model.LangZh {
		return "「" + s + "」"
	}
	return "\"" + s + "\""
}

// writeCause is one line for a ranked cause: its title, how likely it is
// and who acts; with detail, its score and reasons, and for a cause ruled
// out the reason against it.
func writeCause(w *textWriter, v explainView, num string, c model.RankedCause) {
	l := v.l
	title := c.Title.In(l)
	if c.Fraud {
		title = label("fraud", l) + " " + title
	}
	line := "[" + model.Label(model.KindLikelihood, string(c.Likelihood), l) + "] " + title + " · " + model.Label(model.KindActor, string(c.Actor), l)
	if v.detail {
		line += fmt.Sprintf(" · %s %d", label("score", l), c.Score)
	}
	w.hang("  "+num, line)
	pad := "  " + strings.Repeat(" ", len(num))
	switch {
	case v.detail:
		for _, r := range c.For {
			w.hang(pad+"+ ", r.Text.In(l))
		}
		for _, r := range c.Against {
			w.hang(pad+"- ", r.Text.In(l))
		}
	case c.Likelihood == model.LikelihoodRuledOut && len(c.Against) > 0:
		w.hang(pad+"- ", c.Against[0].Text.In(l))
	}
}

// writeSteps writes the playbook steps of cause id (ruled-out ones last).
func writeSteps(w *textWriter, v explainView, id string) {
	var todo, ruled []model.PlayStep
	for _, s := range v.d.Playbook {
		if s.Cause != id {
			continue
		}
		if s.State == model.StepRuledOut {
			ruled = append(ruled, s)
		} else {
			todo = append(todo, s)
		}
	}
	for i, s := range todo {
		writeStep(w, v.l, fmt.Sprintf("      %d) ", i+1), s)
	}
	if len(ruled) > 0 {
		w.para("      ", label("ruledsteps", v.l))
		for _, s := range ruled {
			writeStep(w, v.l, "      - ", s)
		}
	}
}

// punctuation is the colon and the brackets of l: full width in Chinese.
func punctuation(l model.Lang) (colon, open, closing string) {
	if l == model.LangZh {
		return "：", "（", "）"
	}
	return ": ", " (", ")"
}

// writeStep writes one step and the line under it: who, the check that
// confirms it, and its state with the reason.
func writeStep(w *textWriter, l model.Lang, num string, s model.PlayStep) {
	text := s.Text.In(l)
	if s.Fraud {
		text = label("fraud", l) + " " + text
	}
	w.hang(num, text)
	colon, open, closing := punctuation(l)
	meta := label("stepwho", l) + colon + model.Label(model.KindActor, string(s.Actor), l)
	if s.Verify != "" {
		meta += " · " + label("check", l) + colon + model.Label(model.KindCheck, string(s.Verify), l)
	}
	if s.State != model.StepTodo {
		meta += " · " + model.Label(model.KindStepState, string(s.State), l)
	}
	if s.Why.En != "" {
		meta += open + s.Why.In(l) + closing
	}
	w.hang(strings.Repeat(" ", ansi.StringWidth(num)+2), meta)
}

// textWriter writes wrapped paragraphs, measuring display width so CJK
// (two columns a character) wraps correctly.
type textWriter struct {
	w     io.Writer
	width int
	err   error
}

func (t *textWriter) line(s string) {
	if t.err != nil {
		return
	}
	_, t.err = io.WriteString(t.w, strings.TrimRight(s, " ")+"\n")
}

func (t *textWriter) blank() { t.line("") }

// para writes s wrapped with every line indented by indent.
func (t *textWriter) para(indent, s string) { t.hang(indent, s) }

// hang writes s wrapped after first; later lines are indented by the width
// of first.
func (t *textWriter) hang(first, s string) {
	pad := strings.Repeat(" ", ansi.StringWidth(first))
	for i, ln := range wrapText(s, t.width-ansi.StringWidth(first)) {
		if i == 0 {
			t.line(first + ln)
		} else {
			t.line(pad + ln)
		}
	}
}

// wrapText breaks s into lines of at most width display columns. It breaks
// at spaces between words and between any two wide (CJK) characters, keeps
// closing punctuation off the start of a line, and hard-breaks a word that is
// longer than a line.
func wrapText(s string, width int) []string {
	if width < 4 {
		width = 4 // room for a wide character and its punctuation
	}
	type tok struct {
		s     string
		space bool // a space comes before it
	}
	var toks []tok
	space := false
	for _, r := range s {
		if r == ' ' || r == '\t' || r == '\n' {
			space = true
			continue
		}
		join := false
		if len(toks) > 0 && !space {
			last := lastRune(toks[len(toks)-1].s)
			switch {
			case isWide(r):
				join = noLineStart(r) || noLineEnd(last)
			default:
				join = !isWide(last) || noLineEnd(last) || strings.ContainsRune(",.;:!?)]}%", r)
			}
		}
		if join {
			toks[len(toks)-1].s += string(r)
		} else {
			toks = append(toks, tok{string(r), space})
		}
		space = false
	}

	var lines []string
	var cur strings.Builder
	curW := 0
	for _, t := range toks {
		tw := ansi.StringWidth(t.s)
		sep := 0
		if t.space && curW > 0 {
			sep = 1
		}
		if curW > 0 && curW+sep+tw > width {
			lines = append(lines, cur.String())
			cur.Reset()
			curW, sep = 0, 0
		}
		for curW+sep+tw > width { // a word longer than a line
			head, rest := cutWidth(t.s, width-curW-sep)
			if sep == 1 {
				cur.WriteByte(' ')
			}
			cur.WriteString(head)
			lines = append(lines, cur.String())
			cur.Reset()
			curW, sep = 0, 0
			t.s, tw = rest, ansi.StringWidth(rest)
		}
		if sep == 1 {
			cur.WriteByte(' ')
		}
		cur.WriteString(t.s)
		curW += sep + tw
	}
	if cur.Len() > 0 || len(lines) == 0 {
		lines = append(lines, cur.String())
	}
	return lines
}

func lastRune(s string) rune {
	r := []rune(s)
	return r[len(r)-1]
}

// cutWidth splits s after at most w display columns (at least one rune).
func cutWidth(s string, w int) (string, string) {
	n := 0
	for i, r := range s {
		rw := ansi.StringWidth(string(r))
		if n+rw > w && i > 0 {
			return s[:i], s[i:]
		}
		n += rw
	}
	return s, ""
}

func isWide(r rune) bool {
	return r >= 0x1100 && (unicode.Is(unicode.Han, r) || ansi.StringWidth(string(r)) == 2)
}

// noLineStart is CJK punctuation that must not begin a line.
func noLineStart(r rune) bool {
	return strings.ContainsRune("，。、；：！？）」』】》〉”’…", r)
}

// noLineEnd is CJK punctuation that must not end a line.
func noLineEnd(r rune) bool { return strings.ContainsRune("（「『【《〈“‘", r) }
