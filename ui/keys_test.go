package ui

import (
	"strings"
	"testing"

	"charm.land/bubbles/v2/key"

	"github.com/posdoctor/posdoctor/model"
)

// perScreen are the keys whose meaning is the screen's own by convention:
// its main action, back, and moving the cursor.
var perScreen = map[string]bool{
	"enter": true, "esc": true, "up": true, "down": true, "left": true, "right": true,
	"k": true, "j": true, "h": true, "l": true, "pgup": true, "pgdown": true,
}

// TestOneMeaningPerKey: a letter means the same thing on every screen
// (the first word of its help: "next step" and "next match" are both
// "next"; "skip: symptom first" and "skip" are both "skip").
func TestOneMeaningPerKey(t *testing.T) {
	m, fb := newTestModel(t, model.LangEn, 120, 40)
	connectFake(m, fb, "sim://lost-card")
	press(m, "down", "down", "enter")
	runFake(m, model.CheckOrder, lostCardResults())
	m.wiz.first()
	m.solved = &solvedCase{}
	screens := []screen{m.connect, m.symptom, m.dash, m.diag, m.wiz, m.trace, m.answer, m.solvedS}
	seen := map[string]string{} // key -> meaning
	where := map[string]string{}
	for _, s := range screens {
		var all []key.Binding
		for _, g := range s.FullHelp() {
			all = append(all, g...)
		}
		all = append(all, s.ShortHelp()...)
		for _, b := range all {
			meaning := strings.Fields(strings.SplitN(b.Help().Desc, ":", 2)[0] + " x")[0]
			for _, k := range b.Keys() {
				if perScreen[k] {
					continue
				}
				if prev, ok := seen[k]; ok && prev != meaning {
					t.Errorf("key %q means %q on %s and %q on %s", k, prev, where[k], meaning, s.Title())
				}
				seen[k], where[k] = meaning, s.Title()
			}
		}
	}
	if seen["d"] != "diagnosis" {
		t.Errorf("d means %q, want diagnosis", seen["d"])
	}
}
