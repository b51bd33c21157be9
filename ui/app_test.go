package ui

import (
	"context"
	"fmt"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"

	"github.com/posdoctor/posdoctor/checks"
	"github.com/posdoctor/posdoctor/model"
	"github.com/posdoctor/posdoctor/ui/i18n"
)

// isQuit runs cmd (unwrapping batches) and reports whether it quits.
// runCmds runs cmd and every command of a batch, except spinner ticks.
func runCmds(cmd tea.Cmd) []tea.Msg {
	if cmd == nil {
		return nil
	}
	msg := cmd()
	if b, ok := msg.(tea.BatchMsg); ok {
		var out []tea.Msg
		for _, c := range b {
			if c == nil {
				continue
			}
			out = append(out, runCmds(c)...)
		}
		return out
	}
	return []tea.Msg{msg}
}

func isQuit(cmd tea.Cmd) bool {
	if cmd == nil {
		return false
	}
	switch msg := cmd().(type) {
	case tea.QuitMsg:
		return true
	case tea.BatchMsg:
		for _, c := range msg {
			if isQuit(c) {
				return true
			}
		}
	}
	return false
}

func TestSpinnerTicksOnlyWhileBusy(t *testing.T) {
	m, fb := newTestModel(t, model.LangEn, 80, 24)
	// Idle: a stray tick stops the spinner instead of scheduling the next.
	if _, cmd := m.Update(tickMsg{}); cmd != nil {
		t.Fatal("idle console scheduled a tick: it would repaint while idle")
	}
	connectFake(m, fb, "sim://healthy")
	// The tick in flight when the connect ended stops the spinner.
	if _, cmd := m.Update(tickMsg{}); cmd != nil || m.ticking {
		t.Fatal("spinner kept ticking after the connect finished")
	}
	press(m, "a", "n") // run all, skip the transaction
	if !m.running || !m.ticking {
		t.Fatalf("running=%v ticking=%v, want both true while checks run", m.running, m.ticking)
	}
	if _, cmd := m.Update(tickMsg{}); cmd == nil {
		t.Fatal("no next tick while checks run")
	}
	m.Update(runDoneMsg{gen: m.runGen, ids: m.runIDs, purpose: m.runPurpose})
	if _, cmd := m.Update(tickMsg{}); cmd != nil {
		t.Fatal("tick scheduled after the run ended")
	}
	if m.ticking {
		t.Fatal("spinner still ticking after the run")
	}
}

func TestQuitAsksWhenWorkIsRunning(t *testing.T) {
	m, _ := newTestModel(t, model.LangEn, 80, 24)
	if !isQuit(press(m, "q")) {
		t.Fatal("q did not quit an idle console")
	}
	m, fb := newTestModel(t, model.LangEn, 80, 24)
	connectFake(m, fb, "sim://healthy")
	press(m, "a", "n")
	if cmd := press(m, "q"); isQuit(cmd) {
		t.Fatal("q quit at once while checks were running")
	}
	if !strings.Contains(screenText(m), "Quit anyway") {
		t.Fatalf("no quit confirmation on screen:\n%s", screenText(m))
	}
	press(m, "n")
	if m.overlay != ovNone {
		t.Fatal("n did not dismiss the quit question")
	}
	press(m, "q")
	if !isQuit(press(m, "y")) {
		t.Fatal("y did not quit")
	}
}

func TestTransactionNeedsConfirmation(t *testing.T) {
	m, fb := newTestModel(t, model.LangZh, 80, 24)
	connectFake(m, fb, "sim://healthy")
	press(m, "a")
	if m.running || m.overlay != ovConfirmTxn {
		t.Fatalf("run started without confirmation (running=%v overlay=%v)", m.running, m.overlay)
	}
	s := screenText(m)
	if !strings.Contains(s, "0.01") || !strings.Contains(s, "CNY") || !strings.Contains(s, "冲正") {
		t.Fatalf("confirmation must state the amount and the reversal:\n%s", s)
	}
	cmd := press(m, "esc")
	if m.running || cmd != nil {
		t.Fatal("esc must cancel the run")
	}
	press(m, "a", "y")
	if !m.running {
		t.Fatal("y did not start the run")
	}
	if len(m.runIDs) != len(model.CheckOrder) {
		t.Fatalf("run ids %v, want all checks", m.runIDs)
	}
}

