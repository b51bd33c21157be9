package ui

import (
	"context"
	"fmt"
	"strings"
	"time"

	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/posdoctor/posdoctor/checks"
	"github.com/posdoctor/posdoctor/model"
	"github.com/posdoctor/posdoctor/ui/i18n"
	"github.com/posdoctor/posdoctor/ui/theme"
)

// MinWidth and MinHeight are the smallest terminal the console lays out in.
const (
	MinWidth  = 80
	MinHeight = 24
)

// Options configure the console.
type Options struct {
	Backend  Backend
	Target   string     // connect at once when set
	Scenario string     // default simulator scenario
	Lang     model.Lang // zh or en
	Theme    theme.Mode
	NoColor  bool
	Now      func() time.Time // clock; time.Now when nil
	Amount   int64            // test transaction amount, minor units (default 1)
	Currency int              // ISO 4217 numeric (default 156, CNY)
	Hint     string           // a one-line hint shown at start (e.g. use Windows Terminal)

	// Case is the shared case this view shows; New makes a new one when nil.
	Case *Case
	// Actor is who sits at this view: the technician (zero value) or an SSH
	// viewer (Remote), who is read-only until the technician grants control.
	Actor Actor
	// NoMoney refuses the test payment from this view (a console served
	// over SSH: money is confirmed only at the counter).
	NoMoney bool
	// Share starts sharing the case over SSH (the S key); nil when this
	// build or front end cannot share.
	Share func(c *Case) (ShareInfo, error)
	// TraceLog is a host-message log to open in the trace view at start
	// (needs a TraceLogReader backend).
	TraceLog string
}

type screenID int

const (
	scrConnect screenID = iota
	scrSymptom
	scrDashboard
	scrDiagnosis
	scrWizard
	scrTrace
	scrSolved
	scrAnswer
)

type overlayID int

const (
	ovNone overlayID = iota
	ovHelp
	ovConfirmTxn
	ovExport
	ovQuit
	ovNotice
	ovStopping
	ovControlReq // a viewer asks for control (technician's view)
)

// screen is one component of the console (soft-serve's Component).
type screen interface {
	help.KeyMap
	SetSize(w, h int)
	Update(msg tea.Msg) tea.Cmd
	View() string
	// Title is the screen's name in the header.
	Title() string
	// Capturing reports that a text field has the focus: single-letter
	// global keys (q, ?, L) then type into it.
	Capturing() bool
}

// Model is the console's root model: one view of a shared Case. The
// embedded *Case is the case itself (connection, results, diagnosis,
// wizard, viewers), shared with every other view; every other field is this
// view's own (size, language, theme, screen in front, overlay, focus,
// scroll, its own message).
type Model struct {
	*Case

	opts  Options
	lang  model.Lang
	mode  theme.Mode
	dark  bool
	th    theme.Theme
	now   func() time.Time
	w, h  int
	ready bool // a WindowSizeMsg arrived

	active  screenID
	history []screenID
	overlay overlayID

	connect *connectScreen
	symptom *symptomScreen
	dash    *dashboard
	diag    *diagnosisScreen
	wiz     *wizard
	trace   *traceView
	solvedS *solvedScreen
	answer  *answerScreen

	toast note // this view's own message; the case has one too (caseNote)

	// pending is a run holding the test payment, waiting for the
	// technician's y (money is confirmed only at the counter's keyboard).
	pending    []model.CheckID
	pendingFor runPurpose

	// the view of the shared case
	who      Actor
	caseCh   <-chan Event
	deskCh   <-chan remoteKey // co-pilot keys (the technician's view only)
	ctx      context.Context
	stop     context.CancelFunc
	fromDesk *Actor // set while a co-pilot's key is being handled
	noMoney  bool   // no test payment from this view (serve --ssh)
	extra    int    // lines between the body and the status line (sharing)

	// quitting with a payment in flight (stop.go)
	stopping  bool
	stopSince time.Time
	quitting  bool // the console itself asked to end
	exitNote  string

	// spinner: one, ticking only while something runs
	spin    int
	ticking bool
}

