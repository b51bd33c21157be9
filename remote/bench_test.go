package remote

import (
	"context"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/vt"
	gossh "golang.org/x/crypto/ssh"

	"github.com/posdoctor/posdoctor/checks"
	"github.com/posdoctor/posdoctor/model"
	"github.com/posdoctor/posdoctor/terminal"
	"github.com/posdoctor/posdoctor/terminal/dial"
	"github.com/posdoctor/posdoctor/terminal/sim"
	"github.com/posdoctor/posdoctor/ui"
	"github.com/posdoctor/posdoctor/ui/theme"
)

// simBackend is the console's backend on the built-in simulator: the
// session core (checks.Connect) and real check runs, so the case changes
// as it does at the counter. finished hears when a run ends.
type simBackend struct {
	offlineBackend
	cfg      checks.Config
	finished func()
	// term answers every command after 40 ms, so a run shows its checks
	// running and the finished frame differs from it.
	term *sim.Terminal
}

func (b *simBackend) Connect(ctx context.Context, target string) (ui.Session, error) {
	c, err := checks.Connect(ctx, checks.ConnectOptions{Target: target, Config: b.cfg, NoJournal: true,
		RequireRegistration: true, Open: func(ctx context.Context, t string, cfg checks.Config) (terminal.Driver, error) {
			return dial.Open(ctx, t, dial.Options{Password: cfg.Password, Currency: cfg.Currency, Sim: b.term})
		}})
	if err != nil {
		return nil, err
	}
	return &simSession{c: c, b: b}, nil
}

type simSession struct {
	c *checks.Conn
	b *simBackend
}

func (s *simSession) Subscribe() (<-chan checks.Event, func()) { return s.c.Engine.Subscribe() }
func (s *simSession) Run(ctx context.Context, ids []model.CheckID, o ui.RunOptions) []checks.Result {
	rs := s.c.Engine.Run(ctx, ids, checks.RunOptions{})
	if s.b.finished != nil {
		s.b.finished()
	}
	return rs
}
func (s *simSession) Identity() terminal.Status { return s.c.Identity }
func (s *simSession) Info() terminal.Info       { return s.c.Driver.Info() }
func (s *simSession) Initialise(context.Context) (terminal.Result, error) {
	return terminal.Result{}, nil
}
func (s *simSession) Record(string, map[string]string) error { return nil }
func (s *simSession) Close() error                           { return s.c.Close() }

// benchShare is a technician's console on the simulator, shared on
// loopback, with one authorised client key.
type benchShare struct {
	c       *ui.Case
	p       *tea.Program
	addr    string
	keyPath string // the client's private key file
	client  gossh.Signer
	host    gossh.PublicKey
}

func newBenchShare(b *testing.B, be *simBackend) *benchShare {
	// The test payment needs a person at the counter: these runs leave it out.
	b.Helper()
	be.cfg = checks.DefaultConfig()
	sc, err := sim.Load("healthy")
	if err != nil {
		b.Fatal(err)
	}
	be.term = sim.New(sc, sim.Options{Latency: 40 * time.Millisecond})
	c := ui.NewCase(ui.CaseOptions{Backend: be})
	m := ui.New(ui.Options{Case: c, Backend: be, Target: "sim://healthy", Lang: model.LangEn, Theme: theme.Dark, NoColor: true,
		NoMoney: true})
	pr, pw := io.Pipe()
	p := tea.NewProgram(m, tea.WithInput(pr), tea.WithOutput(io.Discard), tea.WithWindowSize(100, 30),
		tea.WithoutSignalHandler())
	done := make(chan struct{})
	go func() { _, _ = p.Run(); close(done) }()
	b.Cleanup(func() { p.Quit(); _ = pw.Close(); <-done; _ = m.Close() })
	ls := listenShare(b, c, 64)
	deadline := time.Now().Add(20 * time.Second)
	for c.Target() == "" {
		if time.Now().After(deadline) {
			b.Fatal("the console never connected to the simulator")
		}
		time.Sleep(10 * time.Millisecond)
	}
	return &benchShare{c: c, p: p, addr: ls.addr, keyPath: filepath.Join(ls.dir, "client"), client: ls.client, host: ls.host}
}

// benchViewer is one SSH viewer over loopback: every byte it receives is
// counted and its arrival time kept; screen, when set, is what it shows.
type benchViewer struct {
	cl     *gossh.Client
	bytes  atomic.Int64
	last   atomic.Int64 // unix nanos of the last bytes received
	mu     sync.Mutex
	screen *vt.Emulator
	onData func(arrived time.Time)
}