func TestAbortCancelsTheRun(t *testing.T) {
	m, fb := newTestModel(t, model.LangEn, 80, 24)
	fs := connectFake(m, fb, "sim://healthy")
	fs.block = make(chan struct{})
	cmd := press(m, "a", "n")
	done := make(chan tea.Msg, 1)
	go func() {
		for _, msg := range runCmds(cmd) {
			if _, ok := msg.(runDoneMsg); ok {
				done <- msg
				return
			}
		}
	}()
	press(m, "x")
	msg := <-done
	m.Update(msg)
	if m.running {
		t.Fatal("still running after abort")
	}
	if !strings.Contains(screenText(m), "aborted") {
		t.Fatalf("abort not reported:\n%s", screenText(m))
	}
}

// TestLateEventAfterRunDoneAddsNoFrames: the engine's last events may reach
// Update after the run's results; the trace must not show a check twice.
func TestLateEventAfterRunDoneAddsNoFrames(t *testing.T) {
	m, fb := newTestModel(t, model.LangEn, 80, 24)
	connectFake(m, fb, "sim://lost-card")
	res := lostCardResults()
	m.startRun(model.CheckOrder, runPurpose{kind: "all"})
	m.confirmTxnKey("y")
	m.Update(runDoneMsg{gen: m.runGen, ids: model.CheckOrder, results: res, purpose: runPurpose{kind: "all"}})
	want := len(m.frames)
	if want == 0 {
		t.Fatal("the run's results added no trace frames")
	}
	for i := range res {
		m.Update(eventMsg{events: m.events, ok: true, ev: checks.Event{Time: fakeClock, Kind: checks.CheckFinished, Check: res[i].ID, Result: &res[i]}})
	}
	if got := len(m.frames); got != want {
		t.Errorf("trace frames after late CheckFinished events = %d, want %d", got, want)
	}
}

// TestFraudStepCannotBeSkippedWithoutNote: s on a fraud step asks for the
// note; enter then saves it and skips the step (one s, not two).
func TestFraudStepCannotBeSkippedWithoutNote(t *testing.T) {
	m, fb := newTestModel(t, model.LangEn, 80, 24)
	fs := connectFake(m, fb, "sim://lost-card")
	press(m, "down", "down", "enter")
	runFake(m, model.CheckOrder, lostCardResults())
	press(m, "d", "enter")
	st, _ := m.wiz.step()
	if !st.Fraud {
		t.Fatalf("first step %q is not the fraud step", st.ID)
	}
	if !strings.Contains(screenText(m), "FRAUD STEP") {
		t.Fatalf("fraud step has no text marker:\n%s", screenText(m))
	}
	press(m, "s")
	if mk := m.wiz.mark(st.ID); mk.mark == "skipped" {
		t.Fatal("fraud step skipped without a note")
	}
	if !m.wiz.note.Focused() {
		t.Fatal("skip on a fraud step must open the note field")
	}
	press(m, "enter")
	if !m.wiz.note.Focused() || m.wiz.mark(st.ID).mark != "" {
		t.Fatal("enter on an empty note skipped the fraud step")
	}
	typeText(m, "police called, card kept")
	_, noteCmd := m.Update(keyMsg("enter"))
	if mk := m.wiz.mark(st.ID); mk.mark != "skipped" || mk.note != "police called, card kept" {
		t.Fatalf("mark %+v, want skipped with the note", mk)
	}
	if cur, _ := m.wiz.step(); cur.ID == st.ID {
		t.Fatal("the wizard stayed on the skipped fraud step")
	}
	// The note and the mark go to the journal through Cmds: run them.
	runCmds(noteCmd)
	got := strings.Join(fs.records, "\n")
	if !strings.Contains(got, "step_mark") || !strings.Contains(got, "police called, card kept") {
		t.Fatalf("journal records %q, want the skip with its note", fs.records)
	}
}

