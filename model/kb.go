package model

import (
	"bytes"
	"embed"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"path"
	"regexp"
	"sort"
	"strings"

	"gopkg.in/yaml.v3"
)

// kbFiles is the knowledge base as shipped: every model/kb/*.yaml file.
//
//go:embed kb/*.yaml
var kbFiles embed.FS

// FixClass says who can clear a code (research/codes.md §2).
type FixClass string

// Fix classes.
const (
	FixOperator   FixClass = "operator"   // the operator can fix it on the spot (sign in, re-read, re-enter)
	FixWait       FixClass = "wait"       // host or network side: wait, then retry
	FixCardholder FixClass = "cardholder" // the cardholder must contact the issuing bank
	FixFraud      FixClass = "fraud"      // fraud handling: do not retry
	FixAcquirer   FixClass = "acquirer"   // terminal or merchant configuration: escalate to the acquirer
)

// Outcome is what a code means for the payment.
type Outcome string

// Outcomes. A declined code maps to a symptom; approved and info codes do not.
const (
	OutcomeDeclined Outcome = "declined"
	OutcomeApproved Outcome = "approved"
	OutcomeInfo     Outcome = "info" // a progress or prompt message, not an error
)

// Area is the part of the payment chain a cause sits in. The diagnosis rules
// work on areas: a known-good card that also fails lowers the card and
// cardholder areas and raises terminal, keys, network and host.
type Area string

// Areas.
const (
	AreaCard       Area = "card"       // the physical card
	AreaCardholder Area = "cardholder" // the cardholder's account at the issuer
	AreaOperator   Area = "operator"   // what the operator did
	AreaTerminal   Area = "terminal"   // terminal hardware and software
	AreaKeys       Area = "keys"       // sign-in, keys, batch
	AreaNetwork    Area = "network"    // the link from terminal to host
	AreaHost       Area = "host"       // bank, switch or acquirer systems
	AreaMerchant   Area = "merchant"   // merchant and terminal setup at the acquirer
	AreaFraud      Area = "fraud"      // lost, stolen, counterfeit
)

// Symptom is one symptom the operator can start from, with its causes in the
// order the diagnosis starts from.
type Symptom struct {
	ID      SymptomID `json:"id" yaml:"id"`
	Title   Text      `json:"title" yaml:"title"`
	Summary Text      `json:"summary" yaml:"summary"`
	Causes  []string  `json:"causes" yaml:"causes"`
	// Facts are the facts that, reported "true" by a check, mean this
	// symptom when nothing else names one (the silence facts).
	Facts   []Fact   `json:"facts,omitempty" yaml:"facts"`
	Sources []Source `json:"sources" yaml:"sources"`
}

// CauseInfo is one cause in the knowledge base.
type CauseInfo struct {
	ID         string   `json:"id" yaml:"id"`
	Title      Text     `json:"title" yaml:"title"`
	Summary    Text     `json:"summary" yaml:"summary"`
	Area       Area     `json:"area" yaml:"area"`
	Actor      Actor    `json:"actor" yaml:"actor"`
	Fraud      bool     `json:"fraud,omitempty" yaml:"fraud"`
	Steps      []string `json:"steps" yaml:"steps"`
	Prevention []string `json:"prevention,omitempty" yaml:"prevention"`
	Sources    []Source `json:"sources" yaml:"sources"`
}

// StepInfo is one remediation step in the knowledge base.
type StepInfo struct {
	ID      string   `json:"id" yaml:"id"`
	Text    Text     `json:"text" yaml:"text"`
	Actor   Actor    `json:"actor" yaml:"actor"`
	Verify  CheckID  `json:"verify,omitempty" yaml:"verify"`
	Fraud   bool     `json:"fraud,omitempty" yaml:"fraud"`
	Sources []Source `json:"sources" yaml:"sources"`
}

// Tip is one prevention tip.
type Tip struct {
	ID      string   `json:"id" yaml:"id"`
	Text    Text     `json:"text" yaml:"text"`
	Actor   Actor    `json:"actor" yaml:"actor"`
	Sources []Source `json:"sources" yaml:"sources"`
}

