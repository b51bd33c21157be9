package ui

import (
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"

	"github.com/posdoctor/posdoctor/checks"
	"github.com/posdoctor/posdoctor/model"
)

// payInFlight connects, starts a run with the transaction and feeds the
// money events of an approved payment that is not reversed yet.
func payInFlight(t *testing.T, lang model.Lang) *Model {
	t.Helper()
	m, fb := newTestModel(t, lang, 80, 24)
	connectFake(m, fb, "sim://healthy")
	m.show(scrDashboard)
	m.startRun(model.CheckOrder, runPurpose{kind: "all"})
	m.confirmTxnKey("y")
	for _, txt := range []string{checks.MoneyIntent, checks.MoneyApproved} {
		m.Update(eventMsg{events: m.events, ok: true, ev: checks.Event{Time: fakeClock, Kind: checks.MoneyEvent, Check: model.CheckTransaction, Text: txt}})
	}
	return m
}

// TestCtrlCDuringPaymentFinishesItFirst: ctrl+c with a payment in flight
// does not quit; it aborts the run, says what it is doing, and exits once
// the run is over, saying the payment was reversed.
func TestCtrlCDuringPaymentFinishesItFirst(t *testing.T) {
	for _, lang := range []model.Lang{model.LangEn, model.LangZh} {
		m := payInFlight(t, lang)
		if isQuit(press(m, "ctrl+c")) {
			t.Fatal("ctrl+c quit with the payment in flight")
		}
		if !m.stopping || m.overlay != ovStopping {
			t.Fatalf("not stopping: stopping=%v overlay=%v", m.stopping, m.overlay)
		}
		scr := screenText(m)
		checkFrame(t, m.Render(), 80, 24)
		want := map[model.Lang]string{model.LangEn: "Waiting for the terminal", model.LangZh: "正在等待终端"}[lang]
		if !strings.Contains(scr, want) {
			t.Fatalf("the stopping screen does not say what it does:\n%s", scr)
		}
		if isQuit(press(m, "q")) || isQuit(press(m, "y")) {
			t.Fatal("a key other than ctrl+c left while stopping")
		}
		m.Update(eventMsg{events: m.events, ok: true, ev: checks.Event{Time: fakeClock, Kind: checks.MoneyEvent, Check: model.CheckTransaction, Text: checks.MoneyReversed}})
		tx := resultZh(model.CheckTransaction, model.StatusOK, 0, "test payment approved and reversed", "测试交易已批准并已冲正")
		_, cmd := m.Update(runDoneMsg{gen: m.runGen, ids: m.runIDs, purpose: m.runPurpose, aborted: true, results: []checks.Result{tx}})
		if !isQuit(cmd) {
			t.Fatal("the console did not exit once the payment was finished")
		}
		want = map[model.Lang]string{model.LangEn: "was reversed before exiting", model.LangZh: "退出前已将"}[lang]
		if !strings.Contains(m.ExitNote(), want) {
			t.Fatalf("exit note %q, want the reversal", m.ExitNote())
		}
	}
}

// TestSecondCtrlCLeavesAndSaysWhatIsOpen: the operator need not wait; the
// console then says the payment stays open and how it will be resolved.
func TestSecondCtrlCLeavesAndSaysWhatIsOpen(t *testing.T) {
	m := payInFlight(t, model.LangEn)
	press(m, "ctrl+c")
	if !isQuit(press(m, "ctrl+c")) {
		t.Fatal("a second ctrl+c did not leave")
	}
	if n := m.ExitNote(); !strings.Contains(n, "stays open") || !strings.Contains(n, "next start of posdoctor") {
		t.Fatalf("exit note %q does not say what is open and how it is resolved", n)
	}
}

// TestSignalIsCtrlC: SIGINT (tea.InterruptMsg) and a SIGTERM's QuitMsg
// become the console's quit request; the console's own quit passes.
func TestSignalIsCtrlC(t *testing.T) {
	m := payInFlight(t, model.LangEn)
	if _, ok := m.Filter(m, tea.InterruptMsg{}).(interruptMsg); !ok {
		t.Fatal("SIGINT is not turned into the quit request")
	}
	if _, ok := m.Filter(m, tea.QuitMsg{}).(interruptMsg); !ok {
		t.Fatal("a QuitMsg the console did not send ends the program")
	}
	m.Update(interruptMsg{})
	if !m.stopping {
		t.Fatal("a signal during the payment did not start the stop")
	}
	press(m, "ctrl+c")
	if _, ok := m.Filter(m, tea.QuitMsg{}).(tea.QuitMsg); !ok {
		t.Fatal("the console's own quit is filtered out")
	}
}

// TestOperatorAbortIsNotAFailure: an aborted run marks the checks it cut
// short "aborted by the operator", not failed, and no Go error text shows.
func TestOperatorAbortIsNotAFailure(t *testing.T) {
	m, fb := newTestModel(t, model.LangEn, 80, 24)
	connectFake(m, fb, "sim://healthy")
	m.show(scrDashboard)
	m.startRun([]model.CheckID{model.CheckLink, model.CheckStatus}, runPurpose{kind: "all"})
	press(m, "x")
	link := result(model.CheckLink, model.StatusError, 0, "registration: context canceled")
	st := result(model.CheckStatus, model.StatusSkip, 0, "canceled before it ran")
	m.Update(runDoneMsg{gen: m.runGen, ids: m.runIDs, purpose: m.runPurpose, aborted: true, results: []checks.Result{link, st}})
	scr := screenText(m)
	if strings.Count(scr, "aborted by the operator") < 2 || strings.Contains(scr, "[ERROR]") {
		t.Fatalf("the aborted checks are not shown as aborted by the operator:\n%s", scr)
	}
	if strings.Contains(scr, "context canceled") {
		t.Fatalf("Go error text on screen:\n%s", scr)
	}
}

// TestQuitKeyDuringPaymentAlsoFinishesIt: q asks (work runs), y confirms;
// with a payment in flight that is the same stop as ctrl+c.
func TestQuitKeyDuringPaymentAlsoFinishesIt(t *testing.T) {
	m := payInFlight(t, model.LangEn)
	press(m, "q")
	if m.overlay != ovQuit {
		t.Fatalf("q during a run did not ask: overlay %v", m.overlay)
	}
	if isQuit(press(m, "y")) {
		t.Fatal("q, y left with the payment in flight")
	}
	if !m.stopping {
		t.Fatal("q, y did not start finishing the payment")
	}
}
