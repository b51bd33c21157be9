package ui

import (
	"context"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/posdoctor/posdoctor/checks"
	"github.com/posdoctor/posdoctor/model"
	"github.com/posdoctor/posdoctor/terminal"
	"github.com/posdoctor/posdoctor/ui/theme"
)

func newTestModel(t testing.TB, lang model.Lang, w, h int) (*Model, *fakeBackend) {
	t.Helper()
	fb := &fakeBackend{}
	m := New(Options{Backend: fb, Lang: lang, Theme: theme.Dark, NoColor: true, Now: fixedNow, Scenario: "lost-card", Amount: 1, Currency: 156})
	m.Update(tea.WindowSizeMsg{Width: w, Height: h})
	m.Update(m.loadCmd()())
	return m, fb
}

// keyMsg builds a key press from its String() form.
func keyMsg(k string) tea.KeyPressMsg {
	special := map[string]rune{
		"enter": tea.KeyEnter, "esc": tea.KeyEscape, "up": tea.KeyUp, "down": tea.KeyDown,
		"left": tea.KeyLeft, "right": tea.KeyRight, "tab": tea.KeyTab, "f1": tea.KeyF1,
		"pgdown": tea.KeyPgDown, "pgup": tea.KeyPgUp, "backspace": tea.KeyBackspace,
	}
	if c, ok := special[k]; ok {
		return tea.KeyPressMsg{Code: c}
	}
	if k == "ctrl+c" {
		return tea.KeyPressMsg{Code: 'c', Mod: tea.ModCtrl}
	}
	r := []rune(k)[0]
	return tea.KeyPressMsg{Code: r, Text: k}
}

func press(m *Model, keys ...string) tea.Cmd {
	var last tea.Cmd
	for _, k := range keys {
		_, last = m.Update(keyMsg(k))
	}
	return last
}

func typeText(m *Model, s string) {
	for _, r := range s {
		m.Update(tea.KeyPressMsg{Code: r, Text: string(r)})
	}
}

// connectFake connects m to the fake session without running Cmds.
func connectFake(m *Model, fb *fakeBackend, target string) *fakeSession {
	m.startConnect(target)
	s, _ := fb.Connect(context.Background(), target)
	fs := s.(*fakeSession)
	ch, unsub := fs.Subscribe()
	m.Update(connectedMsg{gen: m.connGen, target: target, sess: fs, events: ch, unsub: unsub})
	return fs
}

// result builds a check result with an English summary only (as a result
// from an old journal has).
func result(id model.CheckID, st model.Status, d time.Duration, summary string) checks.Result {
	return checks.Result{ID: id, Status: st, Duration: d, DurationMS: d.Milliseconds(), Summary: summary}
}

// resultZh is result with the summary in Chinese too, as the engine makes it.
func resultZh(id model.CheckID, st model.Status, d time.Duration, summary, zh string) checks.Result {
	r := result(id, st, d, summary)
	r.Text = model.Text{En: summary, Zh: zh}
	return r
}

func lostCardResults() []checks.Result {
	tx := resultZh(model.CheckTransaction, model.StatusFail, 4200*time.Millisecond, "declined: host code 41 (lost card)", "测试交易被拒绝，主机返回码 41（挂失卡）")
	tx.Evidence = map[string]string{"host_code": "41", "zvt_result": "29", "amount": "1", "reversal": "not needed (declined)"}
	tx.Trace = []terminal.Frame{
		{Dir: terminal.ToTerminal, Hex: "06 01 07 04 00 00 00 00 01 49 09 78", Summary: "06 01 Authorization", Detail: "amount 0.01, currency 978"},
		{Dir: terminal.FromTerminal, Hex: "80 00 00", Summary: "80 00 Ack"},
		{Dir: terminal.FromTerminal, Hex: "04 FF 03 0A 01 00", Summary: "04 FF Intermediate status: insert card"},
		{Dir: terminal.FromTerminal, Hex: "04 0F 27 29 22 F0 16 62 58 00 EE EE EE EE EE E0 01 2F", Summary: "04 0F Status information: result 29 (card on blacklist)", Detail: "PAN 625800******0012\nhost code 41"},
		{Dir: terminal.FromTerminal, Hex: "06 1E 01 29", Summary: "06 1E Abort: 29"},
	}
	return []checks.Result{
		resultZh(model.CheckLink, model.StatusOK, 180*time.Millisecond, "registered, TLV supported", "已连接终端，支持 TLV"),
		resultZh(model.CheckStatus, model.StatusOK, 240*time.Millisecond, "ready (00)", "就绪（00）"),
		resultZh(model.CheckVersion, model.StatusWarn, 5*time.Millisecond, "3.10.4 below baseline 3.12.0", "软件版本 3.10.4 低于基线 3.12.0"),
		resultZh(model.CheckNetwork, model.StatusOK, 1300*time.Millisecond, "host reachable, 220 ms", "主机可达，220 ms"),
		resultZh(model.CheckReader, model.StatusOK, 3100*time.Millisecond, "chip card 625800******0012 read", "读到芯片卡 625800******0012"),
		tx,
	}
}

// runFake runs ids on m: confirms the transaction, feeds the results as
// events and the run's end, without running Cmds.
func runFake(m *Model, ids []model.CheckID, results []checks.Result) {
	m.startRun(ids, runPurpose{kind: "all"})
	if m.overlay == ovConfirmTxn {
		m.confirmTxnKey("y")
	}
	for i := range results {
		r := results[i]
		m.Update(eventMsg{events: m.events, ok: true, ev: checks.Event{Time: fakeClock, Kind: checks.CheckStarted, Check: r.ID}})
		m.Update(eventMsg{events: m.events, ok: true, ev: checks.Event{Time: fakeClock, Kind: checks.CheckFinished, Check: r.ID, Result: &r}})
	}
	m.Update(runDoneMsg{gen: m.runGen, ids: ids, results: results, purpose: runPurpose{kind: "all"}})
}

func screenText(m *Model) string {
	return stripANSI(m.Render())
}

func stripANSI(s string) string {
	var b strings.Builder
	for _, l := range strings.Split(ansi.Strip(s), "\n") {
		b.WriteString(strings.TrimRight(l, " ") + "\n")
	}
	return b.String()
}
