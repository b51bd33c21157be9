package ui

import (
	"fmt"
	"regexp"
	"slices"
	"strings"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/posdoctor/posdoctor/checks"
	"github.com/posdoctor/posdoctor/model"
)

// diagnosisScreen lists the ranked causes with the evidence for and against.
type diagnosisScreen struct {
	m       *Model
	w, h    int
	cursor  int
	details bool // scores are shown
}

func newDiagnosis(m *Model) *diagnosisScreen { return &diagnosisScreen{m: m} }

func (d *diagnosisScreen) SetSize(w, h int) { d.w, d.h = w, h }
func (d *diagnosisScreen) Title() string    { return d.m.T("diag.title") }
func (d *diagnosisScreen) Capturing() bool  { return false }

func (d *diagnosisScreen) reconcile() {
	if d.cursor >= len(d.m.diagnosis.Causes) {
		d.cursor = max(0, len(d.m.diagnosis.Causes)-1)
	}
}

type diagKeys struct{ Up, Down, Steps, Dash, Details, Lookup, Export, Back key.Binding }

func (d *diagnosisScreen) keys() diagKeys {
	m := d.m
	return diagKeys{
		Up:      m.bind("up/k", "key.up", "up", "k"),
		Down:    m.bind("down/j", "key.down", "down", "j"),
		Steps:   m.bind("enter", "key.steps", "enter", "w"),
		Dash:    m.bind("c", "key.checks", "c"),
		Details: m.bind("i", "key.details", "i"),
		Lookup:  m.bind("/", "key.lookup2", "/"),
		Export:  m.bind("e", "key.export", "e"),
		Back:    m.bind("esc", "key.back", "esc"),
	}
}

func (d *diagnosisScreen) ShortHelp() []key.Binding {
	k := d.keys()
	return []key.Binding{k.Steps, k.Up, k.Down, k.Dash, k.Details, k.Lookup, k.Export, k.Back}
}

func (d *diagnosisScreen) FullHelp() [][]key.Binding {
	k := d.keys()
	return [][]key.Binding{{k.Up, k.Down, k.Steps}, {k.Dash, k.Details, k.Lookup}, {k.Export, k.Back}}
}

func (d *diagnosisScreen) Update(msg tea.Msg) tea.Cmd {
	km, ok := msg.(tea.KeyPressMsg)
	if !ok {
		return nil
	}
	k := d.keys()
	m := d.m
	n := len(m.diagnosis.Causes)
	switch {
	case key.Matches(km, k.Up) && n > 0:
		d.cursor = (d.cursor - 1 + n) % n
	case key.Matches(km, k.Down) && n > 0:
		d.cursor = (d.cursor + 1) % n
	case key.Matches(km, k.Steps):
		if n > 0 {
			m.wiz.jumpToCause(m.diagnosis.Causes[d.cursor].ID)
		} else {
			m.wiz.first()
		}
		m.show(scrWizard)
	case key.Matches(km, k.Dash):
		m.showChecks()
	case key.Matches(km, k.Details):
		d.details = !d.details
	case key.Matches(km, k.Lookup):
		return m.lookup()
	case key.Matches(km, k.Export):
		m.overlay = ovExport
	case key.Matches(km, k.Back):
		m.back()
	}
	return nil
}