type runPurpose struct {
	kind string // "all", "one", "proposed", "verify"
	step string // wizard step id for verify
}

// New builds the console.
func New(o Options) *Model {
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Amount <= 0 {
		o.Amount = 1
	}
	if o.Currency == 0 {
		o.Currency = 156
	}
	if o.Lang == "" {
		o.Lang = model.LangEn
	}
	if o.Theme == "" {
		o.Theme = theme.Auto
	}
	c := o.Case
	if c == nil {
		c = NewCase(CaseOptions{Backend: o.Backend, Now: o.Now, Amount: o.Amount, Currency: o.Currency})
	}
	m := &Model{Case: c, opts: o, lang: o.Lang, mode: o.Theme, dark: true, now: o.Now,
		who: o.Actor, noMoney: o.NoMoney}
	m.ctx, m.stop = context.WithCancel(context.Background())
	m.th = theme.New(m.mode, m.dark, o.NoColor)
	m.connect = newConnect(m)
	m.symptom = newSymptom(m)
	m.dash = newDashboard(m)
	m.diag = newDiagnosis(m)
	m.wiz = newWizard(m)
	m.trace = newTrace(m)
	m.solvedS = newSolved(m)
	m.answer = newAnswer(m)
	m.w, m.h = MinWidth, MinHeight
	m.resize()
	return m
}

// NewView is a view of the shared case c for o.Actor (an SSH viewer, or a
// console served over SSH).
func NewView(c *Case, o Options) *Model {
	o.Case = c
	if o.Backend == nil {
		o.Backend = c.b
	}
	o.Amount, o.Currency = c.amount, c.curr
	return New(o)
}

// Init subscribes to the case, loads ports, recent targets and scenarios,
// asks the terminal for its background colour and, with a target,
// connects.
func (m *Model) Init() tea.Cmd {
	m.caseCh = m.Case.Subscribe(m.ctx)
	cmds := []tea.Cmd{m.listenCase()}
	if !m.who.Remote {
		m.deskCh = m.Case.desk()
		cmds = append(cmds, m.listenDesk())
	}
	m.Case.mu.Lock()
	defer m.Case.mu.Unlock()
	if m.who.Remote {
		m.active = m.front
		m.resize()
		return tea.Batch(append(cmds, m.startTickingIfBusy())...)
	}
	cmds = append(cmds, m.loadCmd())
	if m.mode == theme.Auto && !m.opts.NoColor {
		cmds = append(cmds, tea.RequestBackgroundColor)
	}
	if m.opts.Target != "" {
		cmds = append(cmds, m.startConnect(m.opts.Target))
	}
	if m.opts.Hint != "" && m.toast.empty() {
		m.setToast(m.opts.Hint, false)
	}
	if r, ok := m.logReader(); ok && m.opts.TraceLog != "" {
		m.show(scrTrace)
		cmds = append(cmds, m.trace.openLog(r, m.opts.TraceLog))
	}
	return tea.Batch(cmds...)
}

// T translates a chrome message.
func (m *Model) T(k string) string { return i18n.T(m.lang, k) }

// F formats a chrome message.
func (m *Model) F(k string, a ...any) string { return i18n.F(m.lang, k, a...) }

// Connected reports whether a session is open.
func (m *Model) Connected() bool { return m.sess != nil }

// Busy reports whether work is running (a connect, a run or a fix).
func (m *Model) Busy() bool { return m.connecting || m.running || m.fixing || m.stopping }

// Screen is the name of the screen in front (for tests).
func (m *Model) Screen() string { return screenNames[m.active] }

// screenNames are the screens' names, by screenID.
var screenNames = [...]string{"connect", "symptom", "dashboard", "diagnosis", "wizard", "trace", "solved", "answer"}

