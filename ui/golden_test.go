package ui

import (
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
	"github.com/mattn/go-runewidth"

	"github.com/posdoctor/posdoctor/checks"
	"github.com/posdoctor/posdoctor/fixtures/golden"
	"github.com/posdoctor/posdoctor/model"
	"github.com/posdoctor/posdoctor/ui/theme"
)

// screens builds every screen of the console in a deterministic state.
var screens = []struct {
	name  string
	setup func(m *Model, fb *fakeBackend)
}{
	{"connect", func(m *Model, fb *fakeBackend) {}},
	{"connect-busy", func(m *Model, fb *fakeBackend) {
		m.startConnect("sim://lost-card")
		for _, st := range []string{"open", "register", "status"} {
			m.Update(connStepMsg{gen: m.connGen, step: st})
		}
	}},
	{"connect-failed", func(m *Model, fb *fakeBackend) {
		m.startConnect("tcp://192.168.1.50:20007")
		m.Update(connectedMsg{gen: m.connGen, target: "tcp://192.168.1.50:20007", err: errRefused})
	}},
	{"symptom-offline", func(m *Model, fb *fakeBackend) { press(m, "s") }},
	{"symptom-connected", func(m *Model, fb *fakeBackend) { connectFake(m, fb, "sim://lost-card") }},
	{"symptom-unknown", func(m *Model, fb *fakeBackend) {
		press(m, "s", "/")
		typeText(m, "99")
		press(m, "enter")
	}},
	{"dashboard-proposed", func(m *Model, fb *fakeBackend) {
		connectFake(m, fb, "sim://lost-card")
		press(m, "down", "down", "enter", "c")
	}},
	{"answer-offline", func(m *Model, fb *fakeBackend) {
		press(m, "s", "/")
		typeText(m, "41")
		press(m, "enter")
	}},
	{"answer-symptom", func(m *Model, fb *fakeBackend) {
		press(m, "s", "down", "down", "enter") // lost card, from the list
	}},
	{"answer-more", func(m *Model, fb *fakeBackend) {
		press(m, "s", "/")
		typeText(m, "41")
		press(m, "enter", "+", "i")
	}},
	{"solved", func(m *Model, fb *fakeBackend) {
		solveKeys(m, fb)
	}},
	{"dashboard-running", func(m *Model, fb *fakeBackend) {
		connectFake(m, fb, "sim://lost-card")
		press(m, "a", "y")
		rs := lostCardResults()
		for _, r := range rs[:3] {
			r := r
			m.Update(eventMsg{events: m.events, ok: true, ev: checks.Event{Time: fakeClock, Kind: checks.CheckStarted, Check: r.ID}})
			m.Update(eventMsg{events: m.events, ok: true, ev: checks.Event{Time: fakeClock, Kind: checks.CheckFinished, Check: r.ID, Result: &r}})
		}
		m.Update(eventMsg{events: m.events, ok: true, ev: checks.Event{Time: fakeClock.Add(-1500 * time.Millisecond), Kind: checks.CheckStarted, Check: model.CheckNetwork}})
		m.Update(eventMsg{events: m.events, ok: true, ev: checks.Event{Time: fakeClock, Kind: checks.CheckProgress, Check: model.CheckNetwork, Text: "insert card", TextZh: "请插卡"}})
	}},
	{"confirm-transaction", func(m *Model, fb *fakeBackend) {
		connectFake(m, fb, "sim://lost-card")
		press(m, "a")
	}},
	{"dashboard-done", func(m *Model, fb *fakeBackend) {
		connectFake(m, fb, "sim://lost-card")
		press(m, "a")
		runFake(m, model.CheckOrder, lostCardResults())
		m.Update(eventMsg{events: m.events, ok: true, ev: checks.Event{Time: fakeClock, Kind: checks.MoneyEvent, Check: model.CheckTransaction, Text: "intent"}})
		m.Update(eventMsg{events: m.events, ok: true, ev: checks.Event{Time: fakeClock, Kind: checks.MoneyEvent, Check: model.CheckTransaction, Text: "declined"}})
		press(m, "up") // the transaction row: its full summary and evidence
	}},
	{"diagnosis", func(m *Model, fb *fakeBackend) {
		connectFake(m, fb, "sim://lost-card")
		press(m, "enter") // auth failed
		runFake(m, model.CheckOrder, lostCardResults())
		press(m, "d")
	}},
	{"wizard-fraud", func(m *Model, fb *fakeBackend) {
		connectFake(m, fb, "sim://lost-card")
		press(m, "down", "down", "enter")
		runFake(m, model.CheckOrder, lostCardResults())
		press(m, "d", "enter", "s") // skipping a fraud step asks for a note
		typeText(m, "已扣卡")
	}},
	{"wizard-offline", func(m *Model, fb *fakeBackend) {
		press(m, "s", "down", "down", "enter", "n", "n")
	}},
	{"wizard-verified", func(m *Model, fb *fakeBackend) {
		solveKeys(m, fb)
		press(m, "w") // back to the steps from the closing screen
	}},
	{"trace", func(m *Model, fb *fakeBackend) {
		connectFake(m, fb, "sim://lost-card")
		m.show(scrDashboard)
		runFake(m, model.CheckOrder, lostCardResults())
		press(m, "t", "/")
		typeText(m, "0A 01")
		press(m, "enter")
	}},
	{"export", func(m *Model, fb *fakeBackend) {
		connectFake(m, fb, "sim://lost-card")
		m.show(scrDashboard)
		runFake(m, model.CheckOrder, lostCardResults())
		press(m, "e")
	}},
	{"report-written", func(m *Model, fb *fakeBackend) {
		connectFake(m, fb, "sim://lost-card")
		m.show(scrDashboard)
		runFake(m, model.CheckOrder, lostCardResults())
		press(m, "e")
		m.Update(exportDoneMsg{path: "/home/op/posdoctor/reports/20261121T100000Z.md"})
	}},
	{"notice-recovered", func(m *Model, fb *fakeBackend) {
		fb.sess = newFakeSession("tcp://192.168.1.50:20007")
		fb.sess.notices = []model.Text{{
			En: "test payment 20261121T093000Z-1a2b-0001 of 0.01 (currency 156) on tcp://192.168.1.50:20007 was approved but not reversed when the console stopped: it has been reversed now (receipt 17)",
			Zh: "终端 tcp://192.168.1.50:20007 上的测试交易 20261121T093000Z-1a2b-0001，金额 0.01（币种 156），在控制台停止时已批准但未冲正：现已冲正（凭条号 17）",
		}}
		connectFake(m, fb, "tcp://192.168.1.50:20007")
	}},
	{"stopping", func(m *Model, fb *fakeBackend) {
		connectFake(m, fb, "sim://healthy")
		m.show(scrDashboard)
		m.startRun(model.CheckOrder, runPurpose{kind: "all"})
		m.confirmTxnKey("y")
		for _, txt := range []string{checks.MoneyIntent, checks.MoneyApproved} {
			m.Update(eventMsg{events: m.events, ok: true, ev: checks.Event{Time: fakeClock, Kind: checks.MoneyEvent, Check: model.CheckTransaction, Text: txt}})
		}
		press(m, "ctrl+c")
	}},
	{"dashboard-aborted", func(m *Model, fb *fakeBackend) {
		connectFake(m, fb, "sim://lost-card")
		m.show(scrDashboard)
		m.startRun(model.CheckOrder[:3], runPurpose{kind: "all"})
		press(m, "x")
		link := resultZh(model.CheckLink, model.StatusOK, 180*time.Millisecond, "registered, TLV supported", "已连接终端，支持 TLV")
		st := result(model.CheckStatus, model.StatusError, 0, "status enquiry: context canceled")
		ver := result(model.CheckVersion, model.StatusSkip, 0, "canceled before it ran")
		m.Update(runDoneMsg{gen: m.runGen, ids: m.runIDs, purpose: m.runPurpose, aborted: true, results: []checks.Result{link, st, ver}})
	}},
	{"help", func(m *Model, fb *fakeBackend) {
		connectFake(m, fb, "sim://lost-card")
		press(m, "a", "n")
		press(m, "?")
	}},
	{"quit-confirm", func(m *Model, fb *fakeBackend) {
		connectFake(m, fb, "sim://lost-card")
		press(m, "a", "n", "q")
	}},
}

