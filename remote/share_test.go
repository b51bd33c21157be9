package remote

import (
	"context"
	"errors"
	"io"
	"net"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/vt"
	gossh "golang.org/x/crypto/ssh"

	"github.com/posdoctor/posdoctor/checks"
	"github.com/posdoctor/posdoctor/model"
	"github.com/posdoctor/posdoctor/ui"
	"github.com/posdoctor/posdoctor/ui/theme"
)

// offlineBackend is the console's knowledge without a terminal: the real
// symptoms and diagnosis, no connection (the case is symptom-first).
type offlineBackend struct{}

func (offlineBackend) Ports() ([]ui.Port, error) { return nil, nil }
func (offlineBackend) Scenarios() []ui.Scenario  { return nil }
func (offlineBackend) Recent() []string          { return nil }
func (offlineBackend) Connect(context.Context, string) (ui.Session, error) {
	return nil, errors.New("no terminal in this test")
}
func (offlineBackend) Symptoms() []model.Symptom                { return model.Symptoms() }
func (offlineBackend) Resolve(q string) (model.Input, error)    { return model.Resolve(q, "") }
func (offlineBackend) Export(ui.Report, string) (string, error) { return "", errors.New("no export") }
func (offlineBackend) Diagnose(in model.Input, r []checks.Result) model.Diagnosis {
	return checks.Diagnose(in, r)
}

// desk is the technician's console: a real program on the shared case,
// keys sent with Send.
type desk struct {
	c *ui.Case
	p *tea.Program
}

func newDesk(t *testing.T) *desk {
	t.Helper()
	c := ui.NewCase(ui.CaseOptions{Backend: offlineBackend{}})
	m := ui.New(ui.Options{Case: c, Backend: offlineBackend{}, Lang: model.LangEn, Theme: theme.Dark, NoColor: true})
	pr, pw := io.Pipe()
	p := tea.NewProgram(m, tea.WithInput(pr), tea.WithOutput(io.Discard), tea.WithWindowSize(100, 30),
		tea.WithoutSignalHandler())
	done := make(chan struct{})
	go func() { _, _ = p.Run(); close(done) }()
	t.Cleanup(func() { p.Quit(); _ = pw.Close(); <-done })
	return &desk{c: c, p: p}
}

func (d *desk) key(k string) {
	switch k {
	case "ctrl+t":
		d.p.Send(tea.KeyPressMsg{Code: 't', Mod: tea.ModCtrl})
	default:
		d.p.Send(tea.KeyPressMsg{Code: []rune(k)[0], Text: k})
	}
}

// shareFixture is a Share of a desk's case on loopback, with one
// authorised client key.
type shareFixture struct {
	d      *desk
	sh     *Share
	addr   string
	client gossh.Signer
	host   gossh.PublicKey
}

func newShareFixture(t *testing.T) *shareFixture {
	t.Helper()
	d := newDesk(t)
	ls := listenShare(t, d.c, 0)
	if st, _ := os.Stat(filepath.Join(ls.dir, "host")); st.Mode().Perm() != 0o600 {
		t.Errorf("host key mode %v, want 0600", st.Mode().Perm())
	}
	return &shareFixture{d: d, sh: ls.sh, addr: ls.addr, client: ls.client, host: ls.host}
}

// listenedShare is a case shared on loopback with a client key it lets in.
type listenedShare struct {
	sh     *Share
	addr   string
	dir    string // the keys: client (private), authorized_keys, host
	client gossh.Signer
	host   gossh.PublicKey
}

