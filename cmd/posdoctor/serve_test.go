package main

import (
	"context"
	"fmt"
	"io"
	"net"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/charmbracelet/x/vt"
	gossh "golang.org/x/crypto/ssh"

	"github.com/posdoctor/posdoctor/remote"
	"github.com/posdoctor/posdoctor/terminal/sim"
)

// wireLog is what the simulated terminal received, in order: which TCP
// connection opened, sent bytes, closed.
type wireLog struct {
	mu     sync.Mutex
	n      int
	events []wireEvent
}

type wireEvent struct {
	conn int
	what string // "open", "rx", "close"
}

func (l *wireLog) add(conn int, what string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.events = append(l.events, wireEvent{conn, what})
}

func (l *wireLog) snapshot() []wireEvent {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]wireEvent(nil), l.events...)
}

// rxConns are the connections that sent the terminal something, in the
// order they first did.
func (l *wireLog) rxConns() []int {
	var out []int
	for _, e := range l.snapshot() {
		if e.what == "rx" && (len(out) == 0 || out[len(out)-1] != e.conn) {
			out = append(out, e.conn)
		}
	}
	return out
}

type loggedListener struct {
	net.Listener
	log *wireLog
}

func (ln *loggedListener) Accept() (net.Conn, error) {
	c, err := ln.Listener.Accept()
	if err != nil {
		return nil, err
	}
	ln.log.mu.Lock()
	ln.log.n++
	id := ln.log.n
	ln.log.mu.Unlock()
	ln.log.add(id, "open")
	return &loggedConn{Conn: c, id: id, log: ln.log}, nil
}

type loggedConn struct {
	net.Conn
	id   int
	log  *wireLog
	once sync.Once
}

func (c *loggedConn) Read(p []byte) (int, error) {
	n, err := c.Conn.Read(p)
	if n > 0 {
		c.log.add(c.id, "rx")
	}
	return n, err
}

func (c *loggedConn) Close() error {
	c.once.Do(func() { c.log.add(c.id, "close") })
	return c.Conn.Close()
}

// startLoggedSim is the healthy simulated terminal on loopback TCP, with
// every connection and every read logged.
func startLoggedSim(t *testing.T) (string, *wireLog) {
	t.Helper()
	sc, err := sim.Load("healthy")
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	log := &wireLog{}
	ctx, cancel := context.WithCancel(context.Background())
	term := sim.New(sc, sim.Options{})
	done := make(chan struct{})
	go func() { term.Serve(ctx, &loggedListener{Listener: ln, log: log}); close(done) }()
	t.Cleanup(func() { _ = ln.Close(); cancel(); <-done })
	return "tcp://" + ln.Addr().String(), log
}

// serveFixture is `posdoctor serve --ssh` on loopback with two
// authorised client keys.
type serveFixture struct {
	addr    string
	host    gossh.PublicKey
	keys    map[string]gossh.Signer
	stderr  *syncBuffer
	stopped chan error
}

func newServeFixture(t *testing.T, target string) *serveFixture {
	t.Helper()
	dir := t.TempDir()
	t.Setenv("POSDOCTOR_JOURNAL_DIR", filepath.Join(dir, "journal"))
	t.Setenv("XDG_CONFIG_HOME", filepath.Join(dir, "config"))
	t.Setenv("HOME", dir)
	f := &serveFixture{keys: map[string]gossh.Signer{}, stderr: &syncBuffer{}, stopped: make(chan error, 1)}
	var ak []byte
	for _, who := range []string{"alice", "bob"} {
		k, err := remote.EnsureKey(filepath.Join(dir, who))
		if err != nil {
			t.Fatal(err)
		}
		f.keys[who] = k
		ak = append(ak, gossh.MarshalAuthorizedKey(k.PublicKey())...)
	}
	akPath := filepath.Join(dir, "authorized_keys")
	if err := os.WriteFile(akPath, ak, 0o600); err != nil {
		t.Fatal(err)
	}
	ready := make(chan string, 1)
	opts := &ServeOptions{IO: &IO{In: strings.NewReader(""), Out: io.Discard, ErrOut: f.stderr},
		Getenv: func(string) string { return "" }, SSH: "127.0.0.1:0", Target: target, Lang: "en",
		AuthorizedKeys: akPath, HostKey: filepath.Join(dir, "host"), MaxSessions: 4, IdleTimeout: time.Minute,
		Ready: func(addr, _ string) { ready <- addr }}
	ctx, cancel := context.WithCancel(context.Background())
	go func() { f.stopped <- serveRun(ctx, opts) }()
	t.Cleanup(func() { cancel(); <-f.stopped })
	select {
	case f.addr = <-ready:
	case err := <-f.stopped:
		t.Fatalf("serve did not start: %v", err)
	case <-time.After(10 * time.Second):
		t.Fatal("serve did not start within 10s")
	}
	hk, err := remote.EnsureKey(opts.HostKey)
	if err != nil {
		t.Fatal(err)
	}
	f.host = hk.PublicKey()
	return f
}