func TestWizardRecordsToJournal(t *testing.T) {
	m, fb := newTestModel(t, model.LangEn, 80, 24)
	fs := connectFake(m, fb, "sim://lost-card")
	press(m, "down", "down", "enter")
	runFake(m, model.CheckOrder, lostCardResults())
	press(m, "d", "enter", "n") // step 2, not fraud
	cmd := press(m, "enter")
	if cmd == nil {
		t.Fatal("marking a step recorded nothing")
	}
	if msg, ok := cmd().(recordedMsg); !ok || msg.err != nil {
		t.Fatalf("record cmd gave %#v", msg)
	}
	if len(fs.records) != 1 || !strings.Contains(fs.records[0], "step_mark") || !strings.Contains(fs.records[0], "ask_cardholder_bank") {
		t.Fatalf("journal records %q", fs.records)
	}
}

func TestRerankKeepsThePlace(t *testing.T) {
	m, fb := newTestModel(t, model.LangEn, 80, 24)
	connectFake(m, fb, "sim://keys-out-of-sync")
	press(m, "enter")
	m.show(scrWizard)
	m.wiz.setIdx(2)
	if st, _ := m.wiz.step(); st.State != model.StepNeedsCheck {
		t.Fatalf("before: state %q", st.State)
	}
	m.Update(runDoneMsg{gen: m.runGen, results: []checks.Result{result(model.CheckStatus, model.StatusOK, 0, "ready")}})
	st, _ := m.wiz.step()
	if st.ID != "initialise_terminal" || st.State != model.StepRuledOut {
		t.Fatalf("after re-rank: step %q state %q, want initialise_terminal ruled_out", st.ID, st.State)
	}
}

func TestFixActionThenVerify(t *testing.T) {
	m, fb := newTestModel(t, model.LangEn, 80, 24)
	fs := connectFake(m, fb, "sim://keys-out-of-sync")
	press(m, "enter")
	m.show(scrWizard)
	m.wiz.setIdx(2)
	cmd := press(m, "f")
	if !m.fixing || cmd == nil {
		t.Fatal("f did not start the fix")
	}
	var fix fixDoneMsg
	for _, msg := range runCmds(cmd) {
		if f, ok := msg.(fixDoneMsg); ok {
			fix = f
		}
	}
	if fs.inits != 1 {
		t.Fatalf("Initialise called %d times", fs.inits)
	}
	m.Update(fix)
	if !m.running || m.runPurpose.kind != "verify" || len(m.runIDs) != 1 || m.runIDs[0] != model.CheckStatus {
		t.Fatalf("after the fix: running=%v purpose=%+v ids=%v, want a verify run of status", m.running, m.runPurpose, m.runIDs)
	}
	res := fs.Run(t.Context(), m.runIDs, RunOptions{})
	m.Update(runDoneMsg{gen: m.runGen, ids: m.runIDs, purpose: m.runPurpose, results: res})
	if mk := m.wiz.mark("initialise_terminal"); mk.verify != model.StatusOK {
		t.Fatalf("verify mark %q, want ok", mk.verify)
	}
	if scr := screenText(m); m.Screen() != "solved" || !strings.Contains(scr, "Solved") || !strings.Contains(scr, "Initialise the terminal") {
		t.Fatalf("screen %q does not close the case with what fixed it:\n%s", m.Screen(), scr)
	}
}

