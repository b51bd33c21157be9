//go:build linux || darwin

package main

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/posdoctor/posdoctor/terminal/sim"
)

var (
	buildOnce sync.Once
	buildBin  string
	buildErr  error
	buildDir  string
)

// posdoctorBinary builds the real binary once per test process.
func posdoctorBinary(t testing.TB) string {
	t.Helper()
	buildOnce.Do(func() {
		buildDir, buildErr = os.MkdirTemp("", "posdoctor-e2e-")
		if buildErr != nil {
			return
		}
		buildBin = filepath.Join(buildDir, "posdoctor")
		// The e2e binary carries the test hooks (testhook_on.go); the
		// release build does not (TestReleaseBinaryHasNoTestHook).
		cmd := exec.Command("go", "build", "-tags", "posdoctor_testhook", "-o", buildBin, ".")
		out, err := cmd.CombinedOutput()
		if err != nil {
			buildErr = fmt.Errorf("go build: %v\n%s", err, out)
		}
	})
	if buildErr != nil {
		t.Fatal(buildErr)
	}
	return buildBin
}

// simTarget starts `posdoctor sim` on 127.0.0.1 over TCP when the binary
// has the subcommand, else the same simulator in-process, with faults
// switched on, and returns the tcp:// target.
func simTarget(t testing.TB, bin, scenario string, faults ...string) string {
	t.Helper()
	if addr, ok := startSimProcess(t, bin, scenario, faults); ok {
		return "tcp://" + addr
	}
	sc, err := sim.Load(scenario)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	fl, err := sim.ListenTCP(ctx, "127.0.0.1:0", sc, sim.Options{Faults: faults}, 1)
	if err != nil {
		cancel()
		t.Fatal(err)
	}
	t.Cleanup(func() { fl.Close(); cancel() })
	return "tcp://" + fl.Addrs()[0]
}

var listenLine = regexp.MustCompile(`(127\.0\.0\.1:\d+)`)

// startSimProcess runs `posdoctor sim --listen 127.0.0.1:0 --scenario
// SCENARIO [--fault F]...` and reads the address it prints. ok is false when
// the subcommand is not available.
func startSimProcess(t testing.TB, bin, scenario string, faults []string) (string, bool) {
	help, _ := exec.Command(bin, "sim", "--help").CombinedOutput()
	if !strings.Contains(string(help), "--listen") {
		return "", false
	}
	ctx, cancel := context.WithCancel(context.Background())
	args := []string{"sim", "--listen", "127.0.0.1:0", "--scenario", scenario}
	for _, f := range faults {
		args = append(args, "--fault", f)
	}
	cmd := exec.CommandContext(ctx, bin, args...)
	cmd.Env = append(os.Environ(), "NO_COLOR=1")
	out, err := cmd.StdoutPipe()
	if err != nil {
		cancel()
		return "", false
	}
	cmd.Stderr = cmd.Stdout
	if err := cmd.Start(); err != nil {
		cancel()
		return "", false
	}
	t.Cleanup(func() { cancel(); _ = cmd.Wait() })
	found := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			if m := listenLine.FindString(sc.Text()); m != "" {
				select {
				case found <- m:
				default:
				}
			}
		}
	}()
	select {
	case a := <-found:
		return a, true
	case <-time.After(10 * time.Second):
		cancel()
		return "", false
	}
}

// tmuxSession drives one program in a private tmux server.
type tmuxSession struct {
	t      *testing.T
	socket string
}

func newTmux(t *testing.T, w, h int, env []string, argv ...string) *tmuxSession {
	t.Helper()
	if _, err := exec.LookPath("tmux"); err != nil {
		t.Skip("tmux is not installed: the end-to-end console test needs it (apt-get install tmux)")
	}
	s := &tmuxSession{t: t, socket: fmt.Sprintf("pd-e2e-%d-%d", os.Getpid(), time.Now().UnixNano())}
	shell := "env " + strings.Join(quoteAll(env), " ") + " " + strings.Join(quoteAll(argv), " ")
	args := []string{"-L", s.socket, "-f", "/dev/null", "-u", "new-session", "-d", "-s", "pd",
		"-x", fmt.Sprint(w), "-y", fmt.Sprint(h), shell}
	if out, err := exec.Command("tmux", args...).CombinedOutput(); err != nil {
		t.Fatalf("tmux new-session: %v\n%s", err, out)
	}
	t.Cleanup(func() { _ = exec.Command("tmux", "-L", s.socket, "kill-server").Run() })
	return s
}