// sshScreen is one SSH login's screen, read through a virtual terminal.
type sshScreen struct {
	t   *testing.T
	cl  *gossh.Client
	emu *lockedEmu
	in  io.Writer
}

// lockedEmu is a virtual terminal written by one goroutine and read by the
// test (vt's SafeEmulator does not lock String).
type lockedEmu struct {
	mu  sync.Mutex
	emu *vt.Emulator
}

func (e *lockedEmu) Write(p []byte) (int, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.emu.Write(p)
}

func (e *lockedEmu) String() string {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.emu.String()
}

func (f *serveFixture) login(t *testing.T, who, lang string) *sshScreen {
	t.Helper()
	cl, err := gossh.Dial("tcp", f.addr, &gossh.ClientConfig{User: who, Auth: []gossh.AuthMethod{gossh.PublicKeys(f.keys[who])},
		HostKeyCallback: gossh.FixedHostKey(f.host), Timeout: 5 * time.Second})
	if err != nil {
		t.Fatalf("%s: %v", who, err)
	}
	t.Cleanup(func() { _ = cl.Close() })
	s, err := cl.NewSession()
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Setenv("LANG", lang); err != nil {
		t.Fatal(err)
	}
	if err := s.RequestPty("xterm-256color", 30, 110, gossh.TerminalModes{}); err != nil {
		t.Fatal(err)
	}
	in, _ := s.StdinPipe()
	out, _ := s.StdoutPipe()
	if err := s.Shell(); err != nil {
		t.Fatal(err)
	}
	emu := vt.NewEmulator(110, 30)
	v := &sshScreen{t: t, cl: cl, emu: &lockedEmu{emu: emu}, in: in}
	go func() { _, _ = io.Copy(v.emu, out) }()
	go func() { _, _ = io.Copy(io.Discard, emu) }() // the emulator's replies
	return v
}