// CodeInfo is one entry of a code table: a response code, a ZVT code or a
// message a terminal shows.
type CodeInfo struct {
	Scheme Scheme `json:"scheme" yaml:"scheme"`
	Value  string `json:"value" yaml:"value"`
	// Display is the text as terminals show it (for messages: the message
	// itself and its translation).
	Display Text `json:"display" yaml:"display"`
	// Meaning is what the code stands for when it says more than Display.
	Meaning Text      `json:"meaning,omitzero" yaml:"meaning"`
	Outcome Outcome   `json:"outcome" yaml:"outcome"`
	Symptom SymptomID `json:"symptom,omitempty" yaml:"symptom"`
	Causes  []string  `json:"causes,omitempty" yaml:"causes"`
	Fix     FixClass  `json:"fix" yaml:"fix"`
	// Private marks an acquirer-private code, valid only for that acquirer.
	Private bool   `json:"private,omitempty" yaml:"private"`
	Note    Text   `json:"note,omitzero" yaml:"note"`
	Source  Source `json:"source" yaml:"source"`
	// Match lists other spellings of a message.
	Match []string `json:"match,omitempty" yaml:"match"`
	// StandIn marks a ZVT result code the terminal sends in place of a host
	// code it cannot carry (FF for A0, D9, …): when the host code is known,
	// the stand-in is no evidence of its own.
	StandIn bool `json:"stand_in,omitempty" yaml:"stand_in"`
}

// Code returns the entry's Code.
func (c CodeInfo) Code() Code { return Code{Scheme: c.Scheme, Value: c.Value} }

// KB is the whole knowledge base. Treat it as read-only.
type KB struct {
	Symptoms []Symptom   `json:"symptoms"`
	Causes   []CauseInfo `json:"causes"`
	Steps    []StepInfo  `json:"steps"`
	Tips     []Tip       `json:"tips"`
	Codes    []CodeInfo  `json:"codes"`
	// Labels names every value a user reads, by kind; see [Label].
	Labels map[LabelKind]map[string]Text `json:"labels"`
	// Glossary fixes one term per concept; see [Term].
	Glossary []Term `json:"glossary"`
	// Rules are the diagnosis table (kb/rules.yaml); see [Rule].
	Rules []Rule `json:"rules"`
	// Reasons are the texts rules and the engine give; see [ReasonInfo].
	Reasons []ReasonInfo `json:"reasons"`

	symptoms map[SymptomID]int
	causes   map[string]int
	steps    map[string]int
	tips     map[string]int
	codes    map[Scheme]map[string]int
	reasons  map[ReasonID]int
	synonyms *strings.Replacer // search.yaml, for Find
	wordSyn  map[string]string // search.yaml's Latin words, for Find
	keys     [][]query         // the query forms of each code's texts, for Find
}

// kbFile is one YAML file of the knowledge base.
type kbFile struct {
	Defaults struct {
		Scheme Scheme `yaml:"scheme"`
		Source Source `yaml:"source"`
	} `yaml:"defaults"`
	Symptoms []Symptom    `yaml:"symptoms"`
	Causes   []CauseInfo  `yaml:"causes"`
	Steps    []StepInfo   `yaml:"steps"`
	Tips     []Tip        `yaml:"tips"`
	Codes    []rawCode    `yaml:"codes"`
	Labels   labelFile    `yaml:"labels"`
	Glossary []Term       `yaml:"glossary"`
	Reasons  []ReasonInfo `yaml:"reasons"`
	Rules    []Rule       `yaml:"rules"`
	Synonyms [][]string   `yaml:"synonyms"`
}

// rawCode is a code entry as written: values lists several codes sharing one
// entry, same copies the UnionPay entry with the same value.
type rawCode struct {
	CodeInfo `yaml:",inline"`
	Values   []string `yaml:"values"`
	Same     bool     `yaml:"same"`
}

// LoadKB reads every *.yaml file at the top of fsys as one knowledge base and
// validates it. The error names the file and the item at fault.
func LoadKB(fsys fs.FS) (*KB, error) {
	names, err := fs.Glob(fsys, "*.yaml")
	if err != nil {
		return nil, fmt.Errorf("kb: %w", err)
	}
	sort.Strings(names)
	if len(names) == 0 {
		return nil, errors.New("kb: no *.yaml files")
	}
	var files []namedFile
	for _, name := range names {
		data, err := fs.ReadFile(fsys, name)
		if err != nil {
			return nil, fmt.Errorf("kb: %w", err)
		}
		f, err := parseKBFile(name, data)
		if err != nil {
			return nil, err
		}
		files = append(files, namedFile{name, f})
	}
	return buildKB(files)
}

