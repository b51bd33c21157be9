package remote

import (
	"bufio"
	"context"
	"crypto/hmac"
	"crypto/sha1"
	"encoding/base64"
	"errors"
	"fmt"
	"net"
	"net/url"
	"os"
	"strings"
	"time"

	gossh "golang.org/x/crypto/ssh"
	"golang.org/x/crypto/ssh/knownhosts"
)

// RelayConfig is how the laptop dials out to the helpdesk's OpenSSH relay.
type RelayConfig struct {
	// URL is ssh://USER@RELAY[:PORT].
	URL string
	// Key is the laptop's client key (generated once; its .pub goes into
	// the relay account's authorized_keys).
	Key string
	// KnownHosts are the files that hold the relay's host key.
	KnownHosts []string
	// Fingerprint pins the relay's host key (SHA256:...) instead.
	Fingerprint string
	// Timeout bounds the dial and the handshake (default 15 s).
	Timeout time.Duration
}

// Relay is a connection to the relay with a remote port forward: viewers
// reach the case at Port on the relay's loopback.
type Relay struct {
	client *gossh.Client
	ln     net.Listener
	host   string
	port   int
}

// ParseRelayURL reads ssh://USER@HOST[:PORT] (port 22 by default).
func ParseRelayURL(s string) (user, addr string, err error) {
	u, err := url.Parse(s)
	if err != nil || u.Scheme != "ssh" || u.Host == "" || u.User == nil || u.User.Username() == "" {
		return "", "", fmt.Errorf("relay %q: want ssh://USER@RELAY[:PORT]", s)
	}
	host, port := u.Hostname(), u.Port()
	if port == "" {
		port = "22"
	}
	return u.User.Username(), net.JoinHostPort(host, port), nil
}

// DialRelay connects to the relay, checks its host key (known_hosts or the
// pinned fingerprint, never blindly) and asks it for a remote forward of
// 127.0.0.1:0 (tcpip-forward).
func DialRelay(ctx context.Context, cfg RelayConfig) (*Relay, error) {
	user, addr, err := ParseRelayURL(cfg.URL)
	if err != nil {
		return nil, err
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = 15 * time.Second
	}
	signer, err := EnsureKey(cfg.Key)
	if err != nil {
		return nil, fmt.Errorf("relay client key: %w", err)
	}
	hkc, algos, err := hostKeyCheck(addr, cfg)
	if err != nil {
		return nil, err
	}
	cc := &gossh.ClientConfig{User: user, Auth: []gossh.AuthMethod{gossh.PublicKeys(signer)},
		HostKeyCallback: hkc, HostKeyAlgorithms: algos, Timeout: cfg.Timeout}
	d := net.Dialer{Timeout: cfg.Timeout}
	conn, err := d.DialContext(ctx, "tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("relay %s: could not connect: %w", addr, err)
	}
	_ = conn.SetDeadline(time.Now().Add(cfg.Timeout))
	c, chans, reqs, err := gossh.NewClientConn(conn, addr, cc)
	if err != nil {
		conn.Close()
		return nil, fmt.Errorf("relay %s: %w", addr, err)
	}
	_ = conn.SetDeadline(time.Time{})
	client := gossh.NewClient(c, chans, reqs)
	ln, err := client.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		client.Close()
		return nil, fmt.Errorf("relay %s refused the port forward (AllowTcpForwarding remote and PermitListen 127.0.0.1:* for %s): %w", addr, user, err)
	}
	r := &Relay{client: client, ln: ln, host: strings.Split(addr, ":")[0]}
	if ta, ok := ln.Addr().(*net.TCPAddr); ok {
		r.port = ta.Port
	}
	go r.keepalive()
	return r, nil
}

// Listener accepts the viewers that come through the relay's port.
func (r *Relay) Listener() net.Listener { return r.ln }

// Port is the port on the relay's loopback.
func (r *Relay) Port() int { return r.port }

// How is the helpdesk's command: on the relay, ssh -p PORT 127.0.0.1.
func (r *Relay) How() string {
	return fmt.Sprintf("on %s: ssh -p %d 127.0.0.1", r.host, r.port)
}

// Close cancels the forward and the connection.
func (r *Relay) Close() error {
	_ = r.ln.Close()
	return r.client.Close()
}

