package remote

import (
	"net"
	"sync"

	tea "charm.land/bubbletea/v2"

	"github.com/posdoctor/posdoctor/ui"
)

// Console makes the console of one SSH login (`serve --ssh`), once that
// login has the terminal: its model, its case (which a waiting login may
// watch), and done, run when the login ends.
type Console func(s *Session) (m tea.Model, c *ui.Case, done func())

// Consoles serves a console per SSH login on the PC wired to the terminal.
// A login gets its console once it holds the terminal's Lease; a second
// login is told who has the terminal, since when, and waits: its console
// starts by itself when the first login leaves. Commands of two logins never
// interleave on the one line to the terminal.
type Consoles struct {
	srv    *Server
	lease  *Lease
	notify func(ConsoleEvent)

	mu  sync.Mutex
	cur *ui.Case // the case of the login that has the terminal
}

// ConsolesConfig configures NewConsoles.
type ConsolesConfig struct {
	Config
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

// NewConsoles makes the server; nothing listens yet (Listen).
func NewConsoles(cfg ConsolesConfig, console Console) (*Consoles, error) {
	if cfg.OnEvent == nil {
		cfg.OnEvent = func(ConsoleEvent) {}
	}
	cs := &Consoles{lease: NewLease(nil), notify: cfg.OnEvent}
	srv, err := NewServer(cfg.Config, cs.app(console))
	if err != nil {
		return nil, err
	}
	cs.srv = srv
	return cs, nil
}

// Listen serves addr (":0" for any port) in the background.
func (cs *Consoles) Listen(addr string) (net.Addr, error) { return cs.srv.Listen(addr) }

// Fingerprint is the host key's fingerprint.
func (cs *Consoles) Fingerprint() string { return cs.srv.Fingerprint() }

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
			return cs.start(s, t, console), nil, done
		}
		ev(ConsoleWait)
		w := &waiting{s: s, cs: cs, turn: t, console: console, who: who, held: make(chan Holder, 4),
			onTurn: func() { ev(ConsoleTurn) }}
		t.onEnd(w.stopWatching)
		return w, nil, done
	}
}

// start makes the console of the login that has the terminal; its case is
// the one waiting logins watch, until it ends.
func (cs *Consoles) start(s *Session, t *turn, console Console) tea.Model {
	m, c, end := console(s)
	cs.mu.Lock()
	cs.cur = c
	cs.mu.Unlock()
	t.onEnd(func() {
		cs.mu.Lock()
		if cs.cur == c {
			cs.cur = nil
		}
		cs.mu.Unlock()
		if end != nil {
			end()
		}
	})
	return m
}

// current is the case of the login that has the terminal (nil: none).
func (cs *Consoles) current() *ui.Case {
	cs.mu.Lock()
	defer cs.mu.Unlock()
	return cs.cur
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
