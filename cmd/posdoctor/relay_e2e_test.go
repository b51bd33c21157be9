//go:build linux || darwin

package main

import (
	"fmt"
	"net"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

// relaySSHD is a stock OpenSSH sshd on loopback with its own config, host
// key and authorized_keys in a temp dir: the helpdesk's relay.
type relaySSHD struct {
	port    int
	user    string
	hostPub string // the relay's host key, "ssh-ed25519 AAAA..."
	dir     string
}

// startRelay starts /usr/sbin/sshd for authorized (public keys, one a
// line); it skips when sshd is not installed.
func startRelay(t *testing.T, authorized string) *relaySSHD {
	t.Helper()
	sshd := "/usr/sbin/sshd"
	if _, err := os.Stat(sshd); err != nil {
		t.Skip("/usr/sbin/sshd is not installed: the relay end-to-end test needs openssh-server (apt-get install openssh-server)")
	}
	u, err := user.Current()
	if err != nil {
		t.Fatal(err)
	}
	if u.Uid == "0" {
		// Debian's sshd as root wants its privilege separation directory.
		if err := os.MkdirAll("/run/sshd", 0o755); err != nil {
			t.Skipf("sshd needs /run/sshd: %v", err)
		}
	}
	dir := t.TempDir()
	hk := filepath.Join(dir, "ssh_host_ed25519_key")
	if out, err := exec.Command("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", hk).CombinedOutput(); err != nil {
		t.Fatalf("ssh-keygen: %v %s", err, out)
	}
	pub, _ := os.ReadFile(hk + ".pub")
	ak := filepath.Join(dir, "authorized_keys")
	if err := os.WriteFile(ak, []byte(authorized), 0o600); err != nil {
		t.Fatal(err)
	}
	r := &relaySSHD{user: u.Username, hostPub: strings.Join(strings.Fields(string(pub))[:2], " "), dir: dir}
	for attempt := 0; attempt < 3; attempt++ {
		r.port = freeTCPPort(t)
		cfg := filepath.Join(dir, "sshd_config")
		conf := fmt.Sprintf(`Port %d
ListenAddress 127.0.0.1
HostKey %s
PidFile %s
AuthorizedKeysFile %s
StrictModes no
UsePAM no
PasswordAuthentication no
KbdInteractiveAuthentication no
PermitRootLogin prohibit-password
AllowTcpForwarding yes
GatewayPorts no
PermitListen 127.0.0.1:*
ClientAliveInterval 15
LogLevel VERBOSE
`, r.port, hk, filepath.Join(dir, "sshd.pid"), ak)
		if err := os.WriteFile(cfg, []byte(conf), 0o600); err != nil {
			t.Fatal(err)
		}
		cmd := exec.Command(sshd, "-D", "-e", "-f", cfg)
		logf, _ := os.Create(filepath.Join(dir, "sshd.log"))
		cmd.Stdout, cmd.Stderr = logf, logf
		if err := cmd.Start(); err != nil {
			t.Fatalf("sshd: %v", err)
		}
		t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait(); logf.Close() })
		if waitPort(r.port, 10*time.Second) {
			return r
		}
		_ = cmd.Process.Kill()
	}
	log, _ := os.ReadFile(filepath.Join(dir, "sshd.log"))
	t.Fatalf("sshd did not start:\n%s", log)
	return nil
}

func freeTCPPort(t *testing.T) int {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port
}

func waitPort(port int, d time.Duration) bool {
	deadline := time.Now().Add(d)
	for time.Now().Before(deadline) {
		if c, err := net.DialTimeout("tcp", fmt.Sprintf("127.0.0.1:%d", port), time.Second); err == nil {
			c.Close()
			return true
		}
		time.Sleep(50 * time.Millisecond)
	}
	return false
}

var relayPortLine = regexp.MustCompile(`on 127\.0\.0\.1: ssh -p (\d+) 127\.0\.0\.1`)

