package ui

import (
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textinput"
	"charm.land/bubbles/v2/viewport"
	tea "charm.land/bubbletea/v2"

	"github.com/posdoctor/posdoctor/model"
	"github.com/posdoctor/posdoctor/terminal"
)

type traceFrame struct {
	check model.CheckID
	at    time.Time
	f     terminal.Frame
	live  bool
}

// traceView shows the protocol exchange, decoded and hex (card data masked
// by the driver), scrollable, searchable with /, copyable with OSC 52.
type traceView struct {
	m       *Model
	w, h    int
	vp      viewport.Model
	search  textinput.Model // focused while the operator types a search
	path    textinput.Model // focused while the operator types a log file's path
	log     *TraceLog       // a host-message log opened with o, shown instead of the live frames
	query   string
	matches []int
	match   int
	lines   []string
}

func newTrace(m *Model) *traceView {
	t := &traceView{m: m}
	t.vp = viewport.New()
	t.vp.MouseWheelEnabled = false
	t.search = newField("/", 80)
	t.path = newField("", 1024)
	t.restyle()
	return t
}

func (t *traceView) restyle() {
	t.m.restyleField(&t.search)
	t.m.restyleField(&t.path)
	t.refresh()
}

func (t *traceView) SetSize(w, h int) {
	t.w, t.h = w, h
	t.vp.SetWidth(w)
	t.vp.SetHeight(max(1, h-3))
	t.search.SetWidth(max(10, w-20))
	t.path.SetWidth(max(10, w-20))
	t.refresh()
}

func (t *traceView) Title() string   { return t.m.T("trace.title") }
func (t *traceView) Capturing() bool { return t.search.Focused() || t.path.Focused() }

// text is the whole trace as plain text (what copy puts on the clipboard).
func (t *traceView) text() []string {
	if t.log != nil {
		return t.logText()
	}
	var out []string
	for _, fr := range t.m.frames {
		ts := ""
		if !fr.at.IsZero() {
			ts = fr.at.Format("15:04:05.000") + " "
		}
		out = append(out, ts+padRight("["+t.m.checkName(fr.check)+"]", 11)+" "+padRight(t.m.direction(fr.f.Dir), 7)+" "+fr.f.Summary)
		if fr.f.Detail != "" {
			for _, l := range strings.Split(fr.f.Detail, "\n") {
				out = append(out, "      "+l)
			}
		}
		if fr.f.Hex != "" {
			out = append(out, "      hex: "+fr.f.Hex)
		}
	}
	return out
}

func (t *traceView) refresh() {
	t.lines = t.text()
	t.findMatches()
	t.render()
}

func (t *traceView) render() {
	if len(t.lines) == 0 {
		t.vp.SetContent(t.m.th.Muted.Render(t.m.T("trace.empty")))
		return
	}
	is := map[int]bool{}
	for _, i := range t.matches {
		is[i] = true
	}
	out := make([]string, len(t.lines))
	for i, l := range t.lines {
		l = cut(l, t.w-2)
		switch {
		case len(t.matches) > 0 && t.matches[t.match] == i:
			out[i] = "> " + t.m.th.Selected.Render(l)
		case is[i]:
			out[i] = "* " + l
		default:
			out[i] = "  " + l
		}
	}
	t.vp.SetContent(strings.Join(out, "\n"))
}

func (t *traceView) findMatches() {
	t.matches = nil
	t.match = 0
	if t.query == "" {
		return
	}
	q := strings.ToLower(t.query)
	for i, l := range t.lines {
		if strings.Contains(strings.ToLower(l), q) {
			t.matches = append(t.matches, i)
		}
	}
}

// directions are the frame directions in the console's words.
var directions = map[terminal.Direction]string{terminal.ToTerminal: "dir.to", terminal.FromTerminal: "dir.from",
	terminal.ToHost: "dir.tohost", terminal.FromHost: "dir.fromhost"}

func (m *Model) direction(d terminal.Direction) string {
	if k, ok := directions[d]; ok {
		return m.T(k)
	}
	return string(d)
}

type traceKeys struct{ Up, Down, PgUp, PgDn, Search, Next, Prev, Copy, Open, Back key.Binding }

func (t *traceView) keys() traceKeys {
	m := t.m
	if t.search.Focused() || t.path.Focused() {
		return traceKeys{Search: m.bind("enter", "key.find", "enter"), Back: m.bind("esc", "key.cancel", "esc")}
	}
	k := traceKeys{
		Up:     m.bind("up/k", "key.scrollup", "up", "k"),
		Down:   m.bind("down/j", "key.scrolldown", "down", "j"),
		PgUp:   m.bind("pgup/b", "key.pageup", "pgup", "b"),
		PgDn:   m.bind("pgdn/space", "key.pagedown", "pgdown", "space"),
		Search: m.bind("/", "key.search", "/"),
		Next:   m.bind("n", "key.nextmatch", "n"),
		Prev:   m.bind("N", "key.prevmatch", "N"),
		Copy:   m.bind("y", "key.copy", "y"),
		Open:   m.bind("l", "key.openlog", "l"),
		Back:   m.bind("esc", "key.back", "esc"),
	}
	_, canOpen := m.logReader()
	k.Open.SetEnabled(canOpen)
	k.Next.SetEnabled(len(t.matches) > 0)
	k.Prev.SetEnabled(len(t.matches) > 0)
	return k
}