// Results returns the latest result of every check run so far.
func (m *Model) Results() []checks.Result {
	var out []checks.Result
	for _, id := range model.CheckOrder {
		if r, ok := m.results[id]; ok {
			out = append(out, r)
		}
	}
	return out
}

// Close releases the session (after the program ended). A remote view
// only stops listening: the case stays with the technician.
func (m *Model) Close() error {
	m.stop()
	if m.who.Remote {
		return nil
	}
	m.Case.mu.Lock()
	defer m.Case.mu.Unlock()
	m.changed(EvEnded)
	if m.cancelRun != nil {
		m.cancelRun()
	}
	if m.unsub != nil {
		m.unsub()
	}
	if m.sess != nil {
		return m.sess.Close()
	}
	return nil
}

func (m *Model) current() screen {
	switch m.active {
	case scrSymptom:
		return m.symptom
	case scrDashboard:
		return m.dash
	case scrDiagnosis:
		return m.diag
	case scrWizard:
		return m.wiz
	case scrTrace:
		return m.trace
	case scrSolved:
		return m.solvedS
	case scrAnswer:
		return m.answer
	}
	return m.connect
}

func (m *Model) show(s screenID) {
	if s == m.active {
		return
	}
	m.history = append(m.history, m.active)
	m.active = s
	if s == scrTrace {
		m.trace.refresh()
	}
}

func (m *Model) back() {
	if n := len(m.history); n > 0 {
		m.active = m.history[n-1]
		m.history = m.history[:n-1]
	}
}

// setToast sets this view's own message (already in its language).
func (m *Model) setToast(s string, isErr bool) {
	m.Case.seq++
	m.toast = note{raw: s, err: isErr, seq: m.Case.seq}
}

// say sets the case's message: every view shows it, in its own language.
func (m *Model) say(isErr bool, key string, args ...any) { m.Case.say(isErr, key, args...) }

// latestNote is the newer of this view's message and the case's.
func (m *Model) latestNote() note {
	if m.caseNote.seq > m.toast.seq {
		return m.caseNote
	}
	return m.toast
}

// needExtra is 1 when the line that says who watches (technician) or that
// this view is read-only (viewer) is on screen.
func (m *Model) needExtra() int {
	if m.who.Remote || m.watchers() != "" {
		return 1
	}
	return 0
}

func (m *Model) bodySize() (int, int) { return m.w, m.h - 3 - m.extra }

func (m *Model) resize() {
	m.extra = m.needExtra()
	w, h := m.bodySize()
	for _, s := range []screen{m.connect, m.symptom, m.dash, m.diag, m.wiz, m.trace, m.solvedS, m.answer} {
		s.SetSize(w, h)
	}
}

// Update holds the case for the length of one message, routes it (update)
// and, when the technician's view changed the case, tells every other view.
func (m *Model) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	m.Case.mu.Lock()
	defer m.Case.mu.Unlock()
	cmd := m.update(msg)
	if !m.who.Remote && changesCase(msg) {
		m.front = m.active
		m.changed(EvChanged)
	}
	return m, cmd
}

// changesCase reports whether msg may have changed the case: keys and the
// results of work, not sizes, ticks, colours or the case's own events.
func changesCase(msg tea.Msg) bool {
	switch msg.(type) {
	case tea.WindowSizeMsg, tickMsg, tea.BackgroundColorMsg, caseMsg, loadedMsg:
		return false
	}
	return true
}

// update routes messages: keys to the overlay, the focused field or the
// screen in front; async results to whoever started them; the case's
// events and the co-pilot's keys.
func (m *Model) update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case caseMsg:
		return m.onCase(msg)
	case deskMsg:
		return tea.Batch(m.onRemoteKey(msg.rk), m.listenDesk())
	}
	_, cmd := m.route(msg)
	return cmd
}

