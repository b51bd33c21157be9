package ui

import (
	"fmt"
	"strings"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"

	"github.com/posdoctor/posdoctor/terminal"
)

type connState int

const (
	connIdle connState = iota
	connBusy
	connFailed
)

type itemKind int

const (
	itemSim itemKind = iota
	itemPort
	itemRecent
	itemAddr
)

type connItem struct {
	kind   itemKind
	target string
	label  string
	detail string
}

// connectScreen offers the simulator (first and selected, so `make run`
// shows the whole product without hardware), serial ports, recent targets
// and an address field.
type connectScreen struct {
	m         *Model
	w, h      int
	cursor    int
	scenarios []Scenario
	scenario  int
	ports     []Port
	portErr   error
	recent    []string
	loaded    bool
	addr      textinput.Model // focused while the operator types an address
	find      textinput.Model // focused while the operator filters the scenarios
	found     int             // the selected one of the scenarios found
	state     connState
	err       error
	steps     []string // what the connect in progress has done so far
}

func newConnect(m *Model) *connectScreen {
	c := &connectScreen{m: m}
	c.addr = newField("", 200)
	c.find = newField("/", 40)
	c.restyle()
	return c
}

func (c *connectScreen) restyle() {
	c.m.restyleField(&c.addr)
	c.m.restyleField(&c.find)
}

func (c *connectScreen) SetSize(w, h int) {
	c.w, c.h = w, h
	c.addr.SetWidth(max(20, min(60, w-30)))
	c.find.SetWidth(30)
}

func (c *connectScreen) Title() string   { return c.m.T("connect.title") }
func (c *connectScreen) Capturing() bool { return c.addr.Focused() || c.find.Focused() }

// matches are the indexes of the scenarios whose name or description holds
// what was typed into the find field, in list order.
func (c *connectScreen) matches() []int {
	q := strings.ToLower(strings.TrimSpace(c.find.Value()))
	var out []int
	for i, s := range c.scenarios {
		if q == "" || strings.Contains(strings.ToLower(s.Name), q) || strings.Contains(strings.ToLower(s.Description), q) {
			out = append(out, i)
		}
	}
	return out
}

func (c *connectScreen) items() []connItem {
	var it []connItem
	sc := c.m.opts.Scenario
	if c.scenario < len(c.scenarios) {
		sc = c.scenarios[c.scenario].Name
	}
	if sc == "" {
		sc = "healthy"
	}
	it = append(it, connItem{kind: itemSim, target: "sim://" + sc, label: c.m.T("connect.sim"), detail: sc})
	for _, p := range c.ports {
		d := p.Product
		if p.VID != "" {
			d = strings.TrimSpace(fmt.Sprintf("%s (USB %s:%s)", p.Product, p.VID, p.PID))
		}
		it = append(it, connItem{kind: itemPort, target: serialTarget(p.Name), label: p.Name, detail: d})
	}
	for _, r := range c.recent {
		it = append(it, connItem{kind: itemRecent, target: r, label: r})
	}
	it = append(it, connItem{kind: itemAddr, label: c.m.T("connect.addr")})
	return it
}

// serialTarget is the target URL of a port: serial:///dev/ttyUSB0 or
// serial://COM3.
func serialTarget(name string) string { return "serial://" + name }

type connKeys struct {
	Up, Down, Pick, Find, Connect, Edit, Symptom, Keep, Back key.Binding
}

func (c *connectScreen) keys() connKeys {
	m := c.m
	k := connKeys{
		Up:      m.bind("up/k", "key.up", "up", "k"),
		Down:    m.bind("down/j", "key.down", "down", "j"),
		Pick:    m.bind("left/right", "key.scenario", "left", "right", "h", "l"),
		Find:    m.bind("/", "key.findscenario", "/"),
		Connect: m.bind("enter", "key.connect", "enter"),
		Edit:    m.bind("tab", "key.addr", "tab"),
		Symptom: m.bind("s", "key.nosession", "s"),
		Keep:    m.bind("K", "key.keep", "K"),
		Back:    m.bind("esc", "key.back", "esc"),
	}
	k.Keep.SetEnabled(c.canKeep())
	if c.state == connBusy {
		k.Back = m.bind("esc", "key.cancel", "esc")
	}
	if c.addr.Focused() {
		k = connKeys{Connect: m.bind("enter", "key.connect", "enter"), Back: m.bind("esc", "key.leavefield", "esc")}
	}
	if c.find.Focused() {
		k = connKeys{Up: m.bind("up", "key.up", "up"), Down: m.bind("down", "key.down", "down"),
			Connect: m.bind("enter", "key.pick", "enter"), Back: m.bind("esc", "key.cancel", "esc")}
	}
	return k
}

func (c *connectScreen) ShortHelp() []key.Binding {
	k := c.keys()
	if c.addr.Focused() {
		return []key.Binding{k.Connect, k.Back}
	}
	if c.find.Focused() {
		return []key.Binding{k.Connect, k.Up, k.Down, k.Back}
	}
	if c.state == connBusy {
		return []key.Binding{k.Back}
	}
	// The helpdesk's way in (s) comes before the list keys: at 80 columns
	// the footer drops keys from the end. K shows only with a case to keep.
	return []key.Binding{k.Connect, k.Symptom, k.Keep, k.Find, k.Pick, k.Up, k.Down}
}

