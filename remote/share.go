package remote

import (
	"fmt"
	"net"
	"strings"
	"sync"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/posdoctor/posdoctor/ui"
	"github.com/posdoctor/posdoctor/ui/theme"
)

// Share serves one live case to SSH viewers: each login is a read-only view
// of the case (ui.NewView) at the viewer's own size and language, that the
// technician's screen lists; the technician can grant one viewer control.
type Share struct {
	c     *ui.Case
	srv   *Server
	codes *JoinCodes

	mu    sync.Mutex
	addrs []string
	code  string
}

// ShareConfig configures NewShare.
type ShareConfig struct {
	Config
	// NoColor renders every viewer without colour.
	NoColor bool
}

// NewShare makes the server for case c; nothing listens yet (Listen,
// ServeRelay).
func NewShare(c *ui.Case, cfg ShareConfig) (*Share, error) {
	if cfg.Codes == nil {
		cfg.Codes = NewJoinCodes(nil)
	}
	sh := &Share{c: c, codes: cfg.Codes}
	srv, err := NewServer(cfg.Config, func(s *Session) (tea.Model, []tea.ProgramOption, func()) {
		return sh.view(s, cfg.NoColor)
	})
	if err != nil {
		return nil, err
	}
	sh.srv = srv
	return sh, nil
}

// view is one viewer's program: joins the case now, leaves it when the
// session ends.
func (sh *Share) view(s *Session, noColor bool) (tea.Model, []tea.ProgramOption, func()) {
	who := ui.Actor{ID: s.ID, Name: s.Who.Name(), Remote: true}
	noColor = noColor || env(s.SSH.Environ(), "NO_COLOR") != ""
	m := ui.NewView(sh.c, ui.Options{Actor: who, Lang: s.Lang, Theme: theme.Dark, NoColor: noColor})
	sh.c.Join(ui.Viewer{Actor: who, Lang: s.Lang, Addr: s.SSH.RemoteAddr().String()})
	if s.Who.Method == "code" {
		sh.codeUsed()
	}
	return m, nil, func() {
		_ = m.Close()
		sh.c.Leave(who.ID)
	}
}

// Listen serves the case on addr (e.g. ":2222"); the technician's screen
// shows how to connect.
func (sh *Share) Listen(addr string) (net.Addr, error) {
	a, err := sh.srv.Listen(addr)
	if err != nil {
		return nil, err
	}
	sh.addAddr("ssh -p " + portOf(a) + " " + hostOf(a))
	return a, nil
}

// Serve serves the case on ln (a relay's forwarded port) until it closes;
// how names how a viewer reaches it.
func (sh *Share) Serve(ln net.Listener, how string) error {
	sh.addAddr(how)
	return sh.srv.Serve(ln)
}

// NewCode issues a fresh join code and shows it on the technician's screen.
func (sh *Share) NewCode() (string, error) {
	code, _ := sh.codes.New()
	sh.mu.Lock()
	sh.code = code
	sh.mu.Unlock()
	sh.publish()
	return code, nil
}

// Info is what the technician's screen shows now.
func (sh *Share) Info() ui.ShareInfo {
	sh.mu.Lock()
	defer sh.mu.Unlock()
	info := ui.ShareInfo{Addr: strings.Join(sh.addrs, ", "), Fingerprint: sh.srv.Fingerprint()}
	if sh.code != "" {
		info.JoinCode = sh.code
		info.CodeExpires = sh.codes.expiry(sh.code)
	}
	return info
}

// Fingerprint is the host key's fingerprint.
func (sh *Share) Fingerprint() string { return sh.srv.Fingerprint() }

// Close ends every viewer's session.
func (sh *Share) Close() error { return sh.srv.Close() }

func (sh *Share) codeUsed() {
	sh.mu.Lock()
	sh.code = ""
	sh.mu.Unlock()
	sh.publish()
}

func (sh *Share) addAddr(a string) {
	sh.mu.Lock()
	sh.addrs = append(sh.addrs, a)
	sh.mu.Unlock()
	sh.publish()
}

func (sh *Share) publish() { sh.c.SetSharing(sh.Info()) }

// expiry is when code stops working (zero when spent or unknown).
func (j *JoinCodes) expiry(code string) time.Time {
	j.mu.Lock()
	defer j.mu.Unlock()
	return j.codes[code]
}

func portOf(a net.Addr) string {
	if t, ok := a.(*net.TCPAddr); ok {
		return fmt.Sprint(t.Port)
	}
	_, p, _ := net.SplitHostPort(a.String())
	return p
}

func hostOf(a net.Addr) string {
	h, _, _ := net.SplitHostPort(a.String())
	if h == "" || h == "::" || h == "0.0.0.0" {
		return "HOST"
	}
	return h
}