func (d *diagnosisScreen) View() string {
	m, th := d.m, d.m.th
	dg := m.diagnosis
	var b strings.Builder
	what := m.subject()
	b.WriteString(th.Title.Render(cut(m.F("diag.heading", what), d.w-2)) + "\n")
	b.WriteString(th.Muted.Render(cut(m.F("diag.evidence", len(m.results)), d.w-2)) + "\n\n")
	if len(dg.Causes) == 0 {
		b.WriteString("  " + th.Muted.Render(cut(m.T("diag.none"), d.w-4)) + "\n")
		return indent(b.String(), 1)
	}
	budget := d.h - 5
	start := 0
	if d.cursor > budget-6 {
		start = d.cursor - (budget - 6)
	}
	for i, c := range dg.Causes {
		if i < start {
			continue
		}
		if budget <= 0 {
			break
		}
		tag := ""
		if c.Fraud {
			tag = th.Fraud.Render(m.T("tag.fraud")) + " "
		}
		head := fmt.Sprintf("%d. ", i+1) + m.F("lk.line", model.Label(model.KindLikelihood, string(likelihoodOf(c, m.topScore())), m.lang), c.Title.In(m.lang), m.actor(c.Actor))
		if d.details {
			head += "  " + m.F("answer.score", c.Score)
		}
		head = cut(head, d.w-6-ansi.StringWidth(tag))
		b.WriteString(m.row(head, i == d.cursor) + " " + tag + "\n")
		budget--
		if i == d.cursor || d.h > 30 {
			for _, r := range c.For {
				if budget <= 1 {
					break
				}
				b.WriteString("      " + th.OK.Render("+") + " " + cut(r.Text.In(m.lang)+m.checkRef(r), d.w-10) + "\n")
				budget--
			}
			for _, r := range c.Against {
				if budget <= 1 {
					break
				}
				b.WriteString("      " + th.Fail.Render("-") + " " + cut(r.Text.In(m.lang)+m.checkRef(r), d.w-10) + "\n")
				budget--
			}
		}
	}
	return indent(b.String(), 1)
}

// checkRef names where a reason comes from: a check or a code.
func (m *Model) checkRef(r model.Reason) string {
	if r.Check != "" {
		return m.F("diag.ref", m.checkName(r.Check))
	}
	if r.Code != nil {
		return m.F("diag.ref", model.Label(model.KindScheme, string(r.Code.Scheme), m.lang)+" "+r.Code.Value)
	}
	return ""
}

// subject names what is being diagnosed: the symptom, code or message.
func (m *Model) subject() string {
	in := m.input
	if in.Symptom == "" && len(in.Codes) == 0 && in.Message == "" {
		in.Symptom = m.diagnosis.Symptom // what the checks' codes point to
	}
	if in.Symptom != "" {
		if b := m.opts.Backend; b != nil {
			for _, s := range b.Symptoms() {
				if s.ID == in.Symptom {
					return s.Title.In(m.lang)
				}
			}
		}
		return string(in.Symptom)
	}
	if len(in.Codes) > 0 {
		return string(in.Codes[0].Scheme) + " " + in.Codes[0].Value
	}
	if in.Message != "" {
		return in.Message
	}
	return m.T("diag.fromchecks")
}

// actor is who acts, in the knowledge base's words.
func (m *Model) actor(a model.Actor) string {
	if a == "" {
		return "-"
	}
	return model.Label(model.KindActor, string(a), m.lang)
}

// stepMark is what the operator did with a step.
type stepMark struct {
	mark   string // done, skipped, no_help
	note   string
	verify model.Status
}

// wizard walks the playbook one step at a time.
// The place, the marks and the notes are the case's (wizState, shared by
// every view); the note field being typed in is this view's.
type wizard struct {
	m *Model
	*wizState
	w, h int
	note textinput.Model // focused while the operator types a note
	// skipping: the note being typed is the reason for skipping a fraud
	// step; enter saves it and skips the step.
	skipping bool
}

// wizState is the wizard's part of the shared case.
type wizState struct {
	idx    int
	curID  string
	marks  map[string]*stepMark
	kept   []model.PlayStep
	causes map[string]model.Text // titles of every cause seen, for kept steps
	// before is each step's verifying check as it was before the step's
	// verification ran; fixed marks the steps whose fix the console ran.
	before map[string]checks.Result
	fixed  map[string]bool
	// diagBefore is the diagnosis when the last verification started: what
	// was wrong, once a passing check leaves no cause.
	diagBefore model.Diagnosis
	// draft is the note the driver is typing, for the viewers' screens.
	draft string
}

func newWizState() *wizState {
	return &wizState{marks: map[string]*stepMark{}, before: map[string]checks.Result{}, fixed: map[string]bool{}}
}