func TestLanguageKeyAndTextInputs(t *testing.T) {
	m, _ := newTestModel(t, model.LangEn, 80, 24)
	press(m, "L")
	if m.lang != model.LangZh || !strings.Contains(screenText(m), "连接终端") {
		t.Fatalf("L did not switch to Chinese:\n%s", screenText(m))
	}
	// In a text field, L and q are typed, not commands.
	press(m, "tab")
	typeText(m, "qL")
	if m.lang != model.LangZh {
		t.Fatal("L in a text field switched the language")
	}
	if v := m.connect.addr.Value(); v != "qL" {
		t.Fatalf("address field %q, want qL", v)
	}
	press(m, "esc")
	if m.connect.addr.Focused() {
		t.Fatal("esc did not leave the field")
	}
}

func TestSymptomWithoutConnectionGoesToSteps(t *testing.T) {
	m, _ := newTestModel(t, model.LangEn, 80, 24)
	press(m, "s", "/")
	typeText(m, "41")
	press(m, "enter")
	if m.Screen() != "answer" {
		t.Fatalf("screen %q, want answer", m.Screen())
	}
	if m.input.Symptom != model.LostCard {
		t.Fatalf("input %+v", m.input)
	}
}

func TestSymptomWithConnectionProposesChecks(t *testing.T) {
	m, fb := newTestModel(t, model.LangEn, 80, 24)
	connectFake(m, fb, "sim://lost-card")
	press(m, "down", "down", "enter")
	if m.Screen() != "answer" {
		t.Fatalf("screen %q, want answer", m.Screen())
	}
	want := []model.CheckID{model.CheckLink, model.CheckStatus, model.CheckTransaction}
	if got := m.dash.proposed; len(got) != len(want) || got[0] != want[0] || got[1] != want[1] || got[2] != want[2] {
		t.Fatalf("proposed %v, want %v", got, want)
	}
}

func TestResizeAnytime(t *testing.T) {
	m, _ := newTestModel(t, model.LangEn, 80, 24)
	m.Update(tea.WindowSizeMsg{Width: 60, Height: 20})
	if !strings.Contains(screenText(m), "needs at least 80x24") {
		t.Fatal("no too-small screen at 60x20")
	}
	m.Update(tea.WindowSizeMsg{Width: 100, Height: 30})
	checkFrame(t, m.Render(), 100, 30)
}

func TestEveryMessageTranslated(t *testing.T) {
	for _, k := range i18n.Keys() {
		if i18n.T(model.LangZh, k) == "" || i18n.T(model.LangEn, k) == "" {
			t.Errorf("message %q is empty in one language", k)
		}
	}
}

func TestCopyTraceUsesOSC52(t *testing.T) {
	m, fb := newTestModel(t, model.LangEn, 80, 24)
	connectFake(m, fb, "sim://lost-card")
	m.show(scrDashboard)
	runFake(m, model.CheckOrder, lostCardResults())
	press(m, "t")
	cmd := press(m, "y")
	if cmd == nil {
		t.Fatal("copy returned no command")
	}
	msg := cmd()
	if typ := fmt.Sprintf("%T", msg); !strings.Contains(strings.ToLower(typ), "clipboard") {
		t.Fatalf("copy gave %s, want a clipboard message", typ)
	}
	// The clipboard gets the trace as text: summaries, details and hex.
	clip := fmt.Sprint(msg)
	for _, want := range []string{"06 1E Abort: 29", "PAN 625800******0012", "hex: 06 01 07 04"} {
		if !strings.Contains(clip, want) {
			t.Errorf("clipboard lacks %q:\n%s", want, clip)
		}
	}
	if s := strings.ToLower(screenText(m)); !strings.Contains(s, "copied") {
		t.Fatalf("copy not confirmed:\n%s", s)
	}
}

func TestEscCancelsConnect(t *testing.T) {
	m, _ := newTestModel(t, model.LangEn, 80, 24)
	m.startConnect("tcp://192.168.1.50:20007")
	if !strings.Contains(screenText(m), "Connecting to tcp://192.168.1.50:20007") {
		t.Fatalf("connecting screen does not say what it does:\n%s", screenText(m))
	}
	press(m, "esc")
	m.Update(connectedMsg{gen: m.connGen, target: "tcp://192.168.1.50:20007", err: context.Canceled})
	if m.connect.state != connIdle || !strings.Contains(screenText(m), "Connect cancelled") {
		t.Fatalf("cancel not shown:\n%s", screenText(m))
	}
}

