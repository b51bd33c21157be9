package main

import (
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/posdoctor/posdoctor/fixtures/golden"
)

// TestFlowCaseJournalReport: a whole console case on keys-out-of-sync (the
// checks, a lookup of what the terminal shows, a step marked with a note,
// the fix run from its step, the verifying re-run that solves the case) is
// written to the journal as it goes; `posdoctor report SESSION` renders it
// from the journal alone, in zh and en, md and html: the symptom, the
// diagnosis, the steps with marks and notes, the fix, and the before/after
// of the re-run check.
func TestFlowCaseJournalReport(t *testing.T) {
	f := newFlow(t, "sim://keys-out-of-sync")
	f.wait("connect", 15*time.Second, "What did the terminal show?")
	f.key("a")
	f.wait("confirm", 5*time.Second, "Test transaction")
	f.key("n")
	f.wait("run", 60*time.Second, "Run finished")
	f.key("/")
	for _, r := range "MAC校验错，请重新签到" {
		f.key(string(r))
	}
	f.key("enter")
	f.wait("answer", 5*time.Second, "A0")
	f.key("enter")
	f.wait("wizard", 5*time.Second, "Step ")
	// A note and a mark on the first step.
	f.key("m")
	for _, r := range "terminal shows 51" {
		f.key(string(r))
	}
	f.key("enter")
	f.wait("note", 5*time.Second, "Note saved")
	f.key("enter") // done
	scr := ""
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
	// The fix runs, then the step's verifying check re-runs (a step verified
	// by the transaction asks for confirmation first).
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
			t.Fatalf("the fix did not solve the case:\n%s", scr)
		}
		time.Sleep(50 * time.Millisecond)
	}
	// The technician runs the checks again to confirm: status was failing.
	f.key("c")
	f.wait("checks", 5*time.Second, "a run all checks")
	f.key("a")
	f.wait("confirm again", 5*time.Second, "Test transaction")
	f.key("n")
	f.wait("second run", 60*time.Second, "Run finished: 5 check(s), 0 failed")

	session := journalSession(t, f.journal)
	render := func(format, lang string) string {
		t.Helper()
		fa, out, _ := testFactory()
		cmd := newReportCmd(fa, nil)
		cmd.SetArgs([]string{session, "--journal-dir", f.journal, "--format", format, "--lang", lang})
		if err := cmd.Execute(); err != nil {
			t.Fatalf("report %s %s: %v", format, lang, err)
		}
		return out.String()
	}
	en := render("md", "en")
	for _, want := range []*regexp.Regexp{
		regexp.MustCompile(`Symptom: .*\(` + "`sign_in_failure`" + `\)`),        // the symptom
		regexp.MustCompile(`What the operator entered: “MAC校验错，请重新签到”`),         // what was typed
		regexp.MustCompile(`(?m)^### Diagnosis\n\n(?s:.*)^1\. .*terminal_keys`), // the diagnosis
		regexp.MustCompile(`\| done \| terminal shows 51 \|`),                   // a step's mark and note
		regexp.MustCompile(`Initialisation .*: done`),                           // the fix
		regexp.MustCompile(`Before and after: terminal status: failed \(.*51.*\) → ok \(`),
		regexp.MustCompile(`Case: solved`),
	} {
		if !want.MatchString(en) {
			t.Errorf("en report lacks %s:\n%s", want, en)
		}
	}
	zh := render("md", "zh")
	for _, want := range []string{"症状：签到失败或密钥错误", "操作员输入：“MAC校验错，请重新签到”", "### 诊断", "| 已完成 | terminal shows 51 |",
		"初始化（终端向主机签到）：完成", "处理前后：终端状态：失败（终端状态 51 需要初始化", "→ 正常（", "处理状态：已解决"} {
		if !strings.Contains(zh, want) {
			t.Errorf("zh report lacks %q:\n%s", want, zh)
		}
	}
	golden.CheckChinese(t, "report --lang zh (console case, md)", zh, append(kbCheckIDs, "terminal", "shows")...) // the operator's own note
	html := render("html", "zh")
	if !strings.Contains(html, "处理前后") || !strings.Contains(html, "<details>") || strings.Contains(html, f.journal) {
		t.Errorf("zh html report: no answer, no folded evidence, or a local path:\n%s", html)
	}
	golden.CheckChinese(t, "report --lang zh (console case, html)", golden.VisibleText(stripPre(html)), append(kbCheckIDs, "terminal", "shows")...)
}

// journalSession is the id of the one console session in dir.
func journalSession(t *testing.T, dir string) string {
	t.Helper()
	files, _ := filepath.Glob(filepath.Join(dir, "*.jsonl"))
	if len(files) != 1 {
		t.Fatalf("journals in %s: %v", dir, files)
	}
	return strings.TrimSuffix(filepath.Base(files[0]), ".jsonl")
}

// stripPre drops <pre> blocks: the protocol trace is data (hex and the
// decoder's frame names), not words.
func stripPre(page string) string {
	return string(regexp.MustCompile(`(?s)<pre>.*?</pre>`).ReplaceAll([]byte(page), nil))
}