func newWizard(m *Model) *wizard {
	z := &wizard{m: m, wizState: m.Case.steps}
	z.note = newField("", 300)
	z.restyle()
	return z
}

func (z *wizard) restyle() { z.m.restyleField(&z.note) }

func (z *wizard) SetSize(w, h int) {
	z.w, z.h = w, h
	z.note.SetWidth(max(20, w-20))
}
func (z *wizard) Title() string   { return z.m.T("wiz.title") }
func (z *wizard) Capturing() bool { return z.note.Focused() }

// steps is the playbook of the case (see reconcile). When new evidence
// leaves no cause (the fix worked and every check passes), the last
// playbook stays on screen so the operator sees the outcome of the step
// they were on.
func (z *wizard) steps() []model.PlayStep { return z.kept }

func (z *wizard) resolved() bool { return len(z.m.diagnosis.Playbook) == 0 && len(z.kept) > 0 }

func (z *wizard) step() (model.PlayStep, bool) {
	st := z.steps()
	if z.idx < 0 || z.idx >= len(st) {
		return model.PlayStep{}, false
	}
	return st[z.idx], true
}

func (z *wizard) mark(id string) *stepMark {
	if z.marks[id] == nil {
		z.marks[id] = &stepMark{}
	}
	return z.marks[id]
}

func (z *wizard) setIdx(i int) {
	st := z.steps()
	z.idx = max(0, min(i, len(st)-1))
	if s, ok := z.step(); ok {
		z.curID = s.ID
	}
}

// first goes to the first step not ruled out by the evidence.
func (z *wizard) first() {
	for i, s := range z.steps() {
		if s.State != model.StepRuledOut {
			z.setIdx(i)
			return
		}
	}
	z.setIdx(0)
}

func (z *wizard) jumpToCause(cause string) {
	for i, s := range z.steps() {
		if s.Cause == cause && s.State != model.StepRuledOut {
			z.setIdx(i)
			return
		}
	}
	for i, s := range z.steps() {
		if s.Cause == cause {
			z.setIdx(i)
			return
		}
	}
	z.first()
}

// reset starts a new case: no steps, marks or outcome from the last one.
func (z *wizard) reset() {
	z.kept, z.marks, z.before, z.fixed = nil, map[string]*stepMark{}, map[string]checks.Result{}, map[string]bool{}
	z.idx, z.curID, z.skipping = 0, "", false
	z.m.solved = nil
}

// reconcile folds a re-ranked playbook into the one on screen, so the
// operator keeps their place: until a step is marked the new ranking is
// taken as it is; after that the steps keep their order, their states
// follow the new evidence, a step the new ranking dropped stays (ruled
// out) and new steps go at the end.
func (z *wizard) reconcile() {
	if z.causes == nil {
		z.causes = map[string]model.Text{}
	}
	for _, c := range z.m.diagnosis.Causes {
		z.causes[c.ID] = c.Title
	}
	pb := z.m.diagnosis.Playbook
	switch {
	case len(pb) == 0:
		// no cause left: the last playbook stays on screen
		for i := range z.kept {
			z.kept[i].State = model.StepRuledOut
		}
	case len(z.records()) == 0:
		z.kept = slices.Clone(pb)
	default:
		z.kept = foldPlaybook(z.kept, pb)
	}
	for i, s := range z.steps() {
		if s.ID == z.curID {
			z.idx = i
			return
		}
	}
	z.first()
}

// foldPlaybook is kept with the states of next, next's new steps at the end.
func foldPlaybook(kept, next []model.PlayStep) []model.PlayStep {
	byID := map[string]model.PlayStep{}
	for _, s := range next {
		byID[s.ID] = s
	}
	out := slices.Clone(kept)
	seen := map[string]bool{}
	for i, s := range out {
		seen[s.ID] = true
		if n, ok := byID[s.ID]; ok {
			out[i].State = n.State
		} else {
			out[i].State = model.StepRuledOut
		}
	}
	for _, s := range next {
		if !seen[s.ID] {
			out = append(out, s)
		}
	}
	return out
}