// canKeep reports whether there is a symptom of the current case that the
// technician may carry to the next terminal (K).
func (c *connectScreen) canKeep() bool { return c.m.haveInput && c.m.caseTarget != "" }

func (c *connectScreen) FullHelp() [][]key.Binding {
	k := c.keys()
	if c.addr.Focused() {
		return [][]key.Binding{{k.Connect, k.Back}}
	}
	if c.find.Focused() {
		return [][]key.Binding{{k.Up, k.Down}, {k.Connect, k.Back}}
	}
	return [][]key.Binding{{k.Up, k.Down, k.Pick, k.Find}, {k.Connect, k.Edit, k.Symptom, k.Keep, k.Back}}
}

func (c *connectScreen) Update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case loadedMsg:
		c.loaded = true
		c.ports, c.portErr, c.recent, c.scenarios = msg.ports, msg.portErr, msg.recent, msg.scenarios
		for i, s := range c.scenarios {
			if s.Name == c.m.opts.Scenario {
				c.scenario = i
			}
		}
		return nil
	case tea.PasteMsg:
		if c.find.Focused() {
			return c.findKey(msg)
		}
		return updateField(&c.addr, msg)
	case tea.KeyPressMsg:
		return c.key(msg)
	}
	return nil
}

func (c *connectScreen) key(msg tea.KeyPressMsg) tea.Cmd {
	k := c.keys()
	items := c.items()
	if c.addr.Focused() {
		switch {
		case key.Matches(msg, k.Connect):
			t := strings.TrimSpace(c.addr.Value())
			if t == "" {
				return nil
			}
			if _, err := terminal.ParseTarget(t); err != nil {
				c.state, c.err = connFailed, err
				return nil
			}
			c.addr.Blur()
			return c.m.startConnect(t)
		case key.Matches(msg, k.Back):
			c.addr.Blur()
			return nil
		}
		return updateField(&c.addr, msg)
	}
	if c.find.Focused() {
		return c.findKey(msg)
	}
	if c.state == connBusy {
		if key.Matches(msg, k.Back) && c.m.cancelConn != nil {
			c.m.cancelConn()
		}
		return nil
	}
	switch {
	case key.Matches(msg, k.Up):
		c.cursor = (c.cursor - 1 + len(items)) % len(items)
	case key.Matches(msg, k.Down):
		c.cursor = (c.cursor + 1) % len(items)
	case key.Matches(msg, k.Pick):
		if items[c.cursor].kind == itemSim && len(c.scenarios) > 0 {
			d := 1
			if s := msg.String(); s == "left" || s == "h" {
				d = -1
			}
			c.scenario = (c.scenario + d + len(c.scenarios)) % len(c.scenarios)
		}
	case key.Matches(msg, k.Find) && len(c.scenarios) > 0:
		c.cursor, c.found = 0, 0
		c.find.SetValue("")
		return c.find.Focus()
	case key.Matches(msg, k.Edit):
		c.cursor = len(items) - 1
		return c.addr.Focus()
	case key.Matches(msg, k.Connect):
		it := items[c.cursor]
		if it.kind == itemAddr {
			return c.addr.Focus()
		}
		return c.m.startConnect(it.target)
	case key.Matches(msg, k.Symptom):
		c.m.show(scrSymptom)
	case key.Matches(msg, k.Keep) && c.canKeep():
		c.m.keepSymptom = !c.m.keepSymptom
	case key.Matches(msg, k.Back):
		if c.state == connFailed {
			c.state, c.err = connIdle, nil
			return nil
		}
		c.m.back()
	}
	return nil
}

