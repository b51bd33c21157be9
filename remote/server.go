package remote

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"sync"
	"sync/atomic"
	"time"

	tea "charm.land/bubbletea/v2"
	"charm.land/log/v2"
	"charm.land/ssh"
	"charm.land/wish/v2"
	"charm.land/wish/v2/activeterm"
	"charm.land/wish/v2/bubbletea"
	gossh "golang.org/x/crypto/ssh"

	"github.com/posdoctor/posdoctor/model"
)

// Defaults of Config.
const (
	DefaultMaxSessions = 4
	DefaultIdleTimeout = 15 * time.Minute
)

// Config configures an SSH server of posdoctor.
type Config struct {
	// HostKey is the server's ed25519 key file, generated once (0600).
	HostKey string
	// AuthorizedKeys lists the public keys allowed in.
	AuthorizedKeys string
	// Codes are the one-time join codes; nil lets keys in only.
	Codes *JoinCodes
	// MaxSessions caps the sessions at once (DefaultMaxSessions).
	MaxSessions int
	// IdleTimeout ends a session whose user typed nothing for this long
	// (DefaultIdleTimeout). It is enforced by the server itself, so it holds
	// through a relay too, where connection deadlines do nothing.
	IdleTimeout time.Duration
	// Lang is the language of a session that sends no LANG.
	Lang model.Lang
	// Full is what a session past MaxSessions is told (both languages in
	// one line: it comes before the session's language is known); the
	// viewers' text when empty.
	Full string
}

// Session is one SSH login, as a program handler sees it.
type Session struct {
	SSH   ssh.Session
	Who   Identity
	Lang  model.Lang
	ID    string // unique per connection
	Input io.Reader
}

// App makes the Bubble Tea model of a session. ProgramOptions are added
// after the session's input, output, size and colour profile.
type App func(s *Session) (tea.Model, []tea.ProgramOption, func())

// Server is posdoctor's SSH server.
type Server struct {
	cfg         Config
	srv         *ssh.Server
	fingerprint string
	active      atomic.Int32
	mu          sync.Mutex
	lns         []net.Listener
}

// ErrHostKey is NewServer's error when the host key can be neither read
// nor made.
var ErrHostKey = errors.New("host key")

// NewServer makes the server (host key generated on first use).
func NewServer(cfg Config, app App) (*Server, error) {
	if cfg.MaxSessions <= 0 {
		cfg.MaxSessions = DefaultMaxSessions
	}
	if cfg.IdleTimeout <= 0 {
		cfg.IdleTimeout = DefaultIdleTimeout
	}
	signer, err := EnsureKey(cfg.HostKey)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrHostKey, err)
	}
	// wish logs a session's end ("program was killed: context canceled")
	// to charm's default logger on stderr: the technician's screen. What a
	// user needs to know, posdoctor says itself.
	log.SetOutput(io.Discard)
	s := &Server{cfg: cfg, fingerprint: Fingerprint(signer.PublicKey())}
	ak := &authorizedKeys{path: cfg.AuthorizedKeys}
	opts := []ssh.Option{
		wish.WithHostKeyPath(cfg.HostKey),
		wish.WithPublicKeyAuth(ak.handler()),
		wish.WithMiddleware(bubbletea.MiddlewareWithProgramHandler(s.program(app)), activeterm.Middleware(), s.limit),
	}
	if cfg.Codes != nil {
		opts = append(opts, wish.WithKeyboardInteractiveAuth(codeHandler(cfg.Codes)))
	}
	srv, err := wish.NewServer(opts...)
	if err != nil {
		return nil, err
	}
	srv.HandshakeTimeout = 20 * time.Second
	srv.ServerConfigCallback = func(ssh.Context) *gossh.ServerConfig { return &gossh.ServerConfig{MaxAuthTries: 4} }
	s.srv = srv
	return s, nil
}

// Fingerprint is the host key's SHA256 fingerprint, for the helpdesk to
// check on its first login.
func (s *Server) Fingerprint() string { return s.fingerprint }

// Serve serves ln until Close (or until ln fails: a relay that went away).
func (s *Server) Serve(ln net.Listener) error {
	s.mu.Lock()
	s.lns = append(s.lns, ln)
	s.mu.Unlock()
	err := s.srv.Serve(ln)
	if errors.Is(err, ssh.ErrServerClosed) {
		return nil
	}
	return err
}

// Listen opens addr (":0" for any port) and serves it in the background; it
// returns the listener's address.
func (s *Server) Listen(addr string) (net.Addr, error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("listen on %s: %w", addr, err)
	}
	go func() { _ = s.Serve(ln) }()
	return ln.Addr(), nil
}

// Close ends every session and listener.
func (s *Server) Close() error {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	_ = s.srv.Shutdown(ctx)
	return s.srv.Close()
}

// limit refuses a session past MaxSessions (wish has no cap of its own).
func (s *Server) limit(next ssh.Handler) ssh.Handler {
	return func(sess ssh.Session) {
		if int(s.active.Add(1)) > s.cfg.MaxSessions {
			s.active.Add(-1)
			full := s.cfg.Full
			if full == "" {
				full = "posdoctor: too many viewers at once, try again later / 观看人数已满，请稍后再试"
			}
			wish.Fatalln(sess, full)
			return
		}
		defer s.active.Add(-1)
		next(sess)
	}
}

// program builds the session's Bubble Tea program: the session's own
// size, colours and language, no signal handler of its own, ended with the
// connection or after IdleTimeout without a key.
func (s *Server) program(app App) bubbletea.ProgramHandler {
	return func(sess ssh.Session) *tea.Program {
		env := sess.Environ()
		in := &idleReader{r: sess}
		in.touch()
		se := &Session{SSH: sess, Who: identityOf(sess.Context()), Lang: Lang(env, s.cfg.Lang),
			ID: shortID(sess.Context().SessionID()), Input: in}
		m, extra, done := app(se)
		if m == nil {
			return nil
		}
		opts := append(bubbletea.MakeOptions(sess), tea.WithInput(in), tea.WithoutSignalHandler(),
			tea.WithContext(sess.Context()), tea.WithFPS(20))
		p := tea.NewProgram(m, append(opts, extra...)...)
		go s.watchIdle(sess, in, p, done)
		return p
	}
}

// watchIdle quits p once the user typed nothing for IdleTimeout, and runs
// done when the session ends.
func (s *Server) watchIdle(sess ssh.Session, in *idleReader, p *tea.Program, done func()) {
	if done != nil {
		defer done()
	}
	t := time.NewTicker(min(s.cfg.IdleTimeout/4, 30*time.Second))
	defer t.Stop()
	for {
		select {
		case <-sess.Context().Done():
			return
		case <-t.C:
			if time.Since(in.last()) >= s.cfg.IdleTimeout {
				p.Quit()
				_, _ = io.WriteString(sess.Stderr(), "\r\nposdoctor: idle for too long, disconnected / 长时间无操作，已断开\r\n")
				_ = sess.Close()
				return
			}
		}
	}
}

func shortID(s string) string {
	if len(s) > 12 {
		return s[:12]
	}
	return s
}

// idleReader is the session's input, noting when the user last typed.
type idleReader struct {
	r  io.Reader
	at atomic.Int64
}

func (r *idleReader) Read(p []byte) (int, error) {
	n, err := r.r.Read(p)
	if n > 0 {
		r.touch()
	}
	return n, err
}

func (r *idleReader) touch()          { r.at.Store(time.Now().UnixNano()) }
func (r *idleReader) last() time.Time { return time.Unix(0, r.at.Load()) }