func (m *Model) route(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		m.w, m.h, m.ready = msg.Width, msg.Height, true
		m.resize()
		return m, nil
	case tea.BackgroundColorMsg:
		m.dark = msg.IsDark()
		m.th = theme.New(m.mode, m.dark, m.opts.NoColor)
		m.restyle()
		return m, nil
	case tea.KeyPressMsg:
		return m, m.handleKey(msg)
	case interruptMsg:
		return m, m.quit()
	case tea.PasteMsg:
		return m, m.current().Update(msg)
	case tickMsg:
		if !m.Busy() {
			m.ticking = false
			return m, nil
		}
		m.spin++
		return m, tick()
	case loadedMsg:
		return m, m.connect.Update(msg)
	case connectedMsg:
		return m, m.onConnected(msg)
	case connStepMsg:
		if msg.gen == m.connGen && m.connecting {
			m.connect.steps = append(m.connect.steps, msg.step)
		}
		return m, listenSteps(msg.gen, msg.steps)
	case eventMsg:
		return m, m.onEvent(msg)
	case runDoneMsg:
		return m, m.onRunDone(msg)
	case fixDoneMsg:
		return m, m.onFixDone(msg)
	case sharedMsg:
		m.onShared(msg)
		return m, nil
	case exportDoneMsg:
		m.overlay = ovNone
		if msg.err != nil {
			m.setToast(m.F("export.failed", m.plain(msg.err)), true)
		} else {
			m.setToast(m.F("export.written", msg.path), false)
		}
		return m, nil
	case recordedMsg:
		if msg.err != nil {
			m.setToast(m.F("journal.failed", m.plain(msg.err)), true)
		}
		return m, nil
	}
	return m, m.current().Update(msg)
}

func (m *Model) restyle() {
	m.connect.restyle()
	m.symptom.restyle()
	m.wiz.restyle()
	m.trace.restyle()
}

func (m *Model) globalKeys() []key.Binding {
	return []key.Binding{
		m.bind("?", "key.help", "?", "f1"),
		m.bind("L", "key.lang", "L"),
		m.bind("T", "key.theme", "T"),
		m.bind("q", "key.quit", "q"),
	}
}

func (m *Model) bind(helpKey, descKey string, keys ...string) key.Binding {
	return key.NewBinding(key.WithKeys(keys...), key.WithHelp(helpKey, m.T(descKey)))
}

func (m *Model) handleKey(msg tea.KeyPressMsg) tea.Cmd {
	k := msg.String()
	if cmd, ok := m.controlKey(k); ok {
		return cmd
	}
	if cmd, ok := m.viewerKey(k, msg); ok {
		return cmd
	}
	if k == "ctrl+c" {
		return m.quit()
	}
	switch m.overlay {
	case ovStopping:
		return nil // only ctrl+c: the payment is being finished
	case ovHelp:
		if k == "?" || k == "f1" || k == "esc" || k == "q" || k == "enter" {
			m.overlay = ovNone
		}
		return nil
	case ovQuit:
		switch k {
		case "y", "Y", "enter":
			return m.quit()
		default:
			m.overlay = ovNone
			m.setToast("", false)
		}
		return nil
	case ovConfirmTxn:
		return m.confirmTxnKey(k)
	case ovNotice:
		if k == "enter" || k == "esc" || k == "y" {
			m.overlay = ovNone
			m.notices = nil
		}
		return nil
	case ovExport:
		switch k {
		case "m", "M":
			return m.exportCmd("md")
		case "h", "H":
			return m.exportCmd("html")
		case "esc", "q":
			m.overlay = ovNone
		}
		return nil
	}
	if k == "f1" {
		m.overlay = ovHelp
		return nil
	}
	cur := m.current()
	if cur.Capturing() {
		return cur.Update(msg)
	}
	switch k {
	case "?":
		m.overlay = ovHelp
		return nil
	case "S":
		if m.opts.Share != nil && !m.who.Remote && !m.fromRemote() {
			return m.shareCmd()
		}
	case "q":
		if m.Busy() && !m.who.Remote {
			m.overlay = ovQuit
			return nil
		}
		return m.quit()
	case "L":
		m.lang = i18n.Toggle(m.lang)
		m.setToast(m.T("toast.lang"), false)
		return nil
	case "T":
		m.cycleTheme()
		return nil
	}
	return cur.Update(msg)
}