func (s *benchShare) view(b *testing.B, withScreen bool) *benchViewer {
	b.Helper()
	cl, err := gossh.Dial("tcp", s.addr, &gossh.ClientConfig{User: "helpdesk", Auth: []gossh.AuthMethod{gossh.PublicKeys(s.client)},
		HostKeyCallback: gossh.FixedHostKey(s.host), Timeout: 10 * time.Second})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { _ = cl.Close() })
	sess, err := cl.NewSession()
	if err != nil {
		b.Fatal(err)
	}
	_ = sess.Setenv("LANG", "en_US.UTF-8")
	if err := sess.RequestPty("xterm-256color", 30, 100, gossh.TerminalModes{}); err != nil {
		b.Fatal(err)
	}
	out, _ := sess.StdoutPipe()
	if err := sess.Shell(); err != nil {
		b.Fatal(err)
	}
	v := &benchViewer{cl: cl}
	if withScreen {
		v.screen = vt.NewEmulator(100, 30)
		go func() { _, _ = io.Copy(io.Discard, v.screen) }()
	}
	go v.read(out)
	return v
}

func (v *benchViewer) read(r io.Reader) {
	buf := make([]byte, 32<<10)
	for {
		n, err := r.Read(buf)
		if n > 0 {
			now := time.Now()
			v.bytes.Add(int64(n))
			v.last.Store(now.UnixNano())
			v.mu.Lock()
			if v.screen != nil {
				_, _ = v.screen.Write(buf[:n])
			}
			f := v.onData
			v.mu.Unlock()
			if f != nil {
				f(now)
			}
		}
		if err != nil {
			return
		}
	}
}

func (v *benchViewer) String() string {
	v.mu.Lock()
	defer v.mu.Unlock()
	return v.screen.String()
}