// TestShareViaRelayEndToEnd: the console dials out to a real OpenSSH sshd
// (--share-via), checks its host key against known_hosts, gets a remote
// port forward, and the helpdesk's ssh, jumping through the relay, reaches
// the live case.
func TestShareViaRelayEndToEnd(t *testing.T) {
	bin := posdoctorBinary(t)
	home := t.TempDir()
	key, ak := sshKeys(t, home) // the helpdesk's key: for the relay and for the case
	laptop := filepath.Join(home, "relay_ed25519")
	if out, err := exec.Command("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", laptop).CombinedOutput(); err != nil {
		t.Fatalf("ssh-keygen: %v %s", err, out)
	}
	hdPub, _ := os.ReadFile(key + ".pub")
	lapPub, _ := os.ReadFile(laptop + ".pub")
	relay := startRelay(t, string(hdPub)+string(lapPub))
	kh := filepath.Join(home, "relay_known_hosts")
	if err := os.WriteFile(kh, []byte(fmt.Sprintf("[127.0.0.1]:%d %s\n", relay.port, relay.hostPub)), 0o600); err != nil {
		t.Fatal(err)
	}
	via := fmt.Sprintf("ssh://%s@127.0.0.1:%d", relay.user, relay.port)
	tech := newTmux(t, 120, 40, tuiEnv(home, filepath.Join(home, "journal")), bin, "--share-via", via,
		"--relay-known-hosts", kh, "--relay-key", laptop, "--authorized-keys", ak,
		"--host-key", filepath.Join(home, "host_ed25519"), "--target", "sim://lost-card", "--lang", "en")
	scr := tech.waitFor("shared via the relay", 20*time.Second, "Watching (0)", "on 127.0.0.1: ssh -p ")
	m := relayPortLine.FindStringSubmatch(scr)
	if m == nil {
		t.Fatalf("no relay port on the technician's screen:\n%s", scr)
	}
	if strings.Contains(scr, "ssh -p 2222") {
		t.Errorf("--share-via alone opened a local port too:\n%s", scr)
	}
	jump := fmt.Sprintf("ssh -i %s -o IdentitiesOnly=yes -o BatchMode=yes -o UserKnownHostsFile=%s -p %d -W %%h:%%p %s@127.0.0.1",
		key, kh, relay.port, relay.user)
	view := newTmux(t, 100, 30, []string{"HOME=" + home, "LANG=en_US.UTF-8", "TERM=xterm-256color"},
		"ssh", "-p", m[1], "-i", key, "-o", "IdentitiesOnly=yes", "-o", "BatchMode=yes",
		"-o", "ProxyCommand="+jump, "-o", "UserKnownHostsFile="+filepath.Join(home, "case_known_hosts"),
		"-o", "StrictHostKeyChecking=accept-new", "-t", "helpdesk@127.0.0.1")
	view.waitFor("helpdesk reached the case", 20*time.Second, "Watching, read-only", "sim://lost-card")
	tech.waitFor("technician sees the helpdesk", 10*time.Second, "Watching (1): helpdesk (SHA256:")
}

// TestShareViaRelayRefusesUnknownHostKey: a relay whose host key is not the
// one known is refused, with one line that says what to do.
func TestShareViaRelayRefusesUnknownHostKey(t *testing.T) {
	home := t.TempDir()
	laptop := filepath.Join(home, "relay_ed25519")
	if _, err := exec.LookPath("ssh-keygen"); err != nil {
		t.Skip("ssh-keygen is not installed (apt-get install openssh-client)")
	}
	if out, err := exec.Command("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", laptop).CombinedOutput(); err != nil {
		t.Fatalf("ssh-keygen: %v %s", err, out)
	}
	lapPub, _ := os.ReadFile(laptop + ".pub")
	relay := startRelay(t, string(lapPub))
	other := filepath.Join(home, "other")
	_ = exec.Command("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", other).Run()
	otherPub, _ := os.ReadFile(other + ".pub")
	kh := filepath.Join(home, "kh")
	_ = os.WriteFile(kh, []byte(fmt.Sprintf("[127.0.0.1]:%d %s\n", relay.port, strings.Join(strings.Fields(string(otherPub))[:2], " "))), 0o600)
	via := fmt.Sprintf("ssh://%s@127.0.0.1:%d", relay.user, relay.port)
	for _, args := range [][]string{
		{"--relay-known-hosts", kh},
		{"--relay-fingerprint", "SHA256:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"},
	} {
		scr, _ := runOnPTY(t, []string{"POSDOCTOR_JOURNAL_DIR=" + filepath.Join(home, "journal")}, append([]string{"--share-via", via,
			"--relay-key", laptop, "--host-key", filepath.Join(home, "hk"), "--authorized-keys", kh}, args...)...)
		out := strings.TrimSpace(scr)
		if strings.Contains(out, "Watching") {
			t.Fatalf("%v: the console shared through a relay with an unknown host key:\n%s", args, out)
		}
		if !strings.Contains(out, "could not share the case over SSH") || !strings.Contains(out, "do not connect") {
			t.Errorf("%v: want one line that says not to connect, got:\n%s", args, out)
		}
	}
}
