package ui

import (
	"errors"
	"strings"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/posdoctor/posdoctor/checks"
	"github.com/posdoctor/posdoctor/model"
)

// symptomScreen starts from what the terminal showed: one of the symptoms,
// or a code or message typed in. With a session it proposes the checks that
// tell the causes apart; without one it goes straight to the guided steps.
type symptomScreen struct {
	m      *Model
	w, h   int
	cursor int
	query  textinput.Model // focused while the operator types a code
	err    error
	// last is the query of the last lookup: the field starts empty on the
	// next one (a new query replaces the old) and shows it as a hint.
	last string
}

func newSymptom(m *Model) *symptomScreen {
	s := &symptomScreen{m: m}
	s.query = newField("", 120)
	s.restyle()
	return s
}

// reset empties the code field and its error (a new case).
func (s *symptomScreen) reset() {
	s.query.SetValue("")
	s.query.Blur()
	s.cursor, s.err = 0, nil
}

func (s *symptomScreen) restyle() { s.m.restyleField(&s.query) }

func (s *symptomScreen) SetSize(w, h int) {
	s.w, s.h = w, h
	s.query.SetWidth(max(20, min(50, w-34)))
}

func (s *symptomScreen) Title() string   { return s.m.T("symptom.title") }
func (s *symptomScreen) Capturing() bool { return s.query.Focused() }

type symKeys struct{ Up, Down, Pick, Type, RunAll, Back key.Binding }

func (s *symptomScreen) keys() symKeys {
	m := s.m
	if s.query.Focused() {
		return symKeys{Pick: m.bind("enter", "key.lookup", "enter"), Back: m.bind("esc", "key.leavefield", "esc")}
	}
	k := symKeys{
		Up:     m.bind("up/k", "key.up", "up", "k"),
		Down:   m.bind("down/j", "key.down", "down", "j"),
		Pick:   m.bind("enter", "key.pick", "enter"),
		Type:   m.bind("/", "key.typecode", "/"),
		RunAll: m.bind("a", "key.runall", "a"),
		Back:   m.bind("esc", "key.back", "esc"),
	}
	if !m.Connected() {
		k.RunAll.SetEnabled(false)
	}
	return k
}

func (s *symptomScreen) ShortHelp() []key.Binding {
	k := s.keys()
	if s.query.Focused() {
		return []key.Binding{k.Pick, k.Back}
	}
	return []key.Binding{k.Up, k.Down, k.Pick, k.Type, k.RunAll, k.Back}
}

func (s *symptomScreen) FullHelp() [][]key.Binding {
	k := s.keys()
	if s.query.Focused() {
		return [][]key.Binding{{k.Pick, k.Back}}
	}
	return [][]key.Binding{{k.Up, k.Down, k.Pick}, {k.Type, k.RunAll, k.Back}}
}

func (s *symptomScreen) symptoms() []model.Symptom {
	if s.m.opts.Backend == nil {
		return nil
	}
	return s.m.opts.Backend.Symptoms()
}

func (s *symptomScreen) Update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case tea.PasteMsg:
		return updateField(&s.query, msg)
	case tea.KeyPressMsg:
		return s.key(msg)
	}
	return nil
}

func (s *symptomScreen) key(msg tea.KeyPressMsg) tea.Cmd {
	k := s.keys()
	if s.query.Focused() {
		switch {
		case key.Matches(msg, k.Pick):
			q := strings.TrimSpace(s.query.Value())
			if q == "" {
				return nil
			}
			s.last = q
			in, err := s.m.opts.Backend.Resolve(q)
			if err != nil {
				s.err = err
				s.query.SetValue("")
				return nil
			}
			s.err = nil
			s.query.Blur()
			s.query.SetValue("")
			// The case journal keeps what the operator typed (checks.CaseLog).
			return tea.Batch(s.m.choose(in), s.m.record(string(checks.CaseSymptom), checks.SymptomFields(q, in)))
		case key.Matches(msg, k.Back):
			s.query.Blur()
			return nil
		}
		return updateField(&s.query, msg)
	}
	list := s.symptoms()
	n := len(list) + 1 // + "type a code"
	switch {
	case key.Matches(msg, k.Up):
		s.cursor = (s.cursor - 1 + n) % n
	case key.Matches(msg, k.Down):
		s.cursor = (s.cursor + 1) % n
	case key.Matches(msg, k.Type):
		s.cursor = len(list)
		return s.focus()
	case key.Matches(msg, k.Pick):
		if s.cursor >= len(list) {
			return s.focus()
		}
		in := model.Input{Symptom: list[s.cursor].ID}
		return tea.Batch(s.m.choose(in), s.m.record(string(checks.CaseSymptom), checks.SymptomFields("", in)))
	case key.Matches(msg, k.RunAll):
		s.m.show(scrDashboard)
		return s.m.startRun(model.CheckOrder, runPurpose{kind: "all"})
	case key.Matches(msg, k.Back):
		s.m.back()
	}
	return nil
}

