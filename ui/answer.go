package ui

import (
	"fmt"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/posdoctor/posdoctor/model"
)

// answerScreen is where a lookup lands: one short header (the code, what
// the terminal shows, what it means, who acts, whether to retry), then the
// steps of the likely causes; the other causes are folded under "more
// causes" and scores stay behind the detail key.
type answerScreen struct {
	m       *Model
	w, h    int
	more    bool // the other causes are unfolded
	details bool // scores are shown
}

func newAnswer(m *Model) *answerScreen { return &answerScreen{m: m} }

func (a *answerScreen) SetSize(w, h int) { a.w, a.h = w, h }
func (a *answerScreen) Title() string    { return a.m.T("answer.title") }
func (a *answerScreen) Capturing() bool  { return false }

type answerKeys struct{ Steps, More, Details, Diag, Checks, Proposed, Lookup, Export, Back key.Binding }

func (a *answerScreen) keys() answerKeys {
	m := a.m
	k := answerKeys{
		Steps:    m.bind("enter", "key.steps", "enter", "w"),
		More:     m.bind("+", "key.more", "+", "="),
		Details:  m.bind("i", "key.details", "i"),
		Diag:     m.bind("d", "key.diag", "d"),
		Checks:   m.bind("c", "key.checks", "c"),
		Proposed: m.bind("p", "key.proposed", "p"),
		Lookup:   m.bind("/", "key.lookup2", "/"),
		Export:   m.bind("e", "key.export", "e"),
		Back:     m.bind("esc", "key.back", "esc"),
	}
	if a.more {
		k.More = m.bind("+", "key.less", "+", "=")
	}
	k.Proposed.SetEnabled(m.Connected() && len(m.dash.proposed) > 0 && !m.Busy())
	k.More.SetEnabled(len(a.others()) > 0)
	return k
}

func (a *answerScreen) ShortHelp() []key.Binding {
	k := a.keys()
	return []key.Binding{k.Steps, k.Proposed, k.More, k.Lookup, k.Details, k.Diag, k.Export}
}

func (a *answerScreen) FullHelp() [][]key.Binding {
	k := a.keys()
	return [][]key.Binding{{k.Steps, k.More, k.Details}, {k.Diag, k.Checks, k.Proposed, k.Lookup}, {k.Export, k.Back}}
}

func (a *answerScreen) Update(msg tea.Msg) tea.Cmd {
	km, ok := msg.(tea.KeyPressMsg)
	if !ok {
		return nil
	}
	k, m := a.keys(), a.m
	switch {
	case key.Matches(km, k.Steps):
		if c := a.likely(); len(c) > 0 {
			m.wiz.jumpToCause(c[0].ID)
		} else {
			m.wiz.first()
		}
		m.show(scrWizard)
	case key.Matches(km, k.More):
		a.more = !a.more
	case key.Matches(km, k.Details):
		a.details = !a.details
	case key.Matches(km, k.Diag):
		m.show(scrDiagnosis)
	case key.Matches(km, k.Checks):
		m.showChecks()
	case key.Matches(km, k.Proposed):
		m.show(scrDashboard)
		return m.startRun(m.dash.proposed, runPurpose{kind: "proposed"})
	case key.Matches(km, k.Lookup):
		return m.lookup()
	case key.Matches(km, k.Export):
		m.overlay = ovExport
	case key.Matches(km, k.Back):
		m.back()
	}
	return nil
}

// likelihoodOf is how the console words a cause's rank: the diagnosis's
// likely / possible / ruled out (scores only behind the detail key). A
// diagnosis without it (an old journal) is read from the scores: at least
// half the top score is likely, any positive score possible.
func likelihoodOf(c model.RankedCause, top int) model.Likelihood {
	switch {
	case c.Likelihood != "":
		return c.Likelihood
	case c.Score <= 0:
		return model.LikelihoodRuledOut
	case top > 0 && 2*c.Score >= top:
		return model.LikelihoodLikely
	}
	return model.LikelihoodPossible
}

func (m *Model) topScore() int {
	if len(m.diagnosis.Causes) == 0 {
		return 0
	}
	return m.diagnosis.Causes[0].Score
}

// likely is the causes the answer shows with their steps.
func (a *answerScreen) likely() []model.RankedCause {
	var out []model.RankedCause
	top := a.m.topScore()
	for _, c := range a.m.diagnosis.Causes {
		if likelihoodOf(c, top) == model.LikelihoodLikely {
			out = append(out, c)
		}
	}
	return out
}

// others is the rest, folded under "more causes".
func (a *answerScreen) others() []model.RankedCause {
	var out []model.RankedCause
	top := a.m.topScore()
	for _, c := range a.m.diagnosis.Causes {
		if likelihoodOf(c, top) != model.LikelihoodLikely {
			out = append(out, c)
		}
	}
	return out
}

