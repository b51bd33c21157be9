//go:build linux || darwin

package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

var sshPortLine = regexp.MustCompile(`ssh -p (\d+) 127\.0\.0\.1`)

// sshKeys makes a client key pair with ssh-keygen and an authorized_keys
// file holding it; it skips when the OpenSSH client is missing.
func sshKeys(t *testing.T, dir string) (key, authorized string) {
	t.Helper()
	for _, p := range []string{"ssh", "ssh-keygen"} {
		if _, err := exec.LookPath(p); err != nil {
			t.Skipf("%s is not installed: the SSH end-to-end tests need the OpenSSH client (apt-get install openssh-client)", p)
		}
	}
	key = filepath.Join(dir, "helpdesk_ed25519")
	if out, err := exec.Command("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", key).CombinedOutput(); err != nil {
		t.Fatalf("ssh-keygen: %v %s", err, out)
	}
	pub, err := os.ReadFile(key + ".pub")
	if err != nil {
		t.Fatal(err)
	}
	authorized = filepath.Join(dir, "authorized_keys")
	if err := os.WriteFile(authorized, pub, 0o600); err != nil {
		t.Fatal(err)
	}
	return key, authorized
}

// sshViewer runs the real OpenSSH client in tmux against port, in lang.
func sshViewer(t *testing.T, home, key, port, lang string, w, h int) *tmuxSession {
	return newTmux(t, w, h, []string{"HOME=" + home, "LANG=en_US.UTF-8", "TERM=xterm-256color"},
		"ssh", "-p", port, "-i", key, "-o", "IdentitiesOnly=yes", "-o", "BatchMode=yes",
		"-o", "UserKnownHostsFile="+filepath.Join(home, "known_hosts"), "-o", "StrictHostKeyChecking=accept-new",
		"-o", "SetEnv=LANG="+lang, "-t", "helpdesk@127.0.0.1")
}

// TestShareEndToEnd: the technician's console (real binary, English) shares
// its case with --share; the helpdesk's OpenSSH client (in Chinese, at
// another size) sees it while a check runs and after the diagnosis; the
// technician's screen says who is watching; the report lists the viewer.
func TestShareEndToEnd(t *testing.T) {
	bin := posdoctorBinary(t)
	home := t.TempDir()
	journal := filepath.Join(home, "journal")
	key, ak := sshKeys(t, home)
	tech := newTmux(t, 120, 40, tuiEnv(home, journal), bin, "--share", "127.0.0.1:0", "--authorized-keys", ak,
		"--host-key", filepath.Join(home, "host_ed25519"), "--target", "sim://slow-network", "--lang", "en")
	scr := tech.waitFor("shared", 20*time.Second, "Watching (0)", "ssh -p ", "SHA256:")
	port := sshPortLine.FindStringSubmatch(scr)
	if port == nil {
		t.Fatalf("no ssh port on the technician's screen:\n%s", scr)
	}
	tech.waitFor("connected", 20*time.Second, "Connected to sim://slow-network")
	view := sshViewer(t, home, key, port[1], "zh_CN.UTF-8", 100, 30)
	view.waitFor("viewer joined", 20*time.Second, "正在观看（只读）")
	tech.waitFor("technician sees the viewer", 10*time.Second, "Watching (1): helpdesk (SHA256:")

	tech.keys("a")
	tech.waitFor("confirm", 10*time.Second, "Test transaction")
	tech.keys("y")
	// The host answers the payment after 2.5 s: both screens while it runs.
	tech.waitFor("technician while running", 20*time.Second, "transaction", "[RUN", "running")
	scr = view.waitFor("viewer while running", 20*time.Second, "检查项", "[运行 ", "测试交易")
	if strings.Contains(scr, "running") || strings.Contains(scr, "Checks") {
		t.Errorf("English on the Chinese viewer's screen while running:\n%s", scr)
	}
	tech.waitFor("run done", 30*time.Second, "Run finished")
	view.waitFor("viewer run done", 10*time.Second, "检查完成")
	tech.keys("d")
	tech.waitFor("technician diagnosis", 10*time.Second, "Diagnosis")
	scr = view.waitFor("viewer diagnosis", 10*time.Second, "诊断")
	if strings.Contains(scr, "Diagnosis") {
		t.Errorf("English title on the Chinese viewer's diagnosis:\n%s", scr)
	}
	// The viewer is read-only: its keys change nothing.
	view.keys("a")
	view.waitFor("viewer refused", 10*time.Second, "只读")
	tech.waitFor("technician still on the diagnosis", 5*time.Second, "Diagnosis")

	tech.keys("e")
	tech.waitFor("export", 10*time.Second, "Export the session report")
	tech.keys("m")
	tech.waitFor("written", 10*time.Second, "Report written to")
	files, _ := filepath.Glob(filepath.Join(journal, "*-report.md"))
	if len(files) != 1 {
		t.Fatalf("report files %v", files)
	}
	rep, _ := os.ReadFile(files[0])
	for _, want := range []string{"remote help: case shared at", "remote help: helpdesk (SHA256:", "joined from 127.0.0.1", "(language zh)"} {
		if !strings.Contains(string(rep), want) {
			t.Errorf("report lacks %q:\n%s", want, rep)
		}
	}
}