func quoteAll(ss []string) []string {
	out := make([]string, len(ss))
	for i, s := range ss {
		out[i] = "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
	}
	return out
}

func (s *tmuxSession) screen() string {
	out, err := exec.Command("tmux", "-L", s.socket, "capture-pane", "-p", "-t", "pd").Output()
	if err != nil {
		return ""
	}
	return string(out)
}

// keys sends tmux key names (Enter, Escape), or literal text after -l.
func (s *tmuxSession) keys(k ...string) {
	s.t.Helper()
	if out, err := exec.Command("tmux", append([]string{"-L", s.socket, "send-keys", "-t", "pd"}, k...)...).CombinedOutput(); err != nil {
		s.t.Fatalf("send-keys %v: %v %s", k, err, out)
	}
}

// waitFor polls the screen until all wants appear or the deadline passes.
func (s *tmuxSession) waitFor(stage string, d time.Duration, wants ...string) string {
	s.t.Helper()
	deadline := time.Now().Add(d)
	var scr string
	for time.Now().Before(deadline) {
		scr = s.screen()
		if tuiShowsAll(scr, wants) {
			return scr
		}
		time.Sleep(100 * time.Millisecond)
	}
	s.t.Fatalf("%s: screen never showed %q within %v; last screen:\n%s", stage, wants, d, scr)
	return ""
}

// tuiEnv is the environment of a console under test: everything it writes
// (config, journal) stays in home, English, a 256-colour terminal; extra
// entries are added at the end.
func tuiEnv(home, journal string, extra ...string) []string {
	return append([]string{"HOME=" + home, "XDG_CONFIG_HOME=" + filepath.Join(home, "config"), "LANG=en_US.UTF-8",
		"TERM=xterm-256color", "POSDOCTOR_JOURNAL_DIR=" + journal}, extra...)
}