func (z *wizard) records() []StepRecord {
	var out []StepRecord
	for _, s := range z.steps() {
		if mk := z.marks[s.ID]; mk != nil && (mk.mark != "" || mk.note != "" || mk.verify != "") {
			out = append(out, StepRecord{ID: s.ID, Mark: mk.mark, Note: mk.note, Verify: mk.verify})
		}
	}
	return out
}

// fixPattern finds the steps whose fix the console can perform itself:
// initialise / sign in / reload keys (Driver.Initialise).
var fixPattern = regexp.MustCompile(`(?i)initiali[sz]|sign[ -]?in|sign[ -]?on|re-?key|key (exchange|download|sync)|签到|初始化|密钥`)

func hasFixAction(s model.PlayStep) bool {
	return fixPattern.MatchString(s.ID) || fixPattern.MatchString(s.Text.En) || fixPattern.MatchString(s.Text.Zh)
}

type wizKeys struct {
	Next, Prev, Done, Skip, NoHelp, Note, Verify, Fix, Causes, Checks, Export, Back key.Binding
}

func (z *wizard) keys() wizKeys {
	m := z.m
	if z.note.Focused() {
		save := "key.savenote"
		if z.skipping {
			save = "key.skipnote"
		}
		return wizKeys{Note: m.bind("enter", save, "enter"), Back: m.bind("esc", "key.cancel", "esc")}
	}
	k := wizKeys{
		Next:   m.bind("n/right", "key.next", "n", "right", "l"),
		Prev:   m.bind("left", "key.prev", "left", "h"),
		Done:   m.bind("enter", "key.done", "enter"),
		Skip:   m.bind("s", "key.skip", "s"),
		NoHelp: m.bind("u", "key.nohelp", "u"),
		Note:   m.bind("m", "key.note", "m"),
		Verify: m.bind("v", "key.verify", "v"),
		Fix:    m.bind("f", "key.fix", "f"),
		Causes: m.bind("d", "key.diag", "d"),
		Checks: m.bind("c", "key.checks", "c"),
		Export: m.bind("e", "key.export", "e"),
		Back:   m.bind("esc", "key.back", "esc"),
	}
	s, ok := z.step()
	k.Verify.SetEnabled(ok && s.Verify != "" && m.Connected() && !m.Busy())
	k.Fix.SetEnabled(ok && hasFixAction(s) && m.Connected() && !m.Busy())
	return k
}

func (z *wizard) ShortHelp() []key.Binding {
	k := z.keys()
	if z.note.Focused() {
		return []key.Binding{k.Note, k.Back}
	}
	return []key.Binding{k.Next, k.Prev, k.Done, k.Skip, k.NoHelp, k.Note, k.Verify, k.Fix}
}

func (z *wizard) FullHelp() [][]key.Binding {
	k := z.keys()
	if z.note.Focused() {
		return [][]key.Binding{{k.Note, k.Back}}
	}
	return [][]key.Binding{{k.Next, k.Prev, k.Done, k.Skip, k.NoHelp}, {k.Note, k.Verify, k.Fix}, {k.Causes, k.Checks, k.Export, k.Back}}
}

func (z *wizard) Update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case tea.PasteMsg:
		return updateField(&z.note, msg)
	case tea.KeyPressMsg:
		return z.key(msg)
	}
	return nil
}