// solveKeys takes keys-out-of-sync to its end: status fails, the operator
// notes and runs the fix on the sign-in step, the verifying check passes.
func solveKeys(m *Model, fb *fakeBackend) {
	fs := connectFake(m, fb, "sim://keys-out-of-sync")
	st := resultZh(model.CheckStatus, model.StatusFail, 200*time.Millisecond, "needs initialisation (status 83)", "需要初始化（状态 83）")
	fs.results[model.CheckStatus] = st
	press(m, "a", "n")
	rs := lostCardResults()
	rs[1] = st
	runFake(m, model.CheckOrder[:5], rs[:5])
	press(m, "d", "down", "enter", "m")
	typeText(m, "已在终端菜单中执行初始化")
	press(m, "enter", "f")
	m.Update(fixDoneMsg{step: "initialise_terminal"})
	ok := resultZh(model.CheckStatus, model.StatusOK, 210*time.Millisecond, "ready (00)", "就绪（00）")
	m.Update(runDoneMsg{gen: m.runGen, ids: []model.CheckID{model.CheckStatus}, results: []checks.Result{ok}, purpose: m.runPurpose})
}

// TestGoldenScreens renders every screen in zh and en at 80x24 and 120x40
// with a fake clock and a fake engine (testdata/screens/*.golden).
func TestGoldenScreens(t *testing.T) {
	sizes := [][2]int{{80, 24}, {120, 40}}
	for _, sc := range screens {
		for _, lang := range []model.Lang{model.LangEn, model.LangZh} {
			for _, sz := range sizes {
				name := fmt.Sprintf("%s_%s_%dx%d", sc.name, lang, sz[0], sz[1])
				t.Run(name, func(t *testing.T) {
					m, fb := newTestModel(t, lang, sz[0], sz[1])
					sc.setup(m, fb)
					out := m.Render()
					checkFrame(t, out, sz[0], sz[1])
					golden.Check(t, filepath.Join("testdata", "screens", name+".golden"), []byte(stripANSI(out)))
				})
			}
		}
	}
}

