package remote

import (
	"fmt"
	"net"
	"strings"
	"sync"

	tea "charm.land/bubbletea/v2"

	"github.com/posdoctor/posdoctor/model"
)

// Console makes the console of one SSH login (`serve --ssh`), once that
// login has the terminal; done runs when the login ends.
type Console func(s *Session) (m tea.Model, done func())

// Consoles serves a console per SSH login on the PC wired to the terminal.
// A login gets its console once it holds the terminal's Lease; a second
// login is told who has the terminal, since when, and waits: its console
// starts by itself when the first login leaves. Commands of two logins never
// interleave on the one line to the terminal.
type Consoles struct {
	srv    *Server
	lease  *Lease
	notify func(ConsoleEvent)
}

// ConsolesConfig configures NewConsoles.
type ConsolesConfig struct {
	Config
	// Lease is the terminal's lease (a new one when nil).
	Lease *Lease
	// OnEvent, when set, hears of every login, turn and leave (the PC's
	// own log lines). It must not block.
	OnEvent func(ConsoleEvent)
}

// ConsoleEvent is something a login did.
type ConsoleEvent struct {
	Kind string // ConsoleLogin, ConsoleWait, ConsoleTurn or ConsoleLeave
	Who  string // Identity.Name
	Addr string // where the login came from
}

// Kinds of ConsoleEvent.
const (
	ConsoleLogin = "login" // logged in and has the terminal
	ConsoleWait  = "wait"  // logged in and waits for the terminal
	ConsoleTurn  = "turn"  // waited, has the terminal now
	ConsoleLeave = "leave" // logged out (and gave the terminal back)
)

// NewConsoles makes the server; nothing listens yet (Listen, Serve).
func NewConsoles(cfg ConsolesConfig, console Console) (*Consoles, error) {
	if cfg.Lease == nil {
		cfg.Lease = NewLease(nil)
	}
	if cfg.OnEvent == nil {
		cfg.OnEvent = func(ConsoleEvent) {}
	}
	cs := &Consoles{lease: cfg.Lease, notify: cfg.OnEvent}
	srv, err := NewServer(cfg.Config, cs.app(console))
	if err != nil {
		return nil, err
	}
	cs.srv = srv
	return cs, nil
}

// Listen serves addr (":0" for any port) in the background.
func (cs *Consoles) Listen(addr string) (net.Addr, error) { return cs.srv.Listen(addr) }

// Serve serves ln until Close.
func (cs *Consoles) Serve(ln net.Listener) error { return cs.srv.Serve(ln) }

// Fingerprint is the host key's fingerprint.
func (cs *Consoles) Fingerprint() string { return cs.srv.Fingerprint() }

// Lease is the terminal's lease the logins share.
func (cs *Consoles) Lease() *Lease { return cs.lease }

// Close ends every login.
func (cs *Consoles) Close() error { return cs.srv.Close() }

// app is a login's program: the console at once when the terminal is free,
// else the waiting screen, which turns into the console when it is.
func (cs *Consoles) app(console Console) App {
	return func(s *Session) (tea.Model, []tea.ProgramOption, func()) {
		t := &turn{}
		who := s.Who.Name()
		ev := func(kind string) { cs.notify(ConsoleEvent{Kind: kind, Who: who, Addr: s.SSH.RemoteAddr().String()}) }
		done := func() {
			t.end()
			ev(ConsoleLeave)
		}
		if release, ok := cs.lease.TryAcquire(who); ok {
			t.take(release)
			ev(ConsoleLogin)
			m, end := console(s)
			t.onEnd(end)
			return m, nil, done
		}
		ev(ConsoleWait)
		w := &waiting{s: s, lease: cs.lease, turn: t, console: console, who: who, held: make(chan Holder, 4),
			onTurn: func() { ev(ConsoleTurn) }}
		return w, nil, done
	}
}

// turn is one login's hold on the terminal: given back when the login ends,
// also when the lease came through just as it ended.
type turn struct {
	mu      sync.Mutex
	ended   bool
	release func()
	ends    []func()
}

// take keeps release; a login that has ended gives the terminal back at
// once. It reports whether the login is still there.
func (t *turn) take(release func()) bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.ended {
		release()
		return false
	}
	t.release = release
	return true
}