// listenShare shares c on a loopback port, with a fresh client key as the
// only authorized key and a fresh host key (maxSessions 0: the default).
func listenShare(tb testing.TB, c *ui.Case, maxSessions int) listenedShare {
	tb.Helper()
	dir := tb.TempDir()
	client, err := EnsureKey(filepath.Join(dir, "client"))
	if err != nil {
		tb.Fatal(err)
	}
	ak := filepath.Join(dir, "authorized_keys")
	if err := os.WriteFile(ak, gossh.MarshalAuthorizedKey(client.PublicKey()), 0o600); err != nil {
		tb.Fatal(err)
	}
	sh, err := NewShare(c, ShareConfig{Config: Config{HostKey: filepath.Join(dir, "host"), AuthorizedKeys: ak,
		MaxSessions: maxSessions}, NoColor: true})
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { _ = sh.Close() })
	a, err := sh.Listen("127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	hk, err := EnsureKey(filepath.Join(dir, "host"))
	if err != nil {
		tb.Fatal(err)
	}
	return listenedShare{sh: sh, addr: a.String(), dir: dir, client: client, host: hk.PublicKey()}
}

// viewer is an SSH client's screen, read through a virtual terminal.
type viewer struct {
	t   *testing.T
	emu *lockedScreen
	in  io.Writer
	mu  sync.Mutex
}

func (f *shareFixture) dial(auth ...gossh.AuthMethod) (*gossh.Client, error) {
	return gossh.Dial("tcp", f.addr, &gossh.ClientConfig{User: "helpdesk", Auth: auth,
		HostKeyCallback: gossh.FixedHostKey(f.host), Timeout: 5 * time.Second})
}

func (f *shareFixture) view(t *testing.T, lang string, auth ...gossh.AuthMethod) *viewer {
	t.Helper()
	if len(auth) == 0 {
		auth = []gossh.AuthMethod{gossh.PublicKeys(f.client)}
	}
	cl, err := f.dial(auth...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cl.Close() })
	s, err := cl.NewSession()
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Setenv("LANG", lang); err != nil {
		t.Fatal(err)
	}
	if err := s.RequestPty("xterm-256color", 30, 100, gossh.TerminalModes{}); err != nil {
		t.Fatal(err)
	}
	in, _ := s.StdinPipe()
	out, _ := s.StdoutPipe()
	if err := s.Shell(); err != nil {
		t.Fatal(err)
	}
	emu := vt.NewEmulator(100, 30)
	v := &viewer{t: t, emu: &lockedScreen{emu: emu}, in: in}
	go func() { _, _ = io.Copy(v.emu, out) }()
	go func() { _, _ = io.Copy(io.Discard, emu) }() // the emulator's replies
	return v
}

// lockedScreen is a virtual terminal written by one goroutine and read by
// the test (vt's SafeEmulator does not lock String).
type lockedScreen struct {
	mu  sync.Mutex
	emu *vt.Emulator
}

func (e *lockedScreen) Write(p []byte) (int, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.emu.Write(p)
}

func (e *lockedScreen) String() string {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.emu.String()
}