func (m *Model) cycleTheme() {
	order := []theme.Mode{theme.Dark, theme.Light, theme.HighContrast}
	next := order[0]
	for i, md := range order {
		if md == m.mode {
			next = order[(i+1)%len(order)]
		}
	}
	m.mode = next
	m.th = theme.New(m.mode, m.dark, m.opts.NoColor)
	m.restyle()
	m.setToast(m.F("toast.theme", m.th.Name), false)
}

// View draws header, body (or overlay), status line and key hints.
func (m *Model) View() tea.View {
	m.Case.mu.Lock()
	defer m.Case.mu.Unlock()
	v := tea.NewView(m.render())
	v.AltScreen = true
	v.MouseMode = tea.MouseModeNone
	v.WindowTitle = "posdoctor"
	if m.Busy() {
		// Windows Terminal shows this as tab and taskbar progress (OSC 9;4).
		v.ProgressBar = tea.NewProgressBar(tea.ProgressBarIndeterminate, 0)
	}
	return v
}

// Render is the screen as a string (View's content), for golden tests.
func (m *Model) Render() string {
	m.Case.mu.Lock()
	defer m.Case.mu.Unlock()
	return m.render()
}

func (m *Model) render() string {
	if m.needExtra() != m.extra {
		m.resize() // sharing started or the last viewer left
	}
	if m.w < MinWidth || m.h < MinHeight {
		return m.tooSmall()
	}
	w, bh := m.bodySize()
	var body string
	switch m.overlay {
	case ovHelp:
		body = m.helpView(w, bh)
	case ovConfirmTxn:
		body = m.center(w, bh, m.confirmTxnView())
	case ovExport:
		body = m.center(w, bh, m.exportView())
	case ovNotice:
		body = m.center(w, bh, m.noticeView())
	case ovStopping:
		body = m.center(w, bh, m.stoppingView())
	case ovControlReq:
		if len(m.share.requests) > 0 {
			body = m.center(w, bh, m.requestView())
		} else {
			body = m.current().View()
		}
	default:
		body = m.current().View()
	}
	lines := []string{m.header()}
	lines = append(lines, fit(body, w, bh)...)
	if m.extra > 0 {
		lines = append(lines, m.shareLine())
	}
	lines = append(lines, m.statusLine(), m.footer())
	return lastResort.Replace(strings.Join(lines, "\n"))
}

func (m *Model) tooSmall() string {
	msg := m.F("small.msg", m.w, m.h, MinWidth, MinHeight)
	hint := m.T("small.hint")
	w, h := max(m.w, 1), max(m.h, 1)
	s := lipgloss.NewStyle().Width(w).Align(lipgloss.Center).Render(msg + "\n" + hint)
	return strings.Join(fit(lipgloss.PlaceVertical(h, lipgloss.Center, s), w, h), "\n")
}

func (m *Model) header() string {
	left := " posdoctor  |  " + m.current().Title()
	if m.overlay == ovHelp {
		left = " posdoctor  |  " + m.T("help.title")
	}
	tgt := m.T("hdr.offline")
	if m.sess != nil {
		tgt = m.target
	} else if m.connecting {
		tgt = m.F("hdr.connecting", m.target)
	}
	right := tgt + "  |  " + m.T("hdr.lang") + " "
	gap := m.w - ansi.StringWidth(left) - ansi.StringWidth(right)
	if gap < 1 {
		right = ansi.Truncate(right, max(0, m.w-ansi.StringWidth(left)-1), "...")
		gap = m.w - ansi.StringWidth(left) - ansi.StringWidth(right)
	}
	line := left + strings.Repeat(" ", max(gap, 0)) + right
	return m.th.App.Render(ansi.Truncate(line, m.w, ""))
}