// settle waits until no viewer received anything for quiet (at most 20 s).
func settle(b *testing.B, vs []*benchViewer, quiet time.Duration) {
	b.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		newest := int64(0)
		for _, v := range vs {
			newest = max(newest, v.last.Load())
		}
		if newest > 0 && time.Since(time.Unix(0, newest)) >= quiet {
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
	b.Fatal("the viewers never went quiet")
}

// BenchmarkViewerIdle: what an idle viewer costs the technician's laptop.
// idle-B/s/viewer is the bytes per second sent to each of 4 viewers of a
// connected case nobody touches (target 0); heap-KB/viewer the heap growth
// per viewer with 16 more connected (OpenSSH clients, so the server's
// heap alone; Go clients in this process, an upper bound, without ssh).
func BenchmarkViewerIdle(b *testing.B) {
	s := newBenchShare(b, &simBackend{})
	var vs []*benchViewer
	for range 4 {
		vs = append(vs, s.view(b, false))
	}
	settle(b, vs, 1500*time.Millisecond)
	const window = 3 * time.Second
	b.ResetTimer()
	var sent int64
	var secs float64
	for range b.N {
		before := int64(0)
		for _, v := range vs {
			before += v.bytes.Load()
		}
		time.Sleep(window)
		after := int64(0)
		for _, v := range vs {
			after += v.bytes.Load()
		}
		sent += after - before
		secs += window.Seconds()
	}
	b.StopTimer()
	b.ReportMetric(float64(sent)/secs/float64(len(vs)), "idle-B/s/viewer")

	// Memory: 16 more viewers, each shown the case, heap after GC. The
	// viewers are OpenSSH clients (other processes) when ssh is installed,
	// so the heap is the server's alone; else Go clients in this process.
	h0 := heapAfterGC()
	const n = 16
	kind := "openssh"
	if err := s.sshClients(b, n); err != nil {
		b.Logf("OpenSSH client: %v; Go SSH clients in this process instead (an upper bound)", err)
		kind = "go"
		for range n {
			v := s.view(b, false)
			b.Cleanup(func() { runtime.KeepAlive(v) })
		}
	}
	deadline := time.Now().Add(20 * time.Second)
	for len(s.c.Viewers()) < len(vs)+n {
		if time.Now().After(deadline) {
			b.Fatalf("only %d viewers joined", len(s.c.Viewers()))
		}
		time.Sleep(10 * time.Millisecond)
	}
	time.Sleep(time.Second) // every new view rendered its first frame
	h1 := heapAfterGC()
	b.ReportMetric(float64(int64(h1)-int64(h0))/n/1024, "heap-KB/viewer-"+kind)
	b.ReportMetric(0, "ns/op")
}

func heapAfterGC() uint64 {
	runtime.GC()
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return ms.HeapAlloc
}

// sshClients starts n OpenSSH clients (ssh -tt) as viewers; they end with
// the benchmark.
func (s *benchShare) sshClients(b *testing.B, n int) error {
	bin, err := exec.LookPath("ssh")
	if err != nil {
		return err
	}
	dir := b.TempDir()
	key := filepath.Join(dir, "id")
	pem, err := os.ReadFile(s.keyPath)
	if err != nil {
		return err
	}
	if err := os.WriteFile(key, pem, 0o600); err != nil {
		return err
	}
	host, port, _ := net.SplitHostPort(s.addr)
	// script gives each ssh a terminal of its own, 100x30 like the Go
	// viewers (ssh -tt alone would ask for a 0x0 one).
	scr, err := exec.LookPath("script")
	if err != nil {
		return err
	}
	sshCmd := strings.Join([]string{bin, "-tt", "-p", port, "-i", key, "-o", "IdentitiesOnly=yes", "-o", "BatchMode=yes",
		"-o", "StrictHostKeyChecking=no", "-o", "UserKnownHostsFile=/dev/null", "-o", "LogLevel=ERROR",
		"-o", "SetEnv=LANG=en_US.UTF-8", "helpdesk@" + host}, " ")
	for range n {
		cmd := exec.Command(scr, "-qfc", "stty cols 100 rows 30; exec "+sshCmd, "/dev/null")
		in, err := cmd.StdinPipe()
		if err != nil {
			return err
		}
		cmd.Stdout, cmd.Stderr = io.Discard, io.Discard
		if err := cmd.Start(); err != nil {
			return err
		}
		b.Cleanup(func() { _ = in.Close(); _ = cmd.Process.Kill(); _ = cmd.Wait() })
	}
	return nil
}

// BenchmarkViewerUpdateLatency: from a check finishing on the technician's
// console (the engine's run returns; the case then publishes the result)
// to the bytes of the viewer's frame that shows it finished arriving over
// SSH on loopback (the simulator answers after 40 ms, so the viewer sees
// the run going on first).
// One status check per op on the simulator; latency-ms is the mean,
// p95-ms the 95th percentile.
func BenchmarkViewerUpdateLatency(b *testing.B) {
	finished := make(chan time.Time, 1)
	be := &simBackend{finished: func() {
		select {
		case finished <- time.Now():
		default:
		}
	}}
	s := newBenchShare(b, be)
	v := s.view(b, true)
	s.p.Send(tea.KeyPressMsg{Code: 'a', Text: "a"}) // run all checks (no test payment: NoMoney)
	select {
	case <-finished:
	case <-time.After(20 * time.Second):
		b.Fatalf("the first run never finished:\n%s", v.String())
	}
	waitScreen(b, v, "Status")
	settle(b, []*benchViewer{v}, 500*time.Millisecond)
	var lat []time.Duration
	b.ResetTimer()
	for range b.N {
		s.p.Send(tea.KeyPressMsg{Code: 'r', Text: "r"}) // run the checks again
		t0 := <-finished
		got := make(chan time.Time, 1)
		v.mu.Lock()
		v.onData = func(at time.Time) {
			if at.After(t0) && runOver(v.String()) {
				select {
				case got <- at:
				default:
				}
			}
		}
		v.mu.Unlock()
		var t1 time.Time
		if last := time.Unix(0, v.last.Load()); last.After(t0) && runOver(v.String()) {
			t1 = last // the frame came before the hook was set
		} else {
			select {
			case t1 = <-got:
			case <-time.After(10 * time.Second):
				b.Fatal("the viewer got no frame after the check finished")
			}
		}
		lat = append(lat, t1.Sub(t0))
		b.StopTimer()
		v.mu.Lock()
		v.onData = nil
		v.mu.Unlock()
		settle(b, []*benchViewer{v}, 300*time.Millisecond)
		b.StartTimer()
	}
	b.StopTimer()
	var sum time.Duration
	for _, d := range lat {
		sum += d
	}
	slices.Sort(lat)
	b.ReportMetric(float64(sum.Microseconds())/float64(len(lat))/1000, "latency-ms")
	b.ReportMetric(float64(lat[len(lat)*95/100].Microseconds())/1000, "p95-ms")
}

// runOver reports whether a viewer's screen shows the run finished: no
// check running or waiting its turn.
func runOver(screen string) bool {
	return strings.Contains(screen, "[OK]") && !strings.Contains(screen, "[RUN") && !strings.Contains(screen, "[WAIT]")
}

func waitScreen(b *testing.B, v *benchViewer, want string) {
	b.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for !strings.Contains(v.String(), want) {
		if time.Now().After(deadline) {
			b.Fatalf("the viewer never showed %q:\n%s", want, v.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
}
