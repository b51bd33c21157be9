package ui

import (
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/posdoctor/posdoctor/model"
)

// TestReaderRowKeepsTheMaskedPAN: at 80 columns a long reader summary wraps
// at a space; the masked PAN the fraud step asks to compare is never cut.
func TestReaderRowKeepsTheMaskedPAN(t *testing.T) {
	for _, lang := range []model.Lang{model.LangEn, model.LangZh} {
		m, fb := newTestModel(t, lang, 80, 24)
		connectFake(m, fb, "sim://lost-card")
		m.show(scrDashboard)
		rs := lostCardResults()
		rs[4] = resultZh(model.CheckReader, model.StatusOK, 3100*time.Millisecond,
			"chip card read: PAN 622848*********9190, expiry 12/28, service code 201",
			"读到芯片卡 622848*********9190，有效期 12/28，服务代码 201")
		runFake(m, model.CheckOrder, rs)
		scr := screenText(m)
		if !strings.Contains(scr, "622848*********9190") {
			t.Errorf("%s: the masked PAN is cut on the checks screen:\n%s", lang, scr)
		}
		checkFrame(t, m.Render(), 80, 24)
	}
}

// TestEvidenceItemsAreNotSplit: each key=value of the evidence stays on one
// line.
func TestEvidenceItemsAreNotSplit(t *testing.T) {
	items := []string{"amount=1", "host_code=41", "pan=622848*********9190", "receipt=17", "terminal_text=Karte gesperrt", "zvt_result=29"}
	for _, w := range []int{30, 45, 72} { // the console gives evidence at least 72 cells
		lines := packItems(items, "  ", w)
		joined := strings.Join(lines, "\n")
		for _, it := range items {
			if !strings.Contains(joined, it) {
				t.Errorf("width %d: item %q split across lines:\n%s", w, it, joined)
			}
		}
		for _, l := range lines {
			if len(l) > w {
				t.Errorf("width %d: line %q too wide", w, l)
			}
		}
	}
	// wrapWords keeps a PAN whole too
	for _, l := range wrapWords("read PAN 622848*********9190 expiry 12/28", 16) {
		if regexp.MustCompile(`622848\*+$`).MatchString(l) {
			t.Errorf("PAN split: %q", l)
		}
	}
}

// TestFixDoesNotJumpTheWizard: after a mark, a re-ranked playbook keeps the
// steps in their order and the operator on their step, even when the new
// ranking drops it (issue 10: "ruled out", a jump from step 2 to 7).
func TestFixDoesNotJumpTheWizard(t *testing.T) {
	m, fb := newTestModel(t, model.LangEn, 80, 24)
	connectFake(m, fb, "sim://keys-out-of-sync")
	press(m, "enter")
	m.show(scrWizard)
	press(m, "n") // step 2
	press(m, "enter")
	m.wiz.setIdx(1)
	before := m.wiz.steps()
	cur, _ := m.wiz.step()
	// A new diagnosis without the current step, its order reversed.
	m.diagnosis.Playbook = []model.PlayStep{before[2], before[0]}
	m.wiz.reconcile()
	got, _ := m.wiz.step()
	if got.ID != cur.ID || m.wiz.idx != 1 {
		t.Fatalf("after the re-rank the wizard is on %q (index %d), want %q (index 1)", got.ID, m.wiz.idx, cur.ID)
	}
	if got.State != model.StepRuledOut {
		t.Errorf("the dropped step's state is %q, want ruled out", got.State)
	}
	for i, s := range m.wiz.steps() {
		if s.ID != before[i].ID {
			t.Fatalf("step %d is %q, want %q: the order changed", i+1, s.ID, before[i].ID)
		}
	}
}