// TestConsoleEndToEnd drives the real binary in tmux against the simulator
// over TCP: start, run checks, help, language switch, report export, quit.
// The simulated terminal is misconfigured (fault full-pan): it sends the PAN
// in full, so the console's own masking is what keeps it off the screen and
// out of the report.
func TestConsoleEndToEnd(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end: skipped with -short")
	}
	bin := posdoctorBinary(t)
	target := simTarget(t, bin, "lost-card", "full-pan")
	home := t.TempDir()
	journal := filepath.Join(home, "journal")
	exitFile := filepath.Join(home, "exit")
	env := tuiEnv(home, journal, "NO_COLOR=")
	shell := fmt.Sprintf("%s --target %s --theme dark; echo $? > %s; sleep 30", bin, target, exitFile)
	s := newTmux(t, 100, 30, env, "sh", "-c", shell)

	// 1. start: connects and asks for the symptom
	s.waitFor("start", 15*time.Second, "What did the terminal show?", "Connected to "+target)

	// 2. run all checks, confirm the test transaction
	s.keys("a")
	s.waitFor("confirm", 5*time.Second, "Test transaction", "reverses it at once")
	s.keys("y")
	scr := s.waitFor("run", 60*time.Second, "Run finished")
	for _, id := range []string{"link", "status", "version", "network", "reader", "transaction"} {
		if !strings.Contains(scr, id) {
			t.Errorf("dashboard lacks check %q:\n%s", id, scr)
		}
	}
	if !regexp.MustCompile(`\[(OK|WARN|FAIL|SKIP|ERROR)\]`).MatchString(scr) {
		t.Errorf("no textual status badges on the dashboard:\n%s", scr)
	}

	// 3. help overlay and back
	s.keys("?")
	s.waitFor("help", 5*time.Second, "Keys: Checks", "close this help")
	s.keys("?")
	s.waitFor("help closed", 5*time.Second, "Run finished")

	// 4. switch language
	s.keys("L")
	s.waitFor("language", 5*time.Second, "语言：简体中文", "导出报告")

	// 5. export the report (Markdown)
	s.keys("e")
	s.waitFor("export dialog", 5*time.Second, "导出会话报告")
	s.keys("m")
	scr = s.waitFor("export", 10*time.Second, "报告已写入")
	m := regexp.MustCompile(`报告已写入 (\S+)`).FindStringSubmatch(scr)
	if m == nil {
		t.Fatalf("no report path on screen:\n%s", scr)
	}
	files, _ := filepath.Glob(filepath.Join(journal, "*-report.md"))
	if len(files) != 1 {
		t.Fatalf("report files in %s: %v", journal, files)
	}
	if shown := strings.TrimSuffix(m[1], "..."); !strings.HasPrefix(files[0], shown) || len(shown) < 10 {
		t.Errorf("screen path %q does not name the file %q", m[1], files[0])
	}
	rep, err := os.ReadFile(files[0])
	if err != nil || len(rep) == 0 {
		t.Fatalf("report: %v (%d bytes)", err, len(rep))
	}
	// The full test PAN never reaches the screen or the report.
	sc, err := sim.Load("lost-card")
	if err != nil {
		t.Fatal(err)
	}
	pan := sc.Cards[0].PAN
	if strings.Contains(string(rep), pan) || strings.Contains(scr, pan) {
		t.Fatalf("full PAN %s leaked into the report or the screen", pan)
	}
	if !strings.Contains(string(rep), "transaction") {
		t.Errorf("report does not mention the transaction check:\n%s", rep)
	}

	// 6. the trace, searched for the card's PAN: masked there too
	s.keys("t", "/")
	s.keys("-l", pan[:6])
	s.keys("Enter")
	scr = s.waitFor("trace", 5*time.Second, "协议报文", "/"+pan[:6]+"：", pan[:6]+"*")
	// BMP 22 carries the PAN as BCD, padded with F: the hex line shows it so.
	digits := pan
	if len(digits)%2 == 1 {
		digits += "F"
	}
	var bcd []string
	for i := 0; i < len(digits); i += 2 {
		bcd = append(bcd, digits[i:i+2])
	}
	if strings.Contains(scr, pan) || strings.Contains(scr, strings.Join(bcd, " ")) {
		t.Fatalf("full PAN %s on the trace screen:\n%s", pan, scr)
	}

	// 7. quit
	s.keys("q")
	deadline := time.Now().Add(10 * time.Second)
	for {
		b, err := os.ReadFile(exitFile)
		if err == nil && strings.TrimSpace(string(b)) != "" {
			if code := strings.TrimSpace(string(b)); code != "0" {
				t.Fatalf("console exit status %s, want 0", code)
			}
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("console did not exit after q; screen:\n%s", s.screen())
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// TestConsoleRecoversOpenPayment: the console is killed between an approved
// test payment and its reversal; the next start resolves the payment before
// anything else and tells the operator (DESIGN.md §Safety).
func TestConsoleRecoversOpenPayment(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end: skipped with -short")
	}
	bin := posdoctorBinary(t)
	target := simTarget(t, bin, "healthy")
	home := t.TempDir()
	journal := filepath.Join(home, "journal")
	paused := filepath.Join(home, "paused")
	env := tuiEnv(home, journal, "POSDOCTOR_TEST_PAUSE_AFTER_AUTH=60s", "POSDOCTOR_TEST_PAUSE_FILE="+paused)
	s := newTmux(t, 100, 30, env, bin, "--target", target)
	s.waitFor("start", 15*time.Second, "What did the terminal show?")
	s.keys("a")
	s.waitFor("confirm", 5*time.Second, "reverses it at once")
	s.keys("y")
	deadline := time.Now().Add(30 * time.Second)
	for {
		if _, err := os.Stat(paused); err == nil {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the payment never reached the pause; screen:\n%s", s.screen())
		}
		time.Sleep(100 * time.Millisecond)
	}
	// Crash: the process dies with the payment approved and not reversed.
	_ = exec.Command("tmux", "-L", s.socket, "kill-server").Run()

	env2 := env[:len(env)-2]
	s2 := newTmux(t, 100, 30, env2, bin, "--target", target)
	scr := s2.waitFor("restart", 20*time.Second, "Open test payments from earlier sessions", "enter understood")
	if !strings.Contains(scr, "revers") {
		t.Errorf("the notice does not say the payment was reversed:\n%s", scr)
	}
	s2.keys("Enter")
	s2.waitFor("acknowledged", 5*time.Second, "What did the terminal show?")
}