func (t *traceView) ShortHelp() []key.Binding {
	k := t.keys()
	if t.search.Focused() || t.path.Focused() {
		return []key.Binding{k.Search, k.Back}
	}
	return []key.Binding{k.Down, k.Up, k.PgDn, k.Search, k.Next, k.Copy, k.Open, k.Back}
}

func (t *traceView) FullHelp() [][]key.Binding {
	k := t.keys()
	if t.search.Focused() || t.path.Focused() {
		return [][]key.Binding{{k.Search, k.Back}}
	}
	return [][]key.Binding{{k.Up, k.Down, k.PgUp, k.PgDn}, {k.Search, k.Next, k.Prev}, {k.Copy, k.Open, k.Back}}
}

func (t *traceView) Update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case tea.PasteMsg:
		if t.path.Focused() {
			return updateField(&t.path, msg)
		}
		return updateField(&t.search, msg)
	case tea.KeyPressMsg:
		return t.key(msg)
	case traceLogMsg:
		t.loaded(msg)
	}
	return nil
}

func (t *traceView) key(msg tea.KeyPressMsg) tea.Cmd {
	k := t.keys()
	if t.path.Focused() {
		return t.pathKey(msg, k)
	}
	if t.search.Focused() {
		switch {
		case key.Matches(msg, k.Search):
			t.search.Blur()
			t.query = strings.TrimSpace(t.search.Value())
			t.findMatches()
			t.render()
			t.jump()
			if t.query != "" {
				t.m.setToast(t.m.F("trace.found", len(t.matches), t.query), len(t.matches) == 0)
			}
			return nil
		case key.Matches(msg, k.Back):
			t.search.Blur()
			return nil
		}
		return updateField(&t.search, msg)
	}
	switch {
	case key.Matches(msg, k.Up):
		t.vp.ScrollUp(1)
	case key.Matches(msg, k.Down):
		t.vp.ScrollDown(1)
	case key.Matches(msg, k.PgUp):
		t.vp.PageUp()
	case key.Matches(msg, k.PgDn):
		t.vp.PageDown()
	case key.Matches(msg, k.Search):
		t.search.SetValue(t.query)
		t.search.CursorEnd()
		return t.search.Focus()
	case key.Matches(msg, k.Next):
		t.match = (t.match + 1) % len(t.matches)
		t.render()
		t.jump()
	case key.Matches(msg, k.Prev):
		t.match = (t.match - 1 + len(t.matches)) % len(t.matches)
		t.render()
		t.jump()
	case key.Matches(msg, k.Copy):
		if len(t.lines) == 0 {
			return nil
		}
		t.m.setToast(t.m.F("trace.copied", len(t.lines)), false)
		return tea.SetClipboard(strings.Join(t.lines, "\n") + "\n")
	case key.Matches(msg, k.Open):
		t.path.Placeholder = t.m.T("trace.logprompt")
		return t.path.Focus()
	case key.Matches(msg, k.Back):
		if t.log != nil { // back to the live frames first
			t.log = nil
			t.refresh()
			return nil
		}
		t.m.back()
	}
	return nil
}

func (t *traceView) jump() {
	if len(t.matches) == 0 {
		return
	}
	line := t.matches[t.match]
	if line < t.vp.YOffset() || line >= t.vp.YOffset()+t.vp.Height() {
		t.vp.SetYOffset(max(0, line-t.vp.Height()/3))
	}
}

func (t *traceView) View() string {
	m, th := t.m, t.m.th
	var b strings.Builder
	info := m.F("trace.count", len(t.m.frames))
	if t.query != "" {
		info += "   " + m.F("trace.matches", t.query, len(t.matches))
	}
	b.WriteString(" " + th.Title.Render(m.T("trace.heading")) + "   " + th.Muted.Render(cut(info, t.w-30)) + "\n")
	if t.log != nil {
		info = m.F("trace.loginfo", t.log.Messages, t.log.Exchanges, t.log.Unanswered)
		if t.query != "" {
			info += "   " + m.F("trace.matches", t.query, len(t.matches))
		}
		b.Reset()
		b.WriteString(" " + th.Title.Render(m.T("trace.logheading")) + "   " + th.Muted.Render(cut(info, t.w-30)) + "\n")
	}
	switch {
	case t.path.Focused():
		b.WriteString(" " + m.T("trace.logpath") + " " + t.path.View() + "\n")
	case t.search.Focused():
		b.WriteString(" " + t.search.View() + "\n")
	default:
		b.WriteString(" " + th.Muted.Render(cut(m.T("trace.masked"), t.w-2)) + "\n")
	}
	b.WriteString(t.vp.View())
	return b.String()
}
