package main

import (
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/posdoctor/posdoctor/fixtures/golden"
)

// durationRe matches the durations of a run (they vary); journalRe the
// journal path line.
var (
	durationRe = regexp.MustCompile(`\b\d+(\.\d+)?(ms|s)\b`)
	journalRe  = regexp.MustCompile(`(?m)^(会话日志：|Journal: ).*$`)
)

// redactRun blanks what varies between runs of the same scenario: each
// duration becomes 0ms, runs of spaces two (a duration's width moves the
// columns; TestWriteTextAndJSON checks they line up), the journal path X.
func redactRun(s string) string {
	s = durationRe.ReplaceAllString(s, "0ms")
	s = regexp.MustCompile(`   +`).ReplaceAllString(s, "  ")
	return journalRe.ReplaceAllString(s, "${1}X")
}

// TestCheckTextGoldenZh: check's text output in Chinese against golden
// files (POSDOCTOR_UPDATE=1 rewrites them) for the simulator's scenarios a
// technician meets most; every word is Chinese except codes, ids, units and
// product names.
func TestCheckTextGoldenZh(t *testing.T) {
	t.Setenv("POSDOCTOR_CONFIG", filepath.Join(t.TempDir(), "none.yaml"))
	cfg := writeConfig(t, "locale: zh_CN.UTF-8\n")
	for _, tc := range []struct {
		name string
		args []string
	}{
		{"keys-out-of-sync", []string{"--target", "sim://keys-out-of-sync", "--symptom", "sign_in_failure"}},
		{"wrong-pin", []string{"--target", "sim://wrong-pin", "--with-card", "--symptom", "wrong_pin"}},
		{"healthy", []string{"--target", "sim://healthy", "--with-card"}},
		{"outdated-software", []string{"--target", "sim://outdated-software"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f, out, _ := testFactory()
			cmd := newCheckCmd(f, nil)
			cmd.SetArgs(append(tc.args, "--config", cfg, "--journal-dir", t.TempDir()))
			_ = cmd.Execute() // the exit code is the verdict's
			got := redactRun(out.String())
			if !strings.Contains(got, "会话日志：X") {
				t.Fatalf("not the zh text output:\n%s", got)
			}
			golden.Check(t, filepath.Join("testdata", "check-text", tc.name+".zh.txt"), []byte(got))
			golden.CheckChinese(t, "check text zh "+tc.name, out.String(), kbCheckIDs...)
		})
	}
}

// TestReportOfCheckSessionZh: a session of `check` (not the console)
// renders in zh, md and html, with every word Chinese: the answer, the
// checks with their evidence, the diagnosis and the test payment.
func TestReportOfCheckSessionZh(t *testing.T) {
	t.Setenv("POSDOCTOR_CONFIG", filepath.Join(t.TempDir(), "none.yaml"))
	cfg := writeConfig(t, "locale: zh_CN.UTF-8\n")
	dir := t.TempDir()
	f, _, _ := testFactory()
	cmd := newCheckCmd(f, nil)
	cmd.SetArgs([]string{"--target", "sim://wrong-pin", "--with-card", "--symptom", "wrong_pin", "--config", cfg, "--journal-dir", dir})
	_ = cmd.Execute()
	session := journalSession(t, dir)
	for _, format := range []string{"md", "html"} {
		fa, out, _ := testFactory()
		rc := newReportCmd(fa, nil)
		rc.SetArgs([]string{session, "--journal-dir", dir, "--format", format, "--lang", "zh"})
		if err := rc.Execute(); err != nil {
			t.Fatal(err)
		}
		got := out.String()
		for _, want := range []string{"结论", "检查结论", "失败", "终端显示", "刷卡密码错误", "最可能的原因", "测试交易被拒绝，主机返回码 55", "证据", "被拒绝"} {
			if !strings.Contains(got, want) {
				t.Errorf("%s lacks %q:\n%s", format, want, got)
			}
		}
		if strings.Contains(got, dir) {
			t.Errorf("%s report names the journal dir", format)
		}
		if format == "html" {
			got = golden.VisibleText(stripPre(got))
		}
		golden.CheckChinese(t, "report --lang zh of a check session ("+format+")", got, kbCheckIDs...)
	}
}

// kbCheckIDs are check ids the knowledge base's zh step texts quote as ids
// ("status 检查"); posdoctor's own zh output names checks by their labels.
var kbCheckIDs = []string{"status", "network"}
