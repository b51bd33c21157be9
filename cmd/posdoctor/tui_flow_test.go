package main

import (
	"bytes"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/exp/teatest/v2"
	"github.com/charmbracelet/x/vt"
	"github.com/mattn/go-runewidth"

	"github.com/posdoctor/posdoctor/fixtures/golden"
	"github.com/posdoctor/posdoctor/ui"
)

// zhKeys are the key names a zh footer shows (enter 查询, ctrl+c 立即退出).
var zhKeys = []string{"enter", "esc", "ctrl+c", "tab", "space", "up/k", "down/j", "left/right", "n/right", "left",
	"a", "c", "d", "e", "f", "i", "m", "o", "p", "q", "r", "s", "t", "u", "v", "w", "x", "y", "L", "T", "CNY",
	// ids: check ids in the knowledge base's texts, evidence as key=value
	"link", "status", "version", "network", "reader", "transaction", "link=sim", "protocol=zvt", "link=tcp"}

// flowConsole runs the whole console (real backend, real engine, the
// in-process simulator behind sim://) through teatest, and reads the screen
// through a virtual terminal.
type flowConsole struct {
	t   *testing.T
	tm  *teatest.TestModel
	m   *ui.Model
	emu *vt.Emulator
	cs  *consoleSetup
	// journal is the session journal (and report) directory.
	journal string
}

func newFlow(t *testing.T, target string) *flowConsole {
	t.Helper()
	dir := t.TempDir()
	t.Setenv("POSDOCTOR_JOURNAL_DIR", filepath.Join(dir, "journal"))
	t.Setenv("XDG_CONFIG_HOME", filepath.Join(dir, "config"))
	t.Setenv("HOME", dir)
	opts := &TUIOptions{Target: target, Lang: "en", Theme: "dark", NoColor: true,
		Getenv: func(string) string { return "" }}
	cs, err := newConsole(opts)
	if err != nil {
		t.Fatal(err)
	}
	const w, h = 120, 40
	emu := vt.NewEmulator(w, h)
	go func() { _, _ = io.Copy(io.Discard, emu) }() // drain the emulator's replies
	tm := teatest.NewTestModel(t, cs.model, teatest.WithInitialTermSize(w, h))
	f := &flowConsole{t: t, tm: tm, m: cs.model, emu: emu, cs: cs, journal: filepath.Join(dir, "journal")}
	t.Cleanup(func() {
		_ = tm.Quit()
		_ = cs.model.Close()
		cs.backend.close()
	})
	return f
}