// wait polls the viewer's screen until it holds every want.
func (v *viewer) wait(stage string, wants ...string) string {
	v.t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		scr := v.emu.String()
		ok := true
		for _, w := range wants {
			ok = ok && strings.Contains(scr, w)
		}
		if ok {
			return scr
		}
		if time.Now().After(deadline) {
			v.t.Fatalf("%s: viewer screen never showed %q:\n%s", stage, wants, scr)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func (v *viewer) key(s string) { _, _ = io.WriteString(v.in, s) }

func eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("never: %s", what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// TestViewerReadOnlyThenControl: a read-only viewer cannot change the
// case; request, accept, a remote key works; revoke, it no longer does.
func TestViewerReadOnlyThenControl(t *testing.T) {
	f := newShareFixture(t)
	v := f.view(t, "en_US.UTF-8")
	v.wait("joined", "read-only", "Connect to a terminal")
	eventually(t, "the technician's screen lists the viewer", func() bool { return len(f.d.c.Viewers()) == 1 })
	before := f.d.c.Version()
	v.key("s") // would open the symptom screen
	v.wait("refused", "Watching, read-only")
	time.Sleep(200 * time.Millisecond) // a key that got through would have changed the case by now
	if f.d.c.Front() != "connect" || f.d.c.Version() != before {
		t.Fatalf("a read-only viewer's key changed the case (front %q)", f.d.c.Front())
	}
	v.key("R")
	v.wait("asked", "Control requested")
	eventually(t, "the request reaches the case", func() bool { return f.d.c.Controller() == "" && f.d.c.Version() > before })
	f.d.key("y")
	eventually(t, "control granted", func() bool { return f.d.c.Controller() != "" })
	v.wait("in control", "You are in control")
	v.key("s")
	eventually(t, "the co-pilot's s opens the symptom screen", func() bool { return f.d.c.Front() == "symptom" })
	v.wait("viewer follows", "What did the terminal show?")
	v.key("\r") // the first symptom
	eventually(t, "the co-pilot's enter chose the symptom", func() bool { return f.d.c.Symptom() != "" })
	f.d.key("ctrl+t")
	eventually(t, "control taken back", func() bool { return f.d.c.Controller() == "" })
	v.wait("read-only again", "Watching, read-only")
	front := f.d.c.Front()
	v.key("\x1b") // esc would go back
	time.Sleep(300 * time.Millisecond)
	if f.d.c.Front() != front {
		t.Fatalf("a revoked viewer's key still drove the console (front %q -> %q)", front, f.d.c.Front())
	}
}

// TestUnknownKeyRefused: a key not in authorized_keys does not get in.
func TestUnknownKeyRefused(t *testing.T) {
	f := newShareFixture(t)
	other, err := EnsureKey(filepath.Join(t.TempDir(), "other"))
	if err != nil {
		t.Fatal(err)
	}
	if cl, err := f.dial(gossh.PublicKeys(other)); err == nil {
		cl.Close()
		t.Fatal("an unknown key logged in")
	}
	if len(f.d.c.Viewers()) != 0 {
		t.Fatal("a refused key joined the case")
	}
}

// TestJoinCodeWorksOnce: the code on the technician's screen lets one login
// in, then no more.
func TestJoinCodeWorksOnce(t *testing.T) {
	f := newShareFixture(t)
	code, err := f.sh.NewCode()
	if err != nil {
		t.Fatal(err)
	}
	if info, _ := f.d.c.Sharing(); info.JoinCode != code || info.Fingerprint == "" {
		t.Fatalf("technician's screen info %+v, want the code and the host key's fingerprint", info)
	}
	answer := gossh.KeyboardInteractive(func(_, _ string, qs []string, _ []bool) ([]string, error) {
		return []string{code}, nil
	})
	v := f.view(t, "zh_CN.UTF-8", answer)
	v.wait("joined with the code", "只读")
	if info, _ := f.d.c.Sharing(); info.JoinCode != "" {
		t.Error("a used code is still shown on the technician's screen")
	}
	if cl, err := f.dial(answer); err == nil {
		cl.Close()
		t.Fatal("the join code worked twice")
	}
	wrong := gossh.KeyboardInteractive(func(_, _ string, qs []string, _ []bool) ([]string, error) {
		return []string{"00000000"}, nil
	})
	if cl, err := f.dial(wrong); err == nil {
		cl.Close()
		t.Fatal("a wrong code got in")
	}
}

// TestJoinCodeExpires: a code older than ten minutes does not get in.
func TestJoinCodeExpires(t *testing.T) {
	now := time.Date(2026, 12, 2, 9, 0, 0, 0, time.UTC)
	j := NewJoinCodes(func() time.Time { return now })
	code, exp := j.New()
	if exp.Sub(now) != JoinCodeTTL {
		t.Fatalf("expiry %v after issue, want %v", exp.Sub(now), JoinCodeTTL)
	}
	now = now.Add(JoinCodeTTL + time.Second)
	if j.Use(code) {
		t.Fatal("an expired code worked")
	}
}

var _ net.Addr = (*net.TCPAddr)(nil)