// keepalive notices a dead relay (OpenSSH answers keepalive@openssh.com
// with a failure: only an error means the connection is gone).
func (r *Relay) keepalive() {
	t := time.NewTicker(20 * time.Second)
	defer t.Stop()
	for range t.C {
		if _, _, err := r.client.SendRequest("keepalive@openssh.com", true, nil); err != nil {
			_ = r.Close()
			return
		}
	}
}

// preferredAlgos is the host key order when a fingerprint is pinned:
// ed25519 first, the key an OpenSSH admin prints with ssh-keygen -l.
var preferredAlgos = []string{gossh.KeyAlgoED25519, gossh.KeyAlgoECDSA256, gossh.KeyAlgoECDSA384,
	gossh.KeyAlgoECDSA521, gossh.KeyAlgoRSASHA512, gossh.KeyAlgoRSASHA256}

// hostKeyCheck is the relay's host key check and the key types to ask for
// (x/crypto would ask for ECDSA first and then call a known ed25519 key a
// mismatch).
func hostKeyCheck(addr string, cfg RelayConfig) (gossh.HostKeyCallback, []string, error) {
	if cfg.Fingerprint != "" {
		want := cfg.Fingerprint
		return func(_ string, _ net.Addr, k gossh.PublicKey) error {
			if got := gossh.FingerprintSHA256(k); got != want {
				return fmt.Errorf("relay host key %s does not match the pinned %s: do not connect, ask the helpdesk", got, want)
			}
			return nil
		}, preferredAlgos, nil
	}
	var files []string
	for _, f := range cfg.KnownHosts {
		if _, err := os.Stat(f); err == nil {
			files = append(files, f)
		}
	}
	if len(files) == 0 {
		return nil, nil, errors.New("relay host key: no known_hosts file; add the relay's key (ssh-keyscan) or pass --relay-fingerprint")
	}
	cb, err := knownhosts.New(files...)
	if err != nil {
		return nil, nil, fmt.Errorf("known_hosts: %w", err)
	}
	algos := knownTypes(files, addr)
	if len(algos) == 0 {
		return nil, nil, fmt.Errorf("relay %s is not in %s: add its key (ssh-keyscan) or pass --relay-fingerprint", addr, strings.Join(files, ", "))
	}
	check := func(host string, remote net.Addr, k gossh.PublicKey) error {
		err := cb(host, remote, k)
		var ke *knownhosts.KeyError
		if errors.As(err, &ke) && len(ke.Want) > 0 {
			return fmt.Errorf("relay host key changed (%s): do not connect, ask the helpdesk", gossh.FingerprintSHA256(k))
		}
		return err
	}
	return check, algos, nil
}

// knownTypes are the key types known_hosts holds for addr, plain or hashed.
func knownTypes(files []string, addr string) []string {
	norm := knownhosts.Normalize(addr)
	var out []string
	for _, f := range files {
		fh, err := os.Open(f)
		if err != nil {
			continue
		}
		sc := bufio.NewScanner(fh)
		for sc.Scan() {
			fields := strings.Fields(sc.Text())
			if len(fields) < 3 || strings.HasPrefix(fields[0], "#") || strings.HasPrefix(fields[0], "@") {
				continue
			}
			if hostMatches(fields[0], norm) {
				out = append(out, algosOf(fields[1])...)
			}
		}
		fh.Close()
	}
	return out
}

// algosOf maps a key type to the host key algorithms that present it.
func algosOf(t string) []string {
	if t == gossh.KeyAlgoRSA {
		return []string{gossh.KeyAlgoRSASHA512, gossh.KeyAlgoRSASHA256}
	}
	return []string{t}
}

// hostMatches reports whether a known_hosts host field names norm.
func hostMatches(field, norm string) bool {
	for _, h := range strings.Split(field, ",") {
		if strings.HasPrefix(h, "|1|") {
			parts := strings.Split(h, "|")
			if len(parts) != 4 {
				continue
			}
			salt, err1 := base64.StdEncoding.DecodeString(parts[2])
			sum, err2 := base64.StdEncoding.DecodeString(parts[3])
			if err1 != nil || err2 != nil {
				continue
			}
			mac := hmac.New(sha1.New, salt)
			mac.Write([]byte(norm))
			if hmac.Equal(mac.Sum(nil), sum) {
				return true
			}
			continue
		}
		if h == norm {
			return true
		}
	}
	return false
}