func (c *connectScreen) View() string {
	m, th := c.m, c.m.th
	var b strings.Builder
	if c.state == connBusy {
		b.WriteString("\n" + th.Title.Render(m.F("connect.busy", m.target)) + "\n\n")
		b.WriteString(th.Text.Render(m.T("connect.doing")) + "\n\n")
		for i, st := range c.steps {
			mark := padRight(m.T("badge.ok"), 6)
			if i == len(c.steps)-1 {
				mark = padRight("["+m.spinner()+"]", 6)
			}
			b.WriteString("  " + mark + cut(m.T("connstep."+st), c.w-12) + "\n")
		}
		b.WriteString("\n" + th.Muted.Render(m.T("connect.esc")) + "\n")
		return indent(b.String(), 2)
	}
	b.WriteString(th.Title.Render(m.T("connect.heading")) + "\n")
	b.WriteString(th.Muted.Render(m.T("connect.sub")) + "\n\n")
	items := c.items()
	section := itemKind(-1)
	for i, it := range items {
		if it.kind != section {
			section = it.kind
			if i > 0 {
				b.WriteString("\n")
			}
			b.WriteString(th.Muted.Render(c.sectionTitle(it.kind)) + "\n")
		}
		var line string
		switch it.kind {
		case itemSim:
			line = fmt.Sprintf("%s   %s < %s >", it.label, m.T("connect.scenario"), it.detail)
		case itemAddr:
			v := c.addr.View()
			if !c.addr.Focused() && c.addr.Value() == "" {
				v = th.Muted.Render("tcp://HOST:20007")
			}
			line = it.label + "  [" + v + "]"
		default:
			line = padRight(it.label, 22) + " " + it.detail
		}
		b.WriteString(m.row(cut(line, c.w-4), i == c.cursor) + "\n")
		if it.kind == itemSim && c.find.Focused() {
			b.WriteString(c.findView())
		} else if it.kind == itemSim && c.scenario < len(c.scenarios) && i == c.cursor {
			if d := c.scenarios[c.scenario].describe(m.lang); d != "" {
				b.WriteString("    " + th.Muted.Render(cut(d, c.w-6)) + "\n")
			}
		}
		if it.kind == itemSim && len(c.ports) == 0 && c.loaded {
			// the ports section says there are none
			b.WriteString("\n" + th.Muted.Render(c.sectionTitle(itemPort)) + "\n")
			msg := m.T("connect.noports")
			if c.portErr != nil {
				msg = m.F("connect.porterr", m.plain(c.portErr))
			}
			b.WriteString("  " + th.Muted.Render(cut(msg, c.w-4)) + "\n")
		}
	}
	if c.canKeep() {
		on := m.T("connect.keep.off")
		if m.keepSymptom {
			on = m.T("connect.keep.on")
		}
		b.WriteString("\n" + th.Muted.Render(cut(m.F("connect.keep", m.subject(), on), c.w-4)) + "\n")
	}
	if c.state == connFailed && c.err != nil {
		b.WriteString("\n" + th.Error.Render(cut(m.F("connect.failed", m.target), c.w-4)) + "\n")
		b.WriteString(wrap(m.connErr(c.err), c.w-6) + "\n")
		b.WriteString(th.Title.Render(m.T("connect.try")) + "\n")
		for _, tip := range c.tips() {
			b.WriteString(cut("  - "+tip, c.w-4) + "\n")
		}
	}
	return indent(b.String(), 1)
}

// findKey filters the scenarios as the operator types: up and down move
// through the ones found, enter takes the selected one, esc leaves the
// scenario as it was.
func (c *connectScreen) findKey(msg tea.Msg) tea.Cmd {
	k := c.keys()
	if km, ok := msg.(tea.KeyPressMsg); ok {
		found := c.matches()
		switch {
		case key.Matches(km, k.Up) && len(found) > 0:
			c.found = (c.found - 1 + len(found)) % len(found)
			return nil
		case key.Matches(km, k.Down) && len(found) > 0:
			c.found = (c.found + 1) % len(found)
			return nil
		case key.Matches(km, k.Connect):
			if len(found) > 0 {
				c.scenario = found[min(c.found, len(found)-1)]
				c.find.Blur()
			}
			return nil
		case key.Matches(km, k.Back):
			c.find.Blur()
			return nil
		}
	}
	cmd := updateField(&c.find, msg)
	c.found = 0
	return cmd
}

// findView lists the scenarios found so far, the selected one marked.
func (c *connectScreen) findView() string {
	m, th := c.m, c.m.th
	found := c.matches()
	var b strings.Builder
	b.WriteString("    " + c.find.View() + "  " + th.Muted.Render(m.F("connect.found", len(found), len(c.scenarios))) + "\n")
	room := max(3, c.h-16)
	start := 0
	if c.found >= room {
		start = c.found - room + 1
	}
	for i := start; i < len(found) && i < start+room; i++ {
		s := c.scenarios[found[i]]
		line := padRight(s.Name, 22) + " " + s.describe(m.lang)
		b.WriteString("  " + m.row(cut(line, c.w-8), i == c.found) + "\n")
	}
	return b.String()
}

// sectionKeys are the i18n keys of the connect screen's section titles; any
// other kind is the address section.
var sectionKeys = map[itemKind]string{
	itemSim:    "connect.sec.sim",
	itemPort:   "connect.sec.ports",
	itemRecent: "connect.sec.recent",
}

func (c *connectScreen) sectionTitle(k itemKind) string {
	if id, ok := sectionKeys[k]; ok {
		return c.m.T(id)
	}
	return c.m.T("connect.sec.addr")
}

// tips say what to try after a failed connect, by kind of link.
func (c *connectScreen) tips() []string {
	t, _ := terminal.ParseTarget(c.m.target)
	var keys []string
	switch t.Scheme {
	case terminal.SchemeSerial:
		keys = []string{"tip.serial.cable", "tip.serial.busy", "tip.serial.ecr"}
	case terminal.SchemeSim:
		keys = []string{"tip.sim.name"}
	default:
		keys = []string{"tip.tcp.addr", "tip.tcp.net", "tip.tcp.ecr"}
	}
	out := make([]string, len(keys))
	for i, k := range keys {
		out[i] = c.m.T(k)
	}
	return out
}
