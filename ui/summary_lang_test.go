package ui

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/posdoctor/posdoctor/checks"
	"github.com/posdoctor/posdoctor/model"
)

// The dashboard shows each check's summary and the engine's progress in the
// operator's language, and falls back to the English summary when a result
// has no Chinese text.
func TestDashboardSummaryLanguage(t *testing.T) {
	declined := resultZh(model.CheckTransaction, model.StatusFail, time.Second,
		"the test payment was declined with host code 55 (incorrect PIN)", "测试交易被拒绝，主机返回码 55（incorrect PIN）")
	plain := result(model.CheckLink, model.StatusOK, time.Second, "registered, TID 52500006")
	for _, tt := range []struct {
		lang       model.Lang
		want, nots []string
	}{
		{model.LangZh, []string{"测试交易被拒绝", "registered, TID 52500006", "正在检测与主机的连接"}, []string{"the test payment was declined", "checking its host"}},
		{model.LangEn, []string{"the test payment was declined", "registered, TID 52500006", "checking its host"}, []string{"测试交易被拒绝", "正在检测"}},
	} {
		t.Run(string(tt.lang), func(t *testing.T) {
			m, fb := newTestModel(t, tt.lang, 120, 40)
			connectFake(m, fb, "sim://wrong-pin")
			m.show(scrDashboard)
			m.startRun([]model.CheckID{model.CheckLink, model.CheckNetwork, model.CheckTransaction}, runPurpose{kind: "all"})
			if m.overlay == ovConfirmTxn {
				m.confirmTxnKey("y")
			}
			for _, r := range []checks.Result{plain, declined} {
				m.Update(eventMsg{events: m.events, ok: true, ev: checks.Event{Time: fakeClock, Kind: checks.CheckFinished, Check: r.ID, Result: &r}})
			}
			m.Update(eventMsg{events: m.events, ok: true, ev: checks.Event{Time: fakeClock, Kind: checks.CheckStarted, Check: model.CheckNetwork}})
			m.Update(eventMsg{events: m.events, ok: true, ev: checks.Event{Time: fakeClock, Kind: checks.CheckProgress, Check: model.CheckNetwork,
				Text: "terminal is checking its host connection", TextZh: "终端正在检测与主机的连接"}})
			scr := screenText(m)
			for _, w := range tt.want {
				if !strings.Contains(scr, w) {
					t.Errorf("screen lacks %q:\n%s", w, scr)
				}
			}
			for _, n := range tt.nots {
				if strings.Contains(scr, n) {
					t.Errorf("screen shows %q in %s:\n%s", n, tt.lang, scr)
				}
			}
		})
	}
}

// plainNoticeSession says its notices in one language only (Notices).
type plainNoticeSession struct {
	Session
	ns []string
}

func (s plainNoticeSession) Notices() []string { return s.ns }

func TestNoticesInOneLanguageStillShow(t *testing.T) {
	m, fb := newTestModel(t, model.LangZh, 120, 40)
	fs, _ := fb.Connect(context.Background(), "tcp://192.168.1.50:20007")
	sess := plainNoticeSession{Session: fs, ns: []string{"test payment ref-1 reversed now (receipt 17)"}}
	m.startConnect("tcp://192.168.1.50:20007")
	m.Update(connectedMsg{gen: m.connGen, target: "tcp://192.168.1.50:20007", sess: sess})
	if scr := screenText(m); !strings.Contains(scr, "test payment ref-1 reversed now") {
		t.Errorf("the notice is not shown:\n%s", scr)
	}
}