func (z *wizard) key(msg tea.KeyPressMsg) tea.Cmd {
	m := z.m
	k := z.keys()
	s, ok := z.step()
	if z.note.Focused() {
		switch {
		case key.Matches(msg, k.Note):
			mk := z.mark(s.ID)
			note := strings.TrimSpace(z.note.Value())
			if z.skipping && note == "" {
				m.setToast(m.T("wiz.fraudnote"), true)
				return nil
			}
			z.note.Blur()
			mk.note = note
			m.say(false, "wiz.notesaved")
			rec := m.record("step_note", map[string]string{"step": s.ID, "cause": s.Cause, "note": mk.note})
			if z.skipping {
				z.skipping = false
				return tea.Batch(rec, z.setMark(s, "skipped"))
			}
			return rec
		case key.Matches(msg, k.Back):
			z.note.Blur()
			z.skipping = false
			return nil
		}
		return updateField(&z.note, msg)
	}
	switch {
	case key.Matches(msg, k.Next):
		z.setIdx(z.idx + 1)
	case key.Matches(msg, k.Prev):
		z.setIdx(z.idx - 1)
	case key.Matches(msg, k.Causes):
		m.show(scrDiagnosis)
	case key.Matches(msg, k.Checks):
		m.showChecks()
	case key.Matches(msg, k.Export):
		m.overlay = ovExport
	case key.Matches(msg, k.Back):
		m.back()
	case !ok:
		return nil
	case key.Matches(msg, k.Done):
		return z.setMark(s, "done")
	case key.Matches(msg, k.NoHelp):
		return z.setMark(s, "no_help")
	case key.Matches(msg, k.Skip):
		if s.Fraud && strings.TrimSpace(z.mark(s.ID).note) == "" {
			m.setToast(m.T("wiz.fraudnote"), true)
			z.skipping = true
			return z.startNote(s)
		}
		return z.setMark(s, "skipped")
	case key.Matches(msg, k.Note):
		return z.startNote(s)
	case key.Matches(msg, k.Verify):
		return z.verify()
	case key.Matches(msg, k.Fix):
		return m.fixCmd(s.ID)
	}
	return nil
}

func (z *wizard) startNote(s model.PlayStep) tea.Cmd {
	z.note.SetValue(z.mark(s.ID).note)
	z.note.CursorEnd()
	return z.note.Focus()
}

func (z *wizard) setMark(s model.PlayStep, mark string) tea.Cmd {
	mk := z.mark(s.ID)
	mk.mark = mark
	z.m.say(false, "wiz.marked", tkey("mark."+mark))
	cmd := z.m.record("step_mark", map[string]string{"step": s.ID, "cause": s.Cause, "mark": mark, "note": mk.note,
		"fraud": fmt.Sprint(s.Fraud)})
	if mark == "done" || mark == "skipped" {
		z.setIdx(z.idx + 1)
	}
	return cmd
}

// verify re-runs the step's verifying check.
func (z *wizard) verify() tea.Cmd {
	s, ok := z.step()
	if !ok || s.Verify == "" {
		return nil
	}
	if r, ok := z.m.results[s.Verify]; ok {
		z.before[s.ID] = r
	}
	z.diagBefore = z.m.diagnosis
	return z.m.startRun([]model.CheckID{s.Verify}, runPurpose{kind: "verify", step: s.ID})
}

// verified is called when a verify run finished: did the fix work?
func (z *wizard) verified(stepID string) tea.Cmd {
	m := z.m
	var st model.PlayStep
	for _, s := range z.steps() {
		if s.ID == stepID {
			st = s
		}
	}
	if st.ID == "" {
		st.ID = stepID
	}
	r, ok := m.results[st.Verify]
	if !ok {
		return nil
	}
	z.mark(stepID).verify = r.Status
	rec := m.record("step_verify", map[string]string{"step": stepID, "check": string(st.Verify), "status": string(r.Status)})
	if r.Status != model.StatusOK {
		m.setToast(m.F("wiz.notfixed", m.checkName(st.Verify), m.badge(r.Status)), true)
		return rec
	}
	m.setToast(m.F("wiz.fixed", m.checkName(st.Verify), m.badge(r.Status)), false)
	return tea.Batch(rec, z.solve(st, r))
}