// TestSecondLookupReplacesTheFirst: a new query replaces the old one in
// the code field, and the answer is the second code's.
func TestSecondLookupReplacesTheFirst(t *testing.T) {
	m, _ := newTestModel(t, model.LangEn, 80, 24)
	press(m, "s", "/")
	typeText(m, "挂失卡")
	press(m, "enter")
	if m.Screen() != "answer" || m.input.Symptom != model.LostCard {
		t.Fatalf("first lookup: screen %q input %+v", m.Screen(), m.input)
	}
	press(m, "esc", "/")
	if v := m.symptom.query.Value(); v != "" {
		t.Fatalf("the code field starts with %q, want it empty", v)
	}
	typeText(m, "55")
	press(m, "enter")
	if m.input.Symptom != model.WrongPIN || len(m.input.Codes) != 1 || m.input.Codes[0].Value != "55" {
		t.Fatalf("second lookup: input %+v, want code 55", m.input)
	}
	if scr := screenText(m); !strings.Contains(scr, "55") || !strings.Contains(scr, "Incorrect PIN") {
		t.Fatalf("the answer is not code 55's:\n%s", scr)
	}
}

// TestConnectFooterKeepsSymptomFirst: at 80x24 the footer of the connect
// screen still offers s, the helpdesk's way in without a terminal.
func TestConnectFooterKeepsSymptomFirst(t *testing.T) {
	for _, lang := range []model.Lang{model.LangEn, model.LangZh} {
		m, _ := newTestModel(t, lang, 80, 24)
		lines := strings.Split(strings.TrimRight(screenText(m), "\n"), "\n")
		foot := lines[len(lines)-1]
		if !strings.Contains(foot, "s "+i18n.T(lang, "key.nosession")) {
			t.Errorf("%s: the connect footer lacks s:\n%s", lang, foot)
		}
	}
}

// TestPlaceholderExamplesResolve: every example the code field offers is
// found by the knowledge base.
func TestPlaceholderExamplesResolve(t *testing.T) {
	for _, lang := range []model.Lang{model.LangEn, model.LangZh} {
		ph := i18n.T(lang, "symptom.placeholder")
		ph = strings.TrimPrefix(strings.TrimPrefix(ph, "e.g. "), "例如 ")
		for _, ex := range strings.FieldsFunc(ph, func(r rune) bool { return r == ',' || r == '、' }) {
			ex = strings.TrimSpace(ex)
			if _, err := model.Resolve(ex, ""); err != nil {
				t.Errorf("%s: the example %q is not found: %v", lang, ex, err)
			}
		}
	}
}

// TestScenarioPickerFilters: / on the connect screen filters the scenarios
// as the operator types; enter takes the one found.
func TestScenarioPickerFilters(t *testing.T) {
	m, _ := newTestModel(t, model.LangEn, 80, 24)
	press(m, "/")
	typeText(m, "keys")
	scr := screenText(m)
	if !strings.Contains(scr, "1 of 3 scenarios") || !strings.Contains(scr, "keys-out-of-sync") || strings.Contains(scr, "healthy") {
		t.Fatalf("typing keys does not leave keys-out-of-sync alone:\n%s", scr)
	}
	press(m, "enter")
	if it := m.connect.items()[0]; it.target != "sim://keys-out-of-sync" {
		t.Fatalf("picked %q, want sim://keys-out-of-sync", it.target)
	}
	press(m, "/")
	typeText(m, "zzz")
	press(m, "enter", "esc")
	if it := m.connect.items()[0]; it.target != "sim://keys-out-of-sync" {
		t.Fatalf("a search that found nothing changed the scenario to %q", it.target)
	}
}