func (m *Model) statusLine() string {
	if m.overlay == ovQuit {
		return m.th.Error.Render(ansi.Truncate(" "+m.T("quit.confirm"), m.w, "..."))
	}
	var parts []string
	if m.Busy() {
		parts = append(parts, m.th.Run.Render(m.spinner()+" "+m.busyText()))
	}
	if n := m.latestNote(); !n.empty() {
		st := m.th.Toast
		if n.err {
			st = m.th.Error
		}
		parts = append(parts, st.Render(m.renderNote(n)))
	}
	return ansi.Truncate(" "+strings.Join(parts, "  "), m.w, "...")
}

func (m *Model) busyText() string {
	switch {
	case m.connecting:
		return m.F("busy.connecting", m.target)
	case m.stopping:
		return m.T("busy.stopping")
	case m.fixing:
		return m.T("busy.fixing")
	default:
		return m.F("busy.running", len(m.runIDs))
	}
}

func (m *Model) footer() string {
	g := m.globalKeys()
	tail := []key.Binding{g[0], g[3]}
	if m.overlay != ovNone {
		tail = nil // a dialog in front takes every key
	}
	item := func(b key.Binding) (string, int) {
		h := b.Help()
		return m.th.Key.Render(h.Key) + " " + m.th.Desc.Render(h.Desc), ansi.StringWidth(h.Key + " " + h.Desc)
	}
	tailW := 0
	var tailParts []string
	for _, b := range tail {
		s, w := item(b)
		tailParts = append(tailParts, s)
		tailW += w + 2
	}
	avail := m.w - 1 - tailW
	var parts []string
	used := 0
	for _, b := range m.shortHelp() {
		if !b.Enabled() {
			continue
		}
		s, w := item(b)
		if used+w+2 > avail {
			break
		}
		parts = append(parts, s)
		used += w + 2
	}
	return " " + strings.Join(append(parts, tailParts...), "  ")
}

// shortHelp is the keys of what is in front: an overlay, or the screen.
func (m *Model) shortHelp() []key.Binding {
	switch m.overlay {
	case ovHelp:
		return []key.Binding{m.bind("?/esc", "key.close", "?", "esc")}
	case ovConfirmTxn:
		return []key.Binding{m.bind("y", "txn.yes", "y"), m.bind("n", "txn.no", "n"), m.bind("esc", "key.cancel", "esc")}
	case ovExport:
		return []key.Binding{m.bind("m", "export.md", "m"), m.bind("h", "export.html", "h"), m.bind("esc", "key.cancel", "esc")}
	case ovQuit:
		return []key.Binding{m.bind("y", "key.quit", "y"), m.bind("n", "key.stay", "n")}
	case ovNotice:
		return []key.Binding{m.bind("enter", "key.understood", "enter")}
	case ovStopping:
		return []key.Binding{m.bind("ctrl+c", "key.leavenow", "ctrl+c")}
	case ovControlReq:
		return []key.Binding{m.bind("y", "share.allow", "y"), m.bind("n", "share.refuse", "n")}
	}
	return m.current().ShortHelp()
}

func (m *Model) helpModel() help.Model {
	h := help.New()
	h.ShortSeparator = "  "
	h.FullSeparator = "    "
	h.Ellipsis = "..."
	h.SetWidth(m.w - 2)
	st := help.Styles{
		ShortKey: m.th.Key, ShortDesc: m.th.Desc, ShortSeparator: m.th.Sep,
		FullKey: m.th.Key, FullDesc: m.th.Desc, FullSeparator: m.th.Sep, Ellipsis: m.th.Sep,
	}
	h.Styles = st
	return h
}