type namedFile struct {
	name string
	f    *kbFile
}

// parseKBFile decodes one file strictly: unknown keys and a second document
// are errors.
func parseKBFile(name string, data []byte) (f *kbFile, err error) {
	defer func() {
		// yaml.v3 is robust, but a loader must never take the program down.
		if r := recover(); r != nil {
			f, err = nil, fmt.Errorf("kb %s: malformed YAML (%v)", name, r)
		}
	}()
	f = new(kbFile)
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(f); err != nil {
		if errors.Is(err, io.EOF) {
			return f, nil
		}
		var le *lineError
		if errors.As(err, &le) {
			return nil, fmt.Errorf("kb %s:%d: %s", name, le.line, le.msg)
		}
		return nil, fmt.Errorf("kb %s: %w", name, err)
	}
	var extra yaml.Node
	if err := dec.Decode(&extra); !errors.Is(err, io.EOF) {
		return nil, fmt.Errorf("kb %s: more than one YAML document", name)
	}
	return f, nil
}

func buildKB(files []namedFile) (*KB, error) {
	kb := &KB{}
	var errs []error
	bad := func(file, format string, a ...any) {
		errs = append(errs, fmt.Errorf("kb %s: %s", file, fmt.Sprintf(format, a...)))
	}
	var codes []pendingCode
	itemFile := map[string]string{} // "kind id" → file, for messages
	for _, nf := range files {
		f := nf.f
		for _, s := range f.Symptoms {
			kb.Symptoms = append(kb.Symptoms, s)
			itemFile["symptom "+string(s.ID)] = nf.name
		}
		for _, c := range f.Causes {
			kb.Causes = append(kb.Causes, c)
			itemFile["cause "+c.ID] = nf.name
		}
		for _, s := range f.Steps {
			kb.Steps = append(kb.Steps, s)
			itemFile["step "+s.ID] = nf.name
		}
		for _, t := range f.Tips {
			kb.Tips = append(kb.Tips, t)
			itemFile["tip "+t.ID] = nf.name
		}
		for _, c := range f.Codes {
			if c.Scheme == "" {
				c.Scheme = f.Defaults.Scheme
			}
			if c.Source == (Source{}) {
				c.Source = f.Defaults.Source
			}
			codes = append(codes, pendingCode{nf.name, c})
		}
	}
	fileOf := func(kind, id string) string {
		if f, ok := itemFile[kind+" "+id]; ok {
			return f
		}
		return "?"
	}

	kb.expandCodes(codes, itemFile, bad)
	kb.index(fileOf, bad)
	kb.validate(fileOf, bad)
	buildLabels(kb, files, bad)
	buildGlossary(kb, files, bad)
	buildRules(kb, files, bad)
	buildSynonyms(kb, files, bad)
	kb.indexKeys()
	if len(errs) > 0 {
		const max = 20
		if len(errs) > max {
			errs = append(errs[:max], fmt.Errorf("kb: and %d more problems", len(errs)-max))
		}
		return nil, errors.Join(errs...)
	}
	return kb, nil
}

// pendingCode is a code entry as written and its file.
type pendingCode struct {
	file string
	c    rawCode
}

// badFunc reports one problem at a file (or file:line).
type badFunc func(file, format string, a ...any)

// expandCodes turns the entries as written into kb.Codes: values expanded,
// same: true filled from UnionPay, defaults applied, intermediate statuses
// mirrored; itemFile learns each code's file.
func (kb *KB) expandCodes(codes []pendingCode, itemFile map[string]string, bad badFunc) {
	// Expand values and normalise code values.
	var expanded []pendingCode
	for _, p := range codes {
		vals := p.c.Values
		if p.c.Value != "" {
			vals = append([]string{p.c.Value}, vals...)
		}
		if len(vals) == 0 {
			bad(p.file, "code without value")
			continue
		}
		for _, v := range vals {
			c := p.c
			c.Values = nil
			c.Value = normCodeValue(c.Scheme, v)
			expanded = append(expanded, pendingCode{p.file, c})
		}
	}
	// same: true copies the UnionPay entry.
	union := map[string]CodeInfo{}
	for _, p := range expanded {
		if p.c.Scheme == SchemeUnionPay && !p.c.Same {
			union[p.c.Value] = p.c.CodeInfo
		}
	}
	for _, p := range expanded {
		c := p.c.CodeInfo
		if p.c.Same {
			u, ok := union[c.Value]
			if !ok {
				bad(p.file, "code %s %s: same: true but no UnionPay entry %s", c.Scheme, c.Value, c.Value)
				continue
			}
			c = fillFrom(c, u)
			if c.Note.Zh == "" && c.Note.En == "" {
				c.Note = Text{Zh: "与银联含义相同。", En: "Same meaning as UnionPay."}
			}
		}
		if c.Scheme == SchemeMessage && c.Display.Zh == "" {
			c.Display.Zh = c.Value
		}
		if c.Outcome == "" {
			c.Outcome = OutcomeDeclined
		}
		kb.Codes = append(kb.Codes, c)
		itemFile["code "+string(c.Scheme)+" "+c.Value] = p.file
	}
	kb.Codes = append(kb.Codes, mirrorIntermediate(kb.Codes)...)

}

// index builds the id and code indexes and reports duplicates.
func (kb *KB) index(fileOf func(kind, id string) string, bad badFunc) {
	// Indexes, with duplicate checks.
	dupID := func(kind, id string) { bad(fileOf(kind, id), "%s %q defined twice", kind, id) }
	kb.symptoms = indexIDs(kb.Symptoms, "symptom", func(s Symptom) SymptomID { return s.ID }, dupID)
	kb.causes = indexIDs(kb.Causes, "cause", func(c CauseInfo) string { return c.ID }, dupID)
	kb.steps = indexIDs(kb.Steps, "step", func(s StepInfo) string { return s.ID }, dupID)
	kb.tips = indexIDs(kb.Tips, "tip", func(t Tip) string { return t.ID }, dupID)
	kb.codes = map[Scheme]map[string]int{}
	for i, c := range kb.Codes {
		m := kb.codes[c.Scheme]
		if m == nil {
			m = map[string]int{}
			kb.codes[c.Scheme] = m
		}
		if _, dup := m[c.Value]; dup {
			bad(fileOf("code", string(c.Scheme)+" "+c.Value), "code %s %s defined twice", c.Scheme, c.Value)
		}
		m[c.Value] = i
	}

}

// validate checks every item's fields and references.
func (kb *KB) validate(fileOf func(kind, id string) string, bad badFunc) {
	// Field checks and references.
	for _, s := range kb.Symptoms {
		file := fileOf("symptom", string(s.ID))
		where := fmt.Sprintf("symptom %q", s.ID)
		checkID(bad, file, where, string(s.ID))
		checkText(bad, file, where+" title", s.Title)
		checkText(bad, file, where+" summary", s.Summary)
		checkSources(bad, file, where, s.Sources)
		if len(s.Causes) == 0 {
			bad(file, "%s has no causes", where)
		}
		checkRefs(bad, file, where, "cause", s.Causes, kb.causes)
		for _, f := range s.Facts {
			if !f.Known() {
				bad(file, "%s: unknown fact %q", where, f)
			}
		}
	}
	for _, c := range kb.Causes {
		file := fileOf("cause", c.ID)
		where := fmt.Sprintf("cause %q", c.ID)
		checkID(bad, file, where, c.ID)
		checkText(bad, file, where+" title", c.Title)
		checkText(bad, file, where+" summary", c.Summary)
		checkSources(bad, file, where, c.Sources)
		if !validArea(c.Area) {
			bad(file, "%s: area %q is not one of %s", where, c.Area, strings.Join(areaNames(), ", "))
		}
		checkActor(bad, file, where, c.Actor)
		if c.Fraud != (c.Area == AreaFraud) {
			bad(file, "%s: fraud: true goes with area: fraud and only with it", where)
		}
		if len(c.Steps) == 0 {
			bad(file, "%s has no steps", where)
		}
		checkRefs(bad, file, where, "step", c.Steps, kb.steps)
		checkRefs(bad, file, where, "prevention tip", c.Prevention, kb.tips)
	}
	kb.validateStepsTips(fileOf, bad)
	kb.validateCodes(fileOf, bad)
}

// validateStepsTips checks steps and prevention tips.
func (kb *KB) validateStepsTips(fileOf func(kind, id string) string, bad badFunc) {
	for _, s := range kb.Steps {
		file := fileOf("step", s.ID)
		where := fmt.Sprintf("step %q", s.ID)
		checkID(bad, file, where, s.ID)
		checkText(bad, file, where+" text", s.Text)
		checkSources(bad, file, where, s.Sources)
		checkActor(bad, file, where, s.Actor)
		if s.Verify != "" && !validCheck(s.Verify) {
			bad(file, "%s: verify %q is not a check id", where, s.Verify)
		}
		if s.Fraud && s.Verify != "" {
			bad(file, "%s: a fraud step cannot be verified by a check", where)
		}
	}
	for _, t := range kb.Tips {
		file := fileOf("tip", t.ID)
		where := fmt.Sprintf("tip %q", t.ID)
		checkID(bad, file, where, t.ID)
		checkText(bad, file, where+" text", t.Text)
		checkSources(bad, file, where, t.Sources)
		checkActor(bad, file, where, t.Actor)
	}
}

// validateCodes checks the code tables: scheme, value, texts, fix class,
// outcome and symptom, and the causes they point at.
func (kb *KB) validateCodes(fileOf func(kind, id string) string, bad badFunc) {
	for _, c := range kb.Codes {
		file := fileOf("code", string(c.Scheme)+" "+c.Value)
		where := fmt.Sprintf("code %s %q", c.Scheme, c.Value)
		if !validScheme(c.Scheme) {
			bad(file, "%s: scheme %q is not one of %s", where, c.Scheme, strings.Join(schemeNames(), ", "))
		}
		if c.Scheme != SchemeMessage && !codeValueRe.MatchString(c.Value) {
			bad(file, "%s: value must be two letters or digits", where)
		}
		checkText(bad, file, where+" display", c.Display)
		if c.StandIn && c.Scheme != SchemeZVT {
			bad(file, "%s: stand_in is for ZVT result codes only", where)
		}
		checkSources(bad, file, where, []Source{c.Source})
		if !validFix(c.Fix) {
			bad(file, "%s: fix %q is not one of %s", where, c.Fix, strings.Join(names(allFixes), ", "))
		}
		switch c.Outcome {
		case OutcomeDeclined:
			if _, ok := kb.symptoms[c.Symptom]; !ok {
				bad(file, "%s: symptom %q is not a known symptom", where, c.Symptom)
			}
			if len(c.Causes) == 0 {
				bad(file, "%s has no causes", where)
			}
		case OutcomeApproved, OutcomeInfo:
			if c.Symptom != "" {
				bad(file, "%s: an %s code has no symptom", where, c.Outcome)
			}
		default:
			bad(file, "%s: outcome %q is not declined, approved or info", where, c.Outcome)
		}
		checkRefs(bad, file, where, "cause", c.Causes, kb.causes)
	}
}

// indexIDs maps the id of each item to its position in items; an id seen
// before is handed to dup (and the later item wins).
func indexIDs[T any, K ~string](items []T, kind string, id func(T) K, dup func(kind, id string)) map[K]int {
	m := map[K]int{}
	for i, it := range items {
		k := id(it)
		if _, seen := m[k]; seen {
			dup(kind, string(k))
		}
		m[k] = i
	}
	return m
}

// fillFrom fills the empty fields of c from u.
func fillFrom(c, u CodeInfo) CodeInfo {
	if c.Display == (Text{}) {
		c.Display = u.Display
	}
	if c.Meaning == (Text{}) {
		c.Meaning = u.Meaning
	}
	if c.Outcome == "" {
		c.Outcome = u.Outcome
	}
	if c.Symptom == "" {
		c.Symptom = u.Symptom
	}
	if c.Causes == nil {
		c.Causes = u.Causes
	}
	if c.Fix == "" {
		c.Fix = u.Fix
	}
	return c
}