// fixActor is who acts on a code of each fix class (the knowledge base's
// retry label says whether to retry).
var fixActor = map[model.FixClass]model.Actor{
	model.FixOperator:   model.ActorOperator,
	model.FixCardholder: model.ActorCardholder,
	model.FixFraud:      model.ActorFraud,
	model.FixAcquirer:   model.ActorAcquirer,
}

// actorFix is the fix class of a symptom without a code, from the actor of
// its top cause.
var actorFix = map[model.Actor]model.FixClass{
	model.ActorOperator:   model.FixOperator,
	model.ActorMerchant:   model.FixAcquirer,
	model.ActorCardholder: model.FixCardholder,
	model.ActorAcquirer:   model.FixAcquirer,
	model.ActorFraud:      model.FixFraud,
}

// header is the answer in a few lines.
func (a *answerScreen) header() []string {
	m := a.m
	in := m.input
	var lines []string
	add := func(label, text string) {
		if text != "" {
			lines = append(lines, m.th.Title.Render(padRight(m.T(label), 10))+" "+text)
		}
	}
	who, retry := "", ""
	if len(in.Codes) > 0 {
		c := in.Codes[0]
		if ci, ok := model.Knowledge().LookupCode(c.Scheme, c.Value); ok {
			name := ci.Display.In(m.lang)
			scheme := model.Label(model.KindScheme, string(ci.Scheme), m.lang)
			lines = append(lines, m.th.Title.Render(m.F("answer.code", ci.Value, scheme))+"  "+name)
			add("answer.shows", ci.Display.Zh)
			if mean := ci.Meaning.In(m.lang); mean != "" {
				add("answer.means", mean)
			}
			if ci.Fix != "" {
				who, retry = m.T("who.wait"), model.Label(model.KindRetry, string(ci.Fix), m.lang)
				if a, ok := fixActor[ci.Fix]; ok {
					who = m.actor(a)
				}
			}
		}
	}
	if len(lines) == 0 {
		lines = append(lines, m.th.Title.Render(m.subject()))
		if in.Message != "" && in.Message != m.subject() {
			add("answer.shows", in.Message)
		}
	}
	if top := a.likely(); len(top) > 0 {
		add("answer.cause", top[0].Title.In(m.lang))
		if who == "" {
			who = m.actor(top[0].Actor)
			if f, ok := actorFix[top[0].Actor]; ok {
				retry = model.Label(model.KindRetry, string(f), m.lang)
			}
		}
	}
	add("answer.who", who)
	add("answer.retry", retry)
	return lines
}

func (a *answerScreen) View() string {
	m, th := a.m, a.m.th
	w := a.w - 4
	var out []string
	for _, l := range a.header() {
		out = append(out, cut(l, w))
	}
	out = append(out, "")
	top := m.topScore()
	rest := a.others()
	room := a.h - len(out) - 2 // the blank line and the "more causes" line
	if len(rest) == 0 {
		room++
	}
	// The likely causes and their steps come first; unfolded, the other
	// causes take what is left, but never all of it.
	likely := a.likelyLines(w, top)
	if a.more {
		likely = likely[:min(len(likely), max(3, room-len(rest)))]
	}
	likely = likely[:min(len(likely), room)]
	out = append(out, likely...)
	out = append(out, "")
	if len(rest) > 0 {
		out = append(out, th.Muted.Render(cut(m.F("answer.more", len(rest)), w)))
		if a.more {
			left := a.h - len(out)
			for i, c := range rest {
				if i == left-1 && i < len(rest)-1 {
					out = append(out, th.Muted.Render(cut("  "+m.F("answer.andmore", len(rest)-i), w)))
					break
				}
				out = append(out, cut("  "+a.causeLine(c, top), w))
			}
		}
	}
	return indent(strings.Join(out, "\n"), 1)
}

// likelyLines are the likely causes, each followed by its steps.
func (a *answerScreen) likelyLines(w, top int) []string {
	m := a.m
	var out []string
	n := 0
	for _, c := range a.likely() {
		out = append(out, cut(a.causeLine(c, top), w))
		for _, s := range m.wiz.steps() {
			if s.Cause != c.ID || s.State == model.StepRuledOut {
				continue
			}
			n++
			fr := ""
			if s.Fraud {
				fr = m.T("tag.fraud") + " "
			}
			out = append(out, cut(fmt.Sprintf("  %2d. %s%s", n, fr, oneLine(s.Text.In(m.lang))), w))
		}
	}
	if len(out) == 0 {
		out = append(out, m.th.Muted.Render(cut(m.T("diag.none"), w)))
	}
	return out
}

// causeLine is "Likely: title (who acts)", with the score when the details
// are on.
func (a *answerScreen) causeLine(c model.RankedCause, top int) string {
	m := a.m
	s := m.F("lk.line", model.Label(model.KindLikelihood, string(likelihoodOf(c, top)), m.lang), c.Title.In(m.lang), m.actor(c.Actor))
	if c.Fraud {
		s += " " + m.T("tag.fraud")
	}
	if a.details {
		s += "  " + m.F("answer.score", c.Score)
	}
	return s
}
