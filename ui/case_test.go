package ui

import (
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"

	"github.com/posdoctor/posdoctor/model"
	"github.com/posdoctor/posdoctor/ui/theme"
)

// newViewer is a remote view of m's case, in lang, already sized.
func newViewer(t *testing.T, m *Model, id, name string, lang model.Lang) *Model {
	t.Helper()
	v := NewView(m.Case, Options{Actor: Actor{ID: id, Name: name, Remote: true}, Lang: lang,
		Theme: theme.Dark, NoColor: true, Now: fixedNow})
	v.Update(tea.WindowSizeMsg{Width: 100, Height: 30})
	m.Case.Join(Viewer{Actor: v.who, Lang: lang})
	t.Cleanup(func() { _ = v.Close() })
	return v
}

// runAll runs cmd and every Cmd of its batches (journal writes) and feeds
// back nothing: the tests look at the case.
func runAll(cmd tea.Cmd) { runCmds(cmd) }

// TestSharedCaseViewerFollowsInOwnLanguage: a viewer of the case sees the
// technician's screen, checks and diagnosis, in Chinese while the
// technician reads English, and says who is watching on the technician's
// screen.
func TestSharedCaseViewerFollowsInOwnLanguage(t *testing.T) {
	m, fb := newTestModel(t, model.LangEn, 100, 30)
	v := newViewer(t, m, "v1", "alice SHA256:abc", model.LangZh)
	connectFake(m, fb, "sim://lost-card")
	press(m, "down", "down", "enter") // lost card: the answer, checks proposed
	v.Update(caseMsg{})
	if v.Screen() != "answer" {
		t.Fatalf("viewer on %q, want the technician's answer screen", v.Screen())
	}
	runFake(m, model.CheckOrder, lostCardResults())
	m.show(scrDashboard)
	m.front = m.active
	v.Update(caseMsg{})
	if v.Screen() != "dashboard" {
		t.Fatalf("viewer on %q, want the technician's dashboard", v.Screen())
	}
	vs, ms := screenText(v), screenText(m)
	if !strings.Contains(vs, "测试交易被拒绝，主机返回码 41") || !strings.Contains(vs, "只读") {
		t.Errorf("viewer screen is not the case in Chinese, read-only:\n%s", vs)
	}
	if !strings.Contains(ms, "Watching (1): alice SHA256:abc") || !strings.Contains(ms, "declined: host code 41") {
		t.Errorf("technician screen does not say who is watching:\n%s", ms)
	}
	press(m, "d")
	v.Update(caseMsg{})
	if v.Screen() != "diagnosis" || !strings.Contains(screenText(v), "挂失") {
		t.Errorf("viewer did not follow to the diagnosis:\n%s", screenText(v))
	}
}

// TestSharedCaseControl: a read-only viewer cannot change the case; after
// request and grant its key is the technician's command; a test payment is
// still confirmed only at the technician's keyboard; after ctrl+t the
// viewer is read-only again. Every step is journaled.
func TestSharedCaseControl(t *testing.T) {
	m, fb := newTestModel(t, model.LangEn, 100, 30)
	desk := m.Case.desk() // read here: m.deskCh stays nil, so no Cmd waits on it
	v := newViewer(t, m, "v1", "alice", model.LangEn)
	fs := connectFake(m, fb, "sim://lost-card")
	press(m, "down", "down", "enter")
	v.Update(caseMsg{})
	press(v, "a")
	if m.running || m.overlay != ovNone || len(desk) != 0 {
		t.Fatal("a read-only viewer's key changed the case")
	}
	if !strings.Contains(screenText(v), "read-only") {
		t.Errorf("viewer not told it is read-only:\n%s", screenText(v))
	}
	runAll(press(v, "R"))
	m.Update(caseMsg{})
	if m.overlay != ovControlReq || !strings.Contains(screenText(m), "alice asks to drive") {
		t.Fatalf("technician not asked:\n%s", screenText(m))
	}
	runAll(press(m, "y"))
	if m.Case.share.control != "v1" {
		t.Fatal("y did not grant control")
	}
	press(v, "p") // run the proposed checks, from the co-pilot
	runAll(m.route2(deskMsg{rk: <-desk}))
	if m.overlay != ovConfirmTxn {
		t.Fatalf("co-pilot's a did not ask for the test payment (overlay %v)", m.overlay)
	}
	press(v, "y")
	runAll(m.route2(deskMsg{rk: <-desk}))
	if m.running {
		t.Fatal("a co-pilot's y confirmed a test payment")
	}
	press(m, "n") // the technician: run without the payment
	if !m.running || len(m.runIDs) != len(m.dash.proposed)-1 {
		t.Fatalf("technician's n did not start the run without the payment: running=%v ids=%v", m.running, m.runIDs)
	}
	m.Update(runDoneMsg{gen: m.runGen, ids: m.runIDs, purpose: m.runPurpose})
	runAll(press(m, "ctrl+t"))
	if m.Case.share.control != "" {
		t.Fatal("ctrl+t did not take control back")
	}
	press(v, "r")
	if len(desk) != 0 {
		t.Fatal("a revoked viewer's key still reached the console")
	}
	got := strings.Join(fs.records, "\n")
	for _, want := range []string{RecViewerJoin + " map[addr: id:v1 lang:en viewer:alice]", RecControlAsk, RecControlGrant,
		RecRemoteAction + " map[id:v1 key:p", RecControlTake} {
		if !strings.Contains(got, want) {
			t.Errorf("journal lacks %q:\n%s", want, got)
		}
	}
}

// route2 is Update for a test that wants the Cmd.
func (m *Model) route2(msg tea.Msg) tea.Cmd {
	_, cmd := m.Update(msg)
	return cmd
}
