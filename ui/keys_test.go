package ui

import (
	"strings"
	"testing"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/posdoctor/posdoctor/model"
	"github.com/posdoctor/posdoctor/ui/theme"
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

// TestHelpListsShareKeys: ? at the technician's keyboard lists S (share)
// and ctrl+t (take control back); in a viewer's view it lists R (ask for
// control) and not S; in both languages.
func TestHelpListsShareKeys(t *testing.T) {
	for _, lang := range []model.Lang{model.LangEn, model.LangZh} {
		fb := &fakeBackend{}
		m := New(Options{Backend: fb, Lang: lang, Theme: theme.Dark, NoColor: true, Now: fixedNow,
			Share: func(*Case) (ShareInfo, error) { return ShareInfo{}, nil }})
		m.Update(tea.WindowSizeMsg{Width: 120, Height: 40})
		press(m, "?")
		desk := plainScreen(m.Render())
		v := newViewer(t, m, "v1", "alice SHA256:abc", lang)
		press(v, "?")
		viewer := plainScreen(v.Render())
		want := map[model.Lang][3]string{
			model.LangEn: {"share over SSH", "take control back from the helpdesk", "ask the technician for control"},
			model.LangZh: {"通过 SSH 共享", "从服务台收回操作权", "向技术员申请操作权"},
		}[lang]
		for _, w := range []string{"S " + want[0], "ctrl+t " + want[1]} {
			if !strings.Contains(desk, w) {
				t.Errorf("%s: the technician's help lacks %q:\n%s", lang, w, desk)
			}
		}
		if strings.Contains(desk, want[2]) {
			t.Errorf("%s: the technician's help offers asking for control", lang)
		}
		if !strings.Contains(viewer, "R "+want[2]) {
			t.Errorf("%s: the viewer's help lacks %q:\n%s", lang, "R "+want[2], viewer)
		}
		if strings.Contains(viewer, want[0]) || strings.Contains(viewer, want[1]) {
			t.Errorf("%s: the viewer's help offers sharing or taking control back:\n%s", lang, viewer)
		}
	}
}

// TestHelpListsTakeBackForWatchers: a console that cannot share (serve
// --ssh) still lists ctrl+t once a login watches it, since the watcher may
// ask for control.
func TestHelpListsTakeBackForWatchers(t *testing.T) {
	m := New(Options{Backend: &fakeBackend{}, Lang: model.LangEn, Theme: theme.Dark, NoColor: true, Now: fixedNow})
	m.Update(tea.WindowSizeMsg{Width: 120, Height: 40})
	press(m, "?")
	if desk := plainScreen(m.Render()); strings.Contains(desk, "ctrl+t") {
		t.Fatalf("help lists ctrl+t with nobody watching:\n%s", desk)
	}
	press(m, "esc")
	newViewer(t, m, "v1", "bob SHA256:abc", model.LangEn)
	press(m, "?")
	if desk := plainScreen(m.Render()); !strings.Contains(desk, "ctrl+t take control back from the helpdesk") {
		t.Fatalf("help lacks ctrl+t while bob watches:\n%s", desk)
	}
}

// plainScreen is a screen without styles, runs of spaces as one.
func plainScreen(s string) string {
	return strings.Join(strings.Fields(ansi.Strip(s)), " ")
}