func TestGoldenTooSmall(t *testing.T) {
	for _, lang := range []model.Lang{model.LangEn, model.LangZh} {
		m, _ := newTestModel(t, lang, 70, 20)
		out := m.Render()
		checkFrame(t, out, 70, 20)
		s := stripANSI(out)
		if !strings.Contains(s, "80x24") || !strings.Contains(s, "70x20") {
			t.Errorf("too-small screen must say the size needed and the current size:\n%s", s)
		}
		golden.Check(t, filepath.Join("testdata", "screens", fmt.Sprintf("too-small_%s_70x20.golden", lang)), []byte(s))
	}
}

// checkFrame asserts the frame is exactly w x h cells and free of
// East-Asian-ambiguous glyphs (which terminals draw 1 or 2 cells wide).
func checkFrame(t *testing.T, out string, w, h int) {
	t.Helper()
	lines := strings.Split(out, "\n")
	if len(lines) != h {
		t.Errorf("frame has %d lines, want %d", len(lines), h)
	}
	for i, l := range lines {
		if n := ansi.StringWidth(l); n > w {
			t.Errorf("line %d is %d cells wide, more than %d: %q", i, n, w, ansi.Strip(l))
		}
		for _, r := range ansi.Strip(l) {
			if runewidth.IsAmbiguousWidth(r) {
				t.Errorf("line %d has the ambiguous-width glyph %q (U+%04X): %q", i, r, r, ansi.Strip(l))
			}
		}
	}
}

// TestGoldenStyled keeps a small set of screens with their ANSI styles (one
// per theme) to catch style regressions; NO_COLOR keeps bold and reverse.
func TestGoldenStyled(t *testing.T) {
	for _, mode := range []theme.Mode{theme.Dark, theme.Light, theme.HighContrast} {
		for _, noColor := range []bool{false, true} {
			name := fmt.Sprintf("styled-%s-color", mode)
			if noColor {
				name = fmt.Sprintf("styled-%s-nocolor", mode)
			}
			t.Run(name, func(t *testing.T) {
				fb := &fakeBackend{}
				m := New(Options{Backend: fb, Lang: model.LangEn, Theme: mode, NoColor: noColor, Now: fixedNow, Scenario: "lost-card"})
				m.Update(tea.WindowSizeMsg{Width: 80, Height: 24})
				m.Update(m.loadCmd()())
				connectFake(m, fb, "sim://lost-card")
				m.show(scrDashboard)
				runFake(m, model.CheckOrder, lostCardResults())
				out := m.Render()
				checkFrame(t, out, 80, 24)
				golden.Check(t, filepath.Join("testdata", "styled", name+".golden"), []byte(out))
			})
		}
	}
}