// wait feeds the program's output to the virtual terminal until the screen
// holds every want.
func (f *flowConsole) wait(stage string, d time.Duration, wants ...string) string {
	f.t.Helper()
	var scr string
	buf := make([]byte, 64<<10)
	deadline := time.Now().Add(d)
	for {
		for {
			n, err := f.tm.Output().Read(buf)
			if n > 0 {
				_, _ = f.emu.Write(bytes.ReplaceAll(buf[:n], []byte("\n"), []byte("\r\n")))
			}
			if n == 0 || err != nil {
				break
			}
		}
		scr = f.emu.String()
		if tuiShowsAll(scr, wants) {
			assertNarrow(f.t, stage, scr)
			return scr
		}
		if time.Now().After(deadline) {
			f.t.Fatalf("%s: the screen never showed %q within %v; screen:\n%s", stage, wants, d, scr)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// report reads the one Markdown report the session exported.
func (f *flowConsole) report() string {
	f.t.Helper()
	files, _ := filepath.Glob(filepath.Join(f.journal, "*-report.md"))
	if len(files) != 1 {
		f.t.Fatalf("report files: %v", files)
	}
	rep, err := os.ReadFile(files[0])
	if err != nil {
		f.t.Fatal(err)
	}
	return string(rep)
}

func (f *flowConsole) key(keys ...string) {
	for _, k := range keys {
		switch k {
		case "enter":
			f.tm.Send(tea.KeyPressMsg{Code: tea.KeyEnter})
		case "esc":
			f.tm.Send(tea.KeyPressMsg{Code: tea.KeyEscape})
		case "down":
			f.tm.Send(tea.KeyPressMsg{Code: tea.KeyDown})
		default:
			f.tm.Send(tea.KeyPressMsg{Code: []rune(k)[0], Text: k})
		}
	}
}

// TestFlowLostCardReachesFraudStep: connect to the simulator, run all checks
// on lost-card, and reach the fraud step of the guided playbook.
func TestFlowLostCardReachesFraudStep(t *testing.T) {
	f := newFlow(t, "sim://lost-card")
	f.wait("connect", 15*time.Second, "What did the terminal show?", "Connected to sim://lost-card")
	f.key("a")
	f.wait("confirm", 5*time.Second, "Test transaction", "reverses it at once")
	f.key("y")
	run := f.wait("run", 60*time.Second, "Run finished")
	if !strings.Contains(run, "[FAIL]") {
		t.Errorf("lost-card run shows no failed check:\n%s", run)
	}
	f.key("d")
	scr := f.wait("diagnosis", 5*time.Second, "Causes: ")
	if !strings.Contains(scr, "[FRAUD]") {
		t.Fatalf("diagnosis of lost-card ranks no fraud cause:\n%s", scr)
	}
	f.key("enter")
	f.wait("fraud step", 5*time.Second, "FRAUD STEP", "Step ")
	// The same step in Chinese, with the real knowledge base's texts.
	f.key("L")
	f.wait("fraud step zh", 5*time.Second, "欺诈处理步骤", "由谁处理")
	f.key("L")
	f.wait("fraud step en", 5*time.Second, "FRAUD STEP")
	// A fraud step is skipped with one s and a note: s, the note, enter.
	f.key("s")
	f.wait("fraud note", 5*time.Second, "needs a note to be skipped", "skip with this note")
	for _, r := range "card kept, risk desk called" {
		f.key(string(r))
	}
	f.key("enter")
	scr = f.wait("skipped", 5*time.Second, "Marked: skipped", "Step 2 of")
	if !regexp.MustCompile(`1 \[skip\] \[FRAUD\]`).MatchString(scr) {
		t.Errorf("the step list does not show the fraud step skipped:\n%s", scr)
	}
	// The report has the step and its note (from the session journal).
	f.key("e")
	f.wait("export dialog", 5*time.Second, "Export the session report")
	f.key("m")
	f.wait("export", 10*time.Second, "Report written to")
	rep := f.report()
	for _, want := range []string{"card kept, risk desk called", "skipped", "transaction"} {
		if !strings.Contains(rep, want) {
			t.Errorf("report lacks %q:\n%s", want, rep)
		}
	}
}

// TestFlowKeysOutOfSyncFixWorks: on keys-out-of-sync, follow the wizard to
// the sign-in step, run the fix (Initialisation) from the step and see its
// verifying check turn ok.
func TestFlowKeysOutOfSyncFixWorks(t *testing.T) {
	f := newFlow(t, "sim://keys-out-of-sync")
	f.wait("connect", 15*time.Second, "What did the terminal show?")
	f.key("a")
	f.wait("confirm", 5*time.Second, "Test transaction")
	f.key("n") // the transaction can wait: status tells the keys story
	scr := f.wait("run", 60*time.Second, "Run finished")
	if !regexp.MustCompile(`status\s+\[(FAIL|WARN)\]`).MatchString(scr) {
		t.Fatalf("status did not flag the keys:\n%s", scr)
	}
	f.key("d")
	f.wait("diagnosis", 5*time.Second, "Causes: ")
	f.key("enter")
	f.wait("wizard", 5*time.Second, "Step ")
	// Walk to the step that offers the fix (Initialisation).
	found := false
	for i := 0; i < 30; i++ {
		scr = f.wait("step", 5*time.Second, "Step ")
		if strings.Contains(scr, "f runs this fix") {
			found = true
			break
		}
		f.key("n")
	}
	if !found {
		t.Fatalf("no step offers the Initialisation fix:\n%s", scr)
	}
	f.key("f")
	// The fix runs, then the step's verifying check re-runs by itself (a
	// step verified by the transaction asks for confirmation first).
	deadline := time.Now().Add(60 * time.Second)
	for {
		scr = f.wait("fix", 60*time.Second, "posdoctor")
		if strings.Contains(scr, "Solved: the verifying check passes") {
			break
		}
		if strings.Contains(scr, "reverses it at once") {
			f.key("y")
		}
		if strings.Contains(scr, "Not fixed yet") || time.Now().After(deadline) {
			t.Fatalf("the fix did not turn the check ok:\n%s", scr)
		}
		time.Sleep(50 * time.Millisecond)
	}
	// The closing screen: what was wrong, what fixed it, before and after.
	for _, want := range []string{"What was wrong", "What fixed it", "The console ran the fix", "before", "after", "[OK]"} {
		if !strings.Contains(scr, want) {
			t.Errorf("the solved screen lacks %q:\n%s", want, scr)
		}
	}
	if !regexp.MustCompile(`before\s+\[(FAIL|WARN)\]`).MatchString(scr) {
		t.Errorf("the solved screen does not show the check failing before:\n%s", scr)
	}
	// ... and the report for the ticket.
	f.key("e")
	f.wait("export dialog", 5*time.Second, "Export the session report")
	f.key("m")
	f.wait("export", 10*time.Second, "Report written to")
	if rep := f.report(); !strings.Contains(rep, "status") {
		t.Errorf("the report lacks the status check:\n%s", rep)
	}
}

// TestFlowTwoLookupsInARow: the helpdesk looks up one text, then a code;
// the second answer is the second code's, not the first query's.
func TestFlowTwoLookupsInARow(t *testing.T) {
	f := newFlow(t, "")
	f.wait("connect screen", 5*time.Second, "Connect to a terminal")
	f.key("s", "/")
	for _, r := range "持卡人认证失败" {
		f.key(string(r))
	}
	f.key("enter")
	f.wait("first answer", 5*time.Second, "05 (UnionPay)", "持卡人认证失败")
	f.key("/", "5", "5", "enter")
	scr := f.wait("second answer", 5*time.Second, "55 (UnionPay)", "Incorrect PIN")
	if strings.Contains(scr, "05 (UnionPay)") || strings.Contains(scr, "持卡人认证失败55") {
		t.Fatalf("the second lookup shows the first query:\n%s", scr)
	}
}

// TestFlowConnectFailureSaysWhatToTry: a refused TCP connect shows the
// reason and what to try, and the operator can go on symptom-first.
func TestFlowConnectFailureSaysWhatToTry(t *testing.T) {
	f := newFlow(t, "tcp://127.0.0.1:1")
	f.wait("connect failed", 20*time.Second, "Could not connect to tcp://127.0.0.1:1", "What to try:", "20007")
	f.key("s")
	f.wait("symptom offline", 5*time.Second, "Not connected: pick a symptom")
}

// TestFlowSymptomFirstWithoutConnection: the helpdesk case. No terminal, the
// merchant reads out "55": straight to the guided steps, in Chinese too.
func TestFlowSymptomFirstWithoutConnection(t *testing.T) {
	f := newFlow(t, "")
	f.wait("connect screen", 5*time.Second, "Connect to a terminal", "Simulator")
	f.key("s")
	f.wait("symptom", 5*time.Second, "What did the terminal show?", "Incorrect PIN")
	f.key("/", "5", "5", "enter")
	f.wait("answer", 5*time.Second, "55 (UnionPay)", "Incorrect PIN", "Who acts", "Retry")
	f.key("enter")
	scr := f.wait("steps", 5*time.Second, "Step ", "Incorrect PIN")
	if strings.Contains(scr, "Nothing in the knowledge base") {
		t.Fatalf("55 not resolved:\n%s", scr)
	}
	f.key("L")
	scr = f.wait("zh", 5*time.Second, "刷卡密码错误", "下一步")
	golden.CheckChinese(t, "steps screen in zh", scr, zhKeys...)
	f.key("d")
	scr = f.wait("zh diagnosis", 5*time.Second, "诊断")
	golden.CheckChinese(t, "diagnosis screen in zh", scr, zhKeys...)
}

// assertNarrow fails on East-Asian-ambiguous glyphs on screen: with the real
// knowledge base and terminal texts, none may reach the frame.
func assertNarrow(t *testing.T, stage, scr string) {
	t.Helper()
	for _, r := range scr {
		if runewidth.IsAmbiguousWidth(r) {
			t.Errorf("%s: ambiguous-width glyph %q (U+%04X) on screen:\n%s", stage, r, r, scr)
			return
		}
	}
}

// TestFlowSummariesInChinese: after a run against the real engine, the
// console in Chinese shows the checks' summaries in Chinese, and the report
// exported in Chinese has them too.
func TestFlowSummariesInChinese(t *testing.T) {
	f := newFlow(t, "sim://wrong-pin")
	f.wait("connect", 15*time.Second, "What did the terminal show?", "Connected to sim://wrong-pin")
	f.key("a")
	f.wait("confirm", 5*time.Second, "Test transaction", "reverses it at once")
	f.key("y")
	f.wait("run", 60*time.Second, "Run finished", "the test payment was declined")
	f.key("L")
	scr := f.wait("zh", 5*time.Second, "已连接终端，终端号", "测试交易被拒绝，主机返回码 55")
	golden.CheckChinese(t, "checks screen in zh", scr, zhKeys...)
	if strings.Contains(scr, "the test payment was declined") || strings.Contains(scr, "registered, TID") {
		t.Errorf("English summaries on the Chinese screen:\n%s", scr)
	}
	f.key("e")
	f.wait("export dialog", 5*time.Second, "导出会话报告")
	f.key("m")
	f.wait("export", 10*time.Second, "报告已写入")
	if rep := f.report(); !strings.Contains(rep, "测试交易被拒绝，主机返回码 55") {
		t.Errorf("the Chinese report lacks the Chinese summary:\n%s", rep)
	}
}

// TestFlowNewConnectionIsNewCase (issue 9): a case on wrong-pin, then c and
// sim://healthy: nothing of the wrong-PIN case (symptom, proposed checks,
// diagnosis, wizard) is anywhere on screen, before and after a run.
func TestFlowNewConnectionIsNewCase(t *testing.T) {
	f := newFlow(t, "sim://wrong-pin")
	f.wait("connect", 15*time.Second, "What did the terminal show?", "Connected to sim://wrong-pin")
	f.key("/", "5", "5", "enter")
	f.wait("answer", 5*time.Second, "Incorrect PIN")
	f.key("p")
	f.wait("confirm", 5*time.Second, "Test transaction")
	f.key("y")
	f.wait("run", 60*time.Second, "Run finished")
	f.key("d")
	f.wait("diagnosis", 5*time.Second, "Incorrect PIN")
	f.key("c", "o") // diagnosis -> checks -> connect screen (o: another terminal)
	f.wait("connect screen", 5*time.Second, "Connect to a terminal", "keep the symptom")
	f.connectTo("sim://healthy")
	// A new case starts from the symptom: the menu lists every symptom, but
	// none is chosen and the code field is empty.
	scr := f.wait("healthy", 15*time.Second, "Connected to sim://healthy", "What did the terminal show?")
	if strings.Contains(scr, "[55") || strings.Contains(scr, "wrong_pin") {
		t.Errorf("the new case's symptom screen still holds the last case's code:\n%s", scr)
	}
	f.key("a")
	f.wait("confirm 2", 5*time.Second, "Test transaction")
	f.key("y")
	scr = f.wait("run 2", 60*time.Second, "Run finished")
	assertNoWrongPIN(t, "after the run", scr)
	f.key("d")
	scr = f.wait("diagnosis 2", 5*time.Second, "posdoctor  |")
	assertNoWrongPIN(t, "diagnosis", scr)
	f.key("enter")
	scr = f.wait("wizard 2", 5*time.Second, "posdoctor  |")
	assertNoWrongPIN(t, "wizard", scr)
}

// TestFlowKeepSymptomOnPurpose: K on the connect screen carries the symptom
// to the next terminal, and says so.
func TestFlowKeepSymptomOnPurpose(t *testing.T) {
	f := newFlow(t, "sim://wrong-pin")
	f.wait("connect", 15*time.Second, "What did the terminal show?")
	f.key("/", "5", "5", "enter")
	f.wait("answer", 5*time.Second, "Incorrect PIN")
	f.key("d", "c", "o") // diagnosis -> checks -> connect screen
	f.wait("connect screen", 5*time.Second, "keep the symptom", "a new terminal is a new case")
	f.key("K")
	f.wait("kept", 5*time.Second, "for the next terminal: yes")
	f.connectTo("sim://healthy")
	f.wait("healthy with the symptom", 15*time.Second, "Connected to sim://healthy", "proposed for Incorrect PIN")
}

// connectTo types target into the connect screen's address field.
func (f *flowConsole) connectTo(target string) {
	f.key("tab")
	for _, r := range target {
		f.key(string(r))
	}
	f.key("enter")
}

func assertNoWrongPIN(t *testing.T, stage, scr string) {
	t.Helper()
	low := strings.ToLower(scr)
	for _, bad := range []string{"wrong_pin", "incorrect pin", "wrong pin", "sim://wrong-pin"} {
		if strings.Contains(low, bad) {
			t.Errorf("%s: %q of the previous case is on screen:\n%s", stage, bad, scr)
		}
	}
}

// tuiShowsAll reports whether the screen holds every one of wants.
func tuiShowsAll(scr string, wants []string) bool {
	for _, w := range wants {
		if !strings.Contains(scr, w) {
			return false
		}
	}
	return true
}