func (m *Model) helpView(w, h int) string {
	hm := m.helpModel()
	groups := m.current().FullHelp()
	groups = append(groups, m.globalKeys())
	var b strings.Builder
	b.WriteString(m.th.Title.Render(m.F("help.for", m.current().Title())) + "\n\n")
	b.WriteString(hm.FullHelpView(groups) + "\n\n")
	if sk := m.shareKeys(); len(sk) > 0 {
		// lines of their own: a fifth column would not fit the width
		b.WriteString(m.th.Muted.Render(m.T("help.sharing")) + "\n")
		for _, k := range sk {
			h := k.Help()
			b.WriteString(cut("  "+m.th.Key.Render(padRight(h.Key, 7))+" "+m.th.Desc.Render(h.Desc), w-4) + "\n")
		}
		b.WriteString("\n")
	}
	b.WriteString(m.th.Muted.Render(m.T("help.general")) + "\n")
	b.WriteString(m.th.Muted.Render(m.T("help.close")))
	return indent(b.String(), 2)
}

func (m *Model) center(w, h int, box string) string {
	return lipgloss.Place(w, h, lipgloss.Center, lipgloss.Center, box)
}

func (m *Model) spinner() string {
	frames := []string{"|", "/", "-", "\\"}
	return frames[m.spin%len(frames)]
}

// tickMsg advances the spinner.
type tickMsg struct{}

func tick() tea.Cmd {
	return tea.Tick(120*time.Millisecond, func(time.Time) tea.Msg { return tickMsg{} })
}

// startTicking starts the one spinner if it is not ticking already.
func (m *Model) startTicking() tea.Cmd {
	if m.ticking {
		return nil
	}
	m.ticking = true
	return tick()
}

// fit pads or cuts s to exactly h lines of at most w cells.
func fit(s string, w, h int) []string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	if len(lines) > h {
		lines = lines[:h]
	}
	for i, l := range lines {
		if ansi.StringWidth(l) > w {
			lines[i] = ansi.Truncate(l, w, "")
		}
	}
	for len(lines) < h {
		lines = append(lines, "")
	}
	return lines
}

func indent(s string, n int) string {
	pad := strings.Repeat(" ", n)
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		if l != "" {
			lines[i] = pad + l
		}
	}
	return strings.Join(lines, "\n")
}

// padRight pads s with spaces to w cells (display width, not runes).
func padRight(s string, w int) string {
	if n := ansi.StringWidth(s); n < w {
		return s + strings.Repeat(" ", w-n)
	}
	return s
}

// row is one line of a list: "> " and the selected style for the line under
// the cursor, two spaces before any other.
func (m *Model) row(line string, selected bool) string {
	if selected {
		return "> " + m.th.Selected.Render(line)
	}
	return "  " + line
}

// cut truncates s to w cells with "..." (ASCII, never the ambiguous
// ellipsis glyph).
func cut(s string, w int) string {
	if w <= 0 {
		return ""
	}
	return ansi.Truncate(narrow(s), w, "...")
}

// wrap wraps s to w cells (CJK-aware: lipgloss hard-wraps ideographs).
func wrap(s string, w int) string {
	if w < 10 {
		w = 10
	}
	return lipgloss.NewStyle().Width(w).Render(narrow(s))
}

// fmtDur is a duration in posdoctor's one style (check's text output
// too): "180ms" below a second, "4.2s" from one; "" for none (below zero).
func fmtDur(d time.Duration) string {
	if d < 0 {
		return ""
	}
	if d < time.Second {
		return fmt.Sprintf("%dms", d.Milliseconds())
	}
	return fmt.Sprintf("%.1fs", d.Seconds())
}

// showChecks goes to the checks of the session, or to the connect screen
// when there is none.
func (m *Model) showChecks() {
	if m.Connected() {
		m.show(scrDashboard)
	} else {
		m.show(scrConnect)
	}
}
