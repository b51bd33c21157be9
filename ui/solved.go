package ui

import (
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/posdoctor/posdoctor/checks"
	"github.com/posdoctor/posdoctor/model"
)

// solvedCase is how a case ended: the step whose verifying check passed,
// what it was for, and the check before and after.
type solvedCase struct {
	step    model.PlayStep
	causeT  model.Text // the cause's title, as the wizard knew it
	fixed   bool       // the console ran the step's fix (Initialisation)
	before  checks.Result
	hasPrev bool
	after   checks.Result
	diag    model.Diagnosis // the diagnosis before the fix (the report's)
}

// solve closes the case: the step is done, the case solved, and the
// closing screen says what was wrong, what fixed it and offers the report.
func (z *wizard) solve(st model.PlayStep, after checks.Result) tea.Cmd {
	m := z.m
	mk := z.mark(st.ID)
	var cmds []tea.Cmd
	if mk.mark == "" {
		mk.mark = "done"
		cmds = append(cmds, m.record("step_mark", map[string]string{"step": st.ID, "cause": st.Cause, "mark": "done",
			"note": mk.note, "fraud": "false"}))
	}
	sc := &solvedCase{step: st, causeT: z.causes[st.Cause], fixed: z.fixed[st.ID], after: after, diag: z.diagBefore}
	sc.before, sc.hasPrev = z.before[st.ID]
	m.solved = sc
	fields := map[string]string{"step": st.ID, "cause": st.Cause, "check": string(st.Verify), "after": string(after.Status)}
	if sc.hasPrev {
		fields["before"] = string(sc.before.Status)
	}
	cmds = append(cmds, m.record("case_solved", fields))
	m.show(scrSolved)
	return tea.Batch(cmds...)
}

// solvedScreen is the closing screen of a solved case.
type solvedScreen struct {
	m    *Model
	w, h int
}

func newSolved(m *Model) *solvedScreen { return &solvedScreen{m: m} }

func (s *solvedScreen) SetSize(w, h int) { s.w, s.h = w, h }
func (s *solvedScreen) Title() string    { return s.m.T("solved.title") }
func (s *solvedScreen) Capturing() bool  { return false }

type solvedKeys struct{ Export, Lookup, Steps, Checks, Back key.Binding }

func (s *solvedScreen) keys() solvedKeys {
	m := s.m
	k := solvedKeys{
		Export: m.bind("e", "key.export", "e"),
		Lookup: m.bind("/", "key.newcase", "/"),
		Steps:  m.bind("w", "key.steps", "w"),
		Checks: m.bind("c", "key.checks", "c"),
		Back:   m.bind("esc", "key.back", "esc"),
	}
	k.Checks.SetEnabled(m.Connected())
	return k
}

func (s *solvedScreen) ShortHelp() []key.Binding {
	k := s.keys()
	return []key.Binding{k.Export, k.Lookup, k.Steps, k.Checks}
}

func (s *solvedScreen) FullHelp() [][]key.Binding {
	k := s.keys()
	return [][]key.Binding{{k.Export, k.Lookup}, {k.Steps, k.Checks, k.Back}}
}

func (s *solvedScreen) Update(msg tea.Msg) tea.Cmd {
	km, ok := msg.(tea.KeyPressMsg)
	if !ok {
		return nil
	}
	k, m := s.keys(), s.m
	switch {
	case key.Matches(km, k.Export):
		m.overlay = ovExport
	case key.Matches(km, k.Lookup):
		return m.lookup()
	case key.Matches(km, k.Steps):
		m.show(scrWizard)
	case key.Matches(km, k.Checks):
		m.showChecks()
	case key.Matches(km, k.Back):
		m.back()
	}
	return nil
}

func (s *solvedScreen) View() string {
	m, th := s.m, s.m.th
	sc := m.solved
	var b strings.Builder
	if sc == nil {
		return ""
	}
	w := min(s.w-4, 100)
	b.WriteString(th.OK.Render(m.T("solved.heading")) + "\n\n")
	cause := sc.causeT.In(m.lang)
	if cause == "" {
		cause = sc.step.Cause
	}
	b.WriteString(th.Title.Render(m.T("solved.wrong")) + "\n")
	b.WriteString(wrap(cause+m.F("diag.ref", m.subject()), w) + "\n\n")
	b.WriteString(th.Title.Render(m.T("solved.fixedby")) + "\n")
	b.WriteString(wrap(oneLine(sc.step.Text.In(m.lang)), w) + "\n")
	if sc.fixed {
		b.WriteString(th.Muted.Render(wrap(m.T("solved.consolefix"), w)) + "\n")
	}
	if note := s.m.wiz.mark(sc.step.ID).note; note != "" {
		b.WriteString(th.Muted.Render(wrap(m.T("wiz.note")+m.T("sep.colon")+note, w)) + "\n")
	}
	b.WriteString("\n" + th.Title.Render(m.F("solved.check", m.checkName(sc.step.Verify))) + "\n")
	if sc.hasPrev {
		b.WriteString("  " + m.T("solved.before") + "  " + cut(m.stateText(sc.before.Status)+"  "+m.plainText(sc.before.SummaryIn(m.lang)), w-12) + "\n")
	}
	b.WriteString("  " + m.T("solved.after") + "  " + cut(m.stateText(sc.after.Status)+"  "+m.plainText(sc.after.SummaryIn(m.lang)), w-12) + "\n\n")
	b.WriteString(wrap(m.T("solved.next"), w) + "\n")
	return indent(b.String(), 1)
}