// wait polls the screen until it holds every want.
func (v *sshScreen) wait(stage string, wants ...string) string {
	v.t.Helper()
	deadline := time.Now().Add(15 * time.Second)
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
			v.t.Fatalf("%s: the screen never showed %q:\n%s", stage, wants, scr)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("never: %s", what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// TestServeSecondLoginWaitsForTheTerminal: two SSH logins on `serve --ssh`
// against one simulated terminal. The second is told who has the terminal
// (in its own language) and waits, watching the first one's console
// read-only; nothing of it reaches the terminal until the first login has
// left; then its own console connects by itself.
func TestServeSecondLoginWaitsForTheTerminal(t *testing.T) {
	target, wire := startLoggedSim(t)
	f := newServeFixture(t, target)

	alice := f.login(t, "alice", "en_US.UTF-8")
	alice.wait("alice's console connects", "Connected to "+target)
	waitFor(t, "alice's console talked to the terminal", func() bool { return len(wire.rxConns()) == 1 })

	bob := f.login(t, "bob", "zh_CN.UTF-8")
	scr := bob.wait("bob waits, told in Chinese who has the terminal", "终端正由 alice (SHA256:", "对方退出后")
	if strings.Contains(scr, "已连接") {
		t.Fatalf("bob's console opened while alice had the terminal:\n%s", scr)
	}
	// Bob watches alice's console meanwhile, read-only; her screen says so.
	_, _ = io.WriteString(bob.in, "w")
	bob.wait("bob watches alice's console", "正在观看（只读）", "已连接 "+target)
	alice.wait("alice sees bob watching", "Watching (1): bob (SHA256:")
	// A watcher's key changes nothing: "a" from bob runs no check, on any
	// connection.
	rxBefore := len(wire.snapshot())
	_, _ = io.WriteString(bob.in, "a")
	time.Sleep(300 * time.Millisecond)
	if n := len(wire.snapshot()); n != rxBefore {
		t.Fatalf("bob's key as a watcher reached the terminal (%d reads, were %d)", n, rxBefore)
	}
	// Alice keeps working; bob's login must not reach the terminal.
	_, _ = io.WriteString(alice.in, "a") // run all checks
	waitFor(t, "alice's re-run reaches the terminal", func() bool { return len(wire.snapshot()) > rxBefore })
	time.Sleep(300 * time.Millisecond)
	if got := wire.rxConns(); len(got) != 1 {
		t.Fatalf("the terminal heard from connections %v while alice had it: want only the first", got)
	}

	_ = alice.cl.Close() // alice leaves
	bob.wait("bob's console opens by itself once alice left, in Chinese", "已连接 "+target)
	waitFor(t, "bob's own console, no longer watching", func() bool { return !strings.Contains(bob.emu.String(), "正在观看") })
	waitFor(t, "bob's console talked to the terminal", func() bool { return len(wire.rxConns()) == 2 })
	if strings.Contains(bob.emu.String(), "终端正由") {
		t.Fatalf("bob still sees the waiting screen:\n%s", bob.emu.String())
	}
	// The terminal heard one conversation, then the other: no read of the
	// second connection before the first one's last, none of the first after.
	ev := wire.snapshot()
	lastFirst, firstSecond := -1, -1
	for i, e := range ev {
		if e.what == "rx" && e.conn == 1 {
			lastFirst = i
		}
		if e.what == "rx" && e.conn == 2 && firstSecond < 0 {
			firstSecond = i
		}
	}
	if firstSecond < lastFirst {
		t.Fatalf("commands interleaved on the terminal's line: %v", ev)
	}
	if got := wire.rxConns(); fmt.Sprint(got) != "[1 2]" {
		t.Fatalf("the terminal heard connections %v, want [1 2]", got)
	}
	// The PC's own log names who had the terminal when.
	waitFor(t, "the PC logs the logins", func() bool {
		log := f.stderr.String()
		return strings.Contains(log, "alice (SHA256:") && strings.Contains(log, "and has the terminal") &&
			strings.Contains(log, "waits for the terminal") && strings.Contains(log, "has the terminal now") &&
			strings.Contains(log, "logged out")
	})
}

// TestServeStartErrors: what serve says when it cannot start, in the PC's
// language, each with what to do, exit 3.
func TestServeStartErrors(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("POSDOCTOR_JOURNAL_DIR", filepath.Join(dir, "journal"))
	t.Setenv("XDG_CONFIG_HOME", filepath.Join(dir, "config"))
	t.Setenv("HOME", dir)
	k, err := remote.EnsureKey(filepath.Join(dir, "client"))
	if err != nil {
		t.Fatal(err)
	}
	ak := filepath.Join(dir, "authorized_keys")
	if err := os.WriteFile(ak, gossh.MarshalAuthorizedKey(k.PublicKey()), 0o600); err != nil {
		t.Fatal(err)
	}
	empty := filepath.Join(dir, "empty_keys")
	if err := os.WriteFile(empty, []byte("# nobody yet\nnot a key\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	busy, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer busy.Close()
	hostKey := filepath.Join(dir, "host")
	cases := []struct {
		name, lang string
		args       []string
		want       string
	}{
		{"no --ssh", "en_US.UTF-8", []string{"serve"}, "serve needs --ssh ADDR"},
		{"no keys file", "en_US.UTF-8", []string{"serve", "--ssh", "127.0.0.1:0", "--host-key", hostKey},
			"no authorized keys file at " + filepath.Join(dir, "config", "posdoctor", "authorized_keys") + ": put the helpdesk's SSH public keys there"},
		{"no keys file, zh", "zh_CN.UTF-8", []string{"serve", "--ssh", "127.0.0.1:0", "--authorized-keys", filepath.Join(dir, "nope"), "--host-key", hostKey},
			"找不到授权公钥文件 " + filepath.Join(dir, "nope")},
		{"no key in the file", "en_US.UTF-8", []string{"serve", "--ssh", "127.0.0.1:0", "--authorized-keys", empty, "--host-key", hostKey},
			"has no public key: add the helpdesk's SSH public keys"},
		{"port in use", "en_US.UTF-8", []string{"serve", "--ssh", busy.Addr().String(), "--authorized-keys", ak, "--host-key", hostKey},
			"the SSH address " + busy.Addr().String() + " is in use by another program: pick another port"},
		{"port in use, zh", "zh_CN.UTF-8", []string{"serve", "--ssh", busy.Addr().String(), "--authorized-keys", ak, "--host-key", hostKey},
			"SSH 地址 " + busy.Addr().String() + " 已被其他程序占用"},
		{"bad target", "en_US.UTF-8", []string{"serve", "--ssh", ":0", "--target", "ftp://x"}, "invalid --target"},
		// A host key under a plain file can be neither read nor made.
		{"host key cannot be made", "en_US.UTF-8", []string{"serve", "--ssh", "127.0.0.1:0", "--authorized-keys", ak, "--host-key", filepath.Join(ak, "host")},
			"cannot use the SSH host key " + filepath.Join(ak, "host") + ": check the user config dir is writable"},
		{"host key cannot be made, zh", "zh_CN.UTF-8", []string{"serve", "--ssh", "127.0.0.1:0", "--authorized-keys", ak, "--host-key", filepath.Join(ak, "host")},
			"无法使用 SSH 主机密钥 " + filepath.Join(ak, "host")},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Setenv("LANG", c.lang)
			t.Setenv("LC_ALL", "")
			t.Setenv("LC_MESSAGES", "")
			code, _, errOut := runCLI(t, c.args...)
			if code != exitCantRun || !strings.Contains(errOut, c.want) || strings.Count(strings.TrimSpace(errOut), "\n") != 0 {
				t.Fatalf("exit %d, stderr %q; want exit 3 and one line with %q", code, errOut, c.want)
			}
		})
	}
}