// focus starts a new query in the code field: empty, so what is typed
// replaces the last query instead of adding to it.
func (s *symptomScreen) focus() tea.Cmd {
	s.query.SetValue("")
	return s.query.Focus()
}

// lookup opens the code field from another screen (the / key).
func (m *Model) lookup() tea.Cmd {
	m.show(scrSymptom)
	m.symptom.cursor = len(m.symptom.symptoms())
	return m.symptom.focus()
}

// choose takes the operator's symptom: with a session, the dashboard with
// the proposed checks; without, straight to the guided steps.
func (m *Model) choose(in model.Input) tea.Cmd {
	m.input, m.haveInput = in, true
	m.wiz.reset()
	m.rediagnose()
	m.answer.more, m.answer.details = false, false
	if m.Connected() {
		m.dash.propose()
	}
	m.wiz.first()
	m.show(scrAnswer)
	return nil
}

func (s *symptomScreen) View() string {
	m, th := s.m, s.m.th
	var b strings.Builder
	b.WriteString(th.Title.Render(m.T("symptom.heading")) + "\n")
	if m.Connected() {
		b.WriteString(th.Muted.Render(cut(m.T("symptom.sub.conn"), s.w-2)) + "\n\n")
	} else {
		b.WriteString(th.Muted.Render(cut(m.T("symptom.sub.off"), s.w-2)) + "\n\n")
	}
	list := s.symptoms()
	tw := 0
	for _, sy := range list {
		tw = max(tw, ansi.StringWidth(sy.Title.In(m.lang)))
	}
	// Titles get up to half the width: they are what the operator reads first.
	tw = min(tw, max(24, min(40, (s.w-6)/2)))
	for i, sy := range list {
		line := padRight(cut(sy.Title.In(m.lang), tw), tw) + "  " + sy.Summary.In(m.lang)
		b.WriteString(m.row(cut(line, s.w-4), i == s.cursor) + "\n")
	}
	if len(list) == 0 {
		b.WriteString("  " + th.Muted.Render(m.T("symptom.none")) + "\n")
	}
	b.WriteString("\n")
	v := s.query.View()
	if !s.query.Focused() && s.query.Value() == "" {
		v = strings.Repeat(" ", s.query.Width()+1)
	}
	b.WriteString(m.row(m.T("symptom.type"), s.cursor >= len(list)) + "  [" + v + "]\n")
	hint := m.T("symptom.placeholder")
	if s.last != "" {
		hint = m.F("symptom.last", s.last) + "   " + hint
	}
	b.WriteString("    " + th.Muted.Render(cut(hint, s.w-6)) + "\n")
	if s.err != nil {
		b.WriteString(s.notFound())
	}
	if m.Connected() {
		b.WriteString("\n" + th.Muted.Render(cut(m.T("symptom.runall"), s.w-2)) + "\n")
	}
	return indent(b.String(), 1)
}

// notFound lists the closest matches, each with what to type (its code),
// when the knowledge base has nothing for the query.
func (s *symptomScreen) notFound() string {
	m, th := s.m, s.m.th
	var b strings.Builder
	b.WriteString("\n" + th.Error.Render(cut(m.F("symptom.unknown", s.last), s.w-4)) + "\n")
	var re *model.ResolveError
	if !errors.As(s.err, &re) {
		b.WriteString(wrap(m.plain(s.err), s.w-6) + "\n")
		return b.String()
	}
	if len(re.Suggestions) == 0 {
		return b.String()
	}
	b.WriteString(th.Muted.Render(m.T("symptom.closest")) + "\n")
	cw := 0
	for _, sg := range re.Suggestions {
		cw = max(cw, ansi.StringWidth(sg.Input))
	}
	cw = min(cw, 24)
	for _, sg := range re.Suggestions {
		b.WriteString(cut("  "+padRight(sg.Input, cw)+"  "+sg.Text.In(m.lang), s.w-4) + "\n")
	}
	b.WriteString(th.Muted.Render(cut(m.T("symptom.typeone"), s.w-4)) + "\n")
	return b.String()
}