// mirrorIntermediate derives ZVT intermediate statuses 41–5D, 66 and 67:
// the same as 01–1D, 26 and 27 plus "please remove card" (research/zvt.md §4.4).
func mirrorIntermediate(codes []CodeInfo) []CodeInfo {
	var out []CodeInfo
	for _, c := range codes {
		if c.Scheme != SchemeZVTIntermediate {
			continue
		}
		var v int
		if _, err := fmt.Sscanf(c.Value, "%02X", &v); err != nil {
			continue
		}
		if !(v >= 0x01 && v <= 0x1D || v == 0x26 || v == 0x27) {
			continue
		}
		m := c
		m.Value = fmt.Sprintf("%02X", v+0x40)
		m.Display = Text{Zh: c.Display.Zh + "，请取卡", En: c.Display.En + ", please remove card"}
		out = append(out, m)
	}
	return out
}

var (
	idRe        = regexp.MustCompile(`^[a-z][a-z0-9_]*$`)
	codeValueRe = regexp.MustCompile(`^[0-9A-Z]{2}$`)
)

// normCodeValue upper-cases codes; messages stay as written.
func normCodeValue(s Scheme, v string) string {
	v = strings.TrimSpace(v)
	if s == SchemeMessage {
		return v
	}
	return strings.ToUpper(v)
}

func checkID(bad func(string, string, ...any), file, where, id string) {
	if !idRe.MatchString(id) {
		bad(file, "%s: id must be lower_snake_case", where)
	}
}

func checkText(bad func(string, string, ...any), file, where string, t Text) {
	if strings.TrimSpace(t.Zh) == "" {
		bad(file, "%s: zh text missing", where)
	}
	if strings.TrimSpace(t.En) == "" {
		bad(file, "%s: en text missing", where)
	}
}

// checkRefs reports each id of kind that index does not hold.
func checkRefs(bad func(string, string, ...any), file, where, kind string, ids []string, index map[string]int) {
	for _, id := range ids {
		if _, ok := index[id]; !ok {
			bad(file, "%s: unknown %s %q", where, kind, id)
		}
	}
}

func checkActor(bad func(string, string, ...any), file, where string, a Actor) {
	if !validActor(a) {
		bad(file, "%s: actor %q is not one of %s", where, a, strings.Join(actorNames(), ", "))
	}
}

func checkSources(bad func(string, string, ...any), file, where string, srcs []Source) {
	if len(srcs) == 0 {
		bad(file, "%s: no source", where)
	}
	for _, s := range srcs {
		if s.File == "" || s.Section == "" {
			bad(file, "%s: source needs file and section", where)
		}
		if path.IsAbs(s.File) || strings.Contains(s.File, "..") {
			bad(file, "%s: source file %q must be a seeds/ file name or research/ path", where, s.File)
		}
	}
}

var (
	allActors  = []Actor{ActorOperator, ActorMerchant, ActorCardholder, ActorAcquirer, ActorFraud}
	allAreas   = []Area{AreaCard, AreaCardholder, AreaOperator, AreaTerminal, AreaKeys, AreaNetwork, AreaHost, AreaMerchant, AreaFraud}
	allSchemes = []Scheme{SchemeUnionPay, SchemeISO, SchemeZVT, SchemeZVTStatus, SchemeZVTIntermediate, SchemeMessage}
	allFixes   = []FixClass{FixOperator, FixWait, FixCardholder, FixFraud, FixAcquirer}
)

func validActor(a Actor) bool { return contains(allActors, a) }
func validArea(a Area) bool   { return contains(allAreas, a) }
func validScheme(s Scheme) bool {
	return contains(allSchemes, s)
}
func validCheck(c CheckID) bool { return contains(CheckOrder, c) }
func validFix(f FixClass) bool  { return contains(allFixes, f) }

func contains[T comparable](list []T, v T) bool {
	for _, x := range list {
		if x == v {
			return true
		}
	}
	return false
}

func actorNames() []string  { return names(allActors) }
func areaNames() []string   { return names(allAreas) }
func schemeNames() []string { return names(allSchemes) }

func names[T ~string](list []T) []string {
	out := make([]string, len(list))
	for i, v := range list {
		out[i] = string(v)
	}
	return out
}