func (t *turn) onEnd(f func()) {
	if f == nil {
		return
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	t.ends = append(t.ends, f)
}

// end closes the console first (it closes the terminal's connection),
// then gives the terminal back.
func (t *turn) end() {
	t.mu.Lock()
	t.ended = true
	ends, release := t.ends, t.release
	t.ends, t.release = nil, nil
	t.mu.Unlock()
	for _, f := range ends {
		f()
	}
	if release != nil {
		release()
	}
}

// waiting is the screen of a login whose turn has not come: who has the
// terminal and since when; then, once it is free, the console itself.
type waiting struct {
	s       *Session
	lease   *Lease
	turn    *turn
	console Console
	who     string
	held    chan Holder
	onTurn  func()

	holder Holder
	inner  tea.Model
	// replay are the messages about this login's terminal (size, colours)
	// the console gets first when it starts.
	replay []tea.Msg
}

type (
	holderMsg Holder
	turnMsg   struct{}
)

func (w *waiting) Init() tea.Cmd {
	if h, ok := w.lease.Holder(); ok {
		w.holder = h
	}
	return tea.Batch(w.acquire(), w.listen())
}

// acquire waits for the terminal until the login ends.
func (w *waiting) acquire() tea.Cmd {
	ctx := w.s.SSH.Context()
	return func() tea.Msg {
		release, err := w.lease.Acquire(ctx, w.who, func(h Holder) {
			select {
			case w.held <- h:
			default:
			}
		})
		if err != nil || !w.turn.take(release) {
			return nil
		}
		w.onTurn()
		return turnMsg{}
	}
}

func (w *waiting) listen() tea.Cmd {
	ctx := w.s.SSH.Context()
	return func() tea.Msg {
		select {
		case h := <-w.held:
			return holderMsg(h)
		case <-ctx.Done():
			return nil
		}
	}
}

func (w *waiting) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	if w.inner != nil {
		var cmd tea.Cmd
		w.inner, cmd = w.inner.Update(msg)
		return w, cmd
	}
	switch msg := msg.(type) {
	case tea.WindowSizeMsg, tea.ColorProfileMsg, tea.BackgroundColorMsg:
		w.replay = append(w.replay, msg)
	case holderMsg:
		w.holder = Holder(msg)
		return w, w.listen()
	case turnMsg:
		return w, w.start()
	case tea.KeyPressMsg:
		if k := msg.String(); k == "q" || k == "ctrl+c" {
			return w, tea.Quit
		}
	}
	return w, nil
}

// start turns the waiting screen into the console.
func (w *waiting) start() tea.Cmd {
	m, end := w.console(w.s)
	w.turn.onEnd(end)
	w.inner = m
	cmds := []tea.Cmd{m.Init()}
	for _, msg := range w.replay {
		var cmd tea.Cmd
		w.inner, cmd = w.inner.Update(msg)
		cmds = append(cmds, cmd)
	}
	w.replay = nil
	return tea.Batch(cmds...)
}

func (w *waiting) View() tea.View {
	if w.inner != nil {
		return w.inner.View()
	}
	v := tea.NewView(w.text())
	v.AltScreen = true
	return v
}

// waitTexts are the waiting screen's lines.
var waitTexts = map[string]model.Text{
	"title": {En: "posdoctor: waiting for the terminal", Zh: "posdoctor：等待终端"},
	"busy":  {En: "The terminal is in use by %s since %s.", Zh: "终端正由 %s 使用（自 %s 起）。"},
	"why":   {En: "One login at a time talks to the terminal, so commands never mix on its line.", Zh: "同一时间只有一个登录可以与终端通信，指令不会在线路上混在一起。"},
	"next":  {En: "Your console opens by itself as soon as they leave.", Zh: "对方退出后，您的控制台会自动打开。"},
	"quit":  {En: "q quits.", Zh: "按 q 退出。"},
}

func (w *waiting) t(k string) string { return waitTexts[k].In(w.s.Lang) }

func (w *waiting) text() string {
	name, since := w.holder.Name, w.holder.Since.Format("15:04")
	if name == "" {
		name, since = "?", "--:--"
	}
	lines := []string{w.t("title"), "", fmt.Sprintf(w.t("busy"), name, since), "", w.t("why"), w.t("next"), "", w.t("quit")}
	return "\n" + indentLines(lines, "  ")
}

func indentLines(lines []string, pre string) string {
	var b strings.Builder
	for _, l := range lines {
		if l != "" {
			b.WriteString(pre + l)
		}
		b.WriteString("\n")
	}
	return b.String()
}