func (z *wizard) View() string {
	m, th := z.m, z.m.th
	steps := z.steps()
	var b strings.Builder
	if len(steps) == 0 {
		b.WriteString(th.Title.Render(m.T("wiz.heading")) + "\n\n")
		b.WriteString(th.Muted.Render(wrap(m.T("wiz.empty"), z.w-4)) + "\n")
		return indent(b.String(), 1)
	}
	s, _ := z.step()
	mk := z.mark(s.ID)
	cause := s.Cause
	if t, ok := z.causes[s.Cause]; ok {
		cause = t.In(m.lang)
	}
	b.WriteString(th.Title.Render(cut(m.F("wiz.stepof", z.idx+1, len(steps), m.subject()), z.w-2)) + "\n")
	b.WriteString(th.Muted.Render(cut(m.T("wiz.cause")+m.T("sep.colon")+cause, z.w-2)) + "\n")
	if z.resolved() {
		b.WriteString(th.OK.Render(cut(m.T("wiz.resolved"), z.w-2)) + "\n")
	}
	b.WriteString("\n")
	if s.Fraud {
		b.WriteString(th.Fraud.Render(cut(" "+m.T("wiz.fraudbanner")+" ", z.w-4)) + "\n")
	}
	b.WriteString(th.Title.Render(m.T("wiz.who")+m.T("sep.colon")) + m.actor(s.Actor))
	if s.State == model.StepRuledOut {
		b.WriteString("   " + th.Muted.Render(m.T("wiz.ruledout")))
	} else if s.State == model.StepNeedsCheck {
		b.WriteString("   " + th.Muted.Render(m.T("wiz.needscheck")))
	}
	b.WriteString("\n\n")
	b.WriteString(wrap(s.Text.In(m.lang), min(z.w-4, 100)) + "\n")
	if why := s.Why.In(m.lang); why != "" {
		b.WriteString(th.Muted.Render(wrap(m.T("wiz.why")+m.T("sep.colon")+why, min(z.w-4, 100))) + "\n")
	}
	b.WriteString("\n")
	if s.Verify != "" {
		last := m.T("st.notrun")
		if r, ok := m.results[s.Verify]; ok {
			last = statusStyle(th, r.Status).Render(m.stateText(r.Status))
		}
		line := m.F("wiz.verifiedby", m.checkName(s.Verify)) + "  " + last
		if mk.verify != "" {
			if mk.verify == model.StatusOK {
				line += "   " + th.OK.Render(m.T("wiz.fixworked"))
			} else {
				line += "   " + th.Fail.Render(m.T("wiz.fixnot"))
			}
		}
		b.WriteString(line + "\n")
	}
	if hasFixAction(s) {
		b.WriteString(th.Muted.Render(m.T("wiz.fixoffer")) + "\n")
	}
	markTxt := "-"
	if mk.mark != "" {
		markTxt = "[" + m.T("mark."+mk.mark) + "]"
	}
	b.WriteString(m.T("wiz.yourmark") + m.T("sep.colon") + markTxt + "\n")
	if z.note.Focused() {
		b.WriteString(m.T("wiz.note") + m.T("sep.colon") + "[" + z.note.View() + "]\n")
	} else if mk.note != "" {
		b.WriteString(m.T("wiz.note") + m.T("sep.colon") + cut(mk.note, z.w-12) + "\n")
	}
	// the step list, as much as fits
	if room := z.h - strings.Count(b.String(), "\n") - 2; room >= 3 {
		b.WriteString("\n" + th.Muted.Render(m.T("wiz.steps")) + "\n")
		b.WriteString(z.list(room - 1))
	}
	return indent(b.String(), 1)
}

// list is the playbook, one line a step with its mark, in room lines
// around the current step.
func (z *wizard) list(room int) string {
	m, steps := z.m, z.steps()
	var b strings.Builder
	start := 0
	if z.idx >= room {
		start = z.idx - room + 1
	}
	for i := start; i < len(steps) && i < start+room; i++ {
		st := steps[i]
		tag := "[    ]"
		if mm := z.marks[st.ID]; mm != nil && mm.mark != "" {
			tag = "[" + m.T("short."+mm.mark) + "]"
		} else if st.State == model.StepRuledOut {
			tag = "[ -- ]"
		}
		fr := ""
		if st.Fraud {
			fr = m.T("tag.fraud") + " "
		}
		line := cut(fmt.Sprintf("%2d %s %s%s", i+1, tag, fr, oneLine(st.Text.In(m.lang))), z.w-4)
		b.WriteString(m.row(line, i == z.idx) + "\n")
	}
	return b.String()
}

func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }
