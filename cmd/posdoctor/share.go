package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/spf13/pflag"

	"github.com/posdoctor/posdoctor/remote"
	"github.com/posdoctor/posdoctor/ui"
)

// ShareFlags are the console's flags for sharing the live case over SSH
// (issue 11).
type ShareFlags struct {
	Share            string // --share ADDR
	ShareVia         string // --share-via ssh://USER@RELAY[:PORT]
	AuthorizedKeys   string
	KnownHosts       string
	RelayFingerprint string
	RelayKey         string
	HostKey          string
	MaxViewers       int
	IdleTimeout      time.Duration
}

func addShareFlags(fl *pflag.FlagSet, o *ShareFlags) {
	fl.StringVar(&o.Share, "share", "", "share the live case over SSH on ADDR (e.g. :2222); S in the console does it too")
	fl.StringVar(&o.ShareVia, "share-via", "", "share through the helpdesk's OpenSSH relay: ssh://USER@RELAY[:PORT] (remote port forward)")
	fl.StringVar(&o.AuthorizedKeys, "authorized-keys", "", "public keys that may watch (default: the user config dir's posdoctor/authorized_keys)")
	fl.StringVar(&o.KnownHosts, "relay-known-hosts", "", "known_hosts file with the relay's host key (default ~/.ssh/known_hosts)")
	fl.StringVar(&o.RelayFingerprint, "relay-fingerprint", "", "pin the relay's host key instead (SHA256:... from ssh-keygen -lf)")
	fl.StringVar(&o.RelayKey, "relay-key", "", "this laptop's key for the relay, generated once (default: the user config dir's posdoctor/relay_ed25519)")
	fl.StringVar(&o.HostKey, "host-key", "", "the SSH host key, generated once (default: the user config dir's posdoctor/ssh_host_ed25519_key)")
	fl.IntVar(&o.MaxViewers, "max-viewers", remote.DefaultMaxSessions, "viewers at once")
	fl.DurationVar(&o.IdleTimeout, "idle-timeout", remote.DefaultIdleTimeout, "disconnect a viewer who typed nothing for this long")
}

// sharing reports whether a flag asks to share at start.
func (o *ShareFlags) sharing() bool { return o.Share != "" || o.ShareVia != "" }

// paths fills in the default key and file paths; the user config dir is
// needed only for a path not given (the relay key only with --share-via).
func (o *ShareFlags) paths() error {
	dir, err := remote.ConfigDir()
	if err != nil && (o.HostKey == "" || o.AuthorizedKeys == "" || o.ShareVia != "" && o.RelayKey == "") {
		return err
	}
	def := func(p *string, name string) {
		if *p == "" && dir != "" {
			*p = filepath.Join(dir, name)
		}
	}
	def(&o.HostKey, "ssh_host_ed25519_key")
	def(&o.AuthorizedKeys, "authorized_keys")
	def(&o.RelayKey, "relay_ed25519")
	if o.KnownHosts == "" {
		if h, err := os.UserHomeDir(); err == nil {
			o.KnownHosts = filepath.Join(h, ".ssh", "known_hosts")
		}
	}
	return nil
}

// sharer shares one case: the SSH server made on first use, the local
// listener and the relay opened once, a fresh join code every time.
type sharer struct {
	o ShareFlags

	mu    sync.Mutex
	sh    *remote.Share
	local bool
	relay *remote.Relay
}

// start shares c (or, when it is shared already, issues a new join code).
// It is ui.Options.Share, called in a tea.Cmd, and at start for the flags.
func (s *sharer) start(c *ui.Case) (ui.ShareInfo, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.sh == nil {
		if err := s.o.paths(); err != nil {
			return ui.ShareInfo{}, err
		}
		sh, err := remote.NewShare(c, remote.ShareConfig{Config: remote.Config{HostKey: s.o.HostKey,
			AuthorizedKeys: s.o.AuthorizedKeys, MaxSessions: s.o.MaxViewers, IdleTimeout: s.o.IdleTimeout}})
		if err != nil {
			return ui.ShareInfo{}, err
		}
		s.sh = sh
	}
	if !s.local && (s.o.Share != "" || s.o.ShareVia == "") {
		addr := s.o.Share
		if addr == "" {
			addr = ":2222"
		}
		if _, err := s.sh.Listen(addr); err != nil {
			return ui.ShareInfo{}, err
		}
		s.local = true
	}
	if s.relay == nil && s.o.ShareVia != "" {
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
		defer cancel()
		r, err := remote.DialRelay(ctx, remote.RelayConfig{URL: s.o.ShareVia, Key: s.o.RelayKey,
			KnownHosts: []string{s.o.KnownHosts}, Fingerprint: s.o.RelayFingerprint})
		if err != nil {
			return ui.ShareInfo{}, err
		}
		s.relay = r
		go func() { _ = s.sh.Serve(r.Listener(), r.How()) }()
	}
	if _, err := s.sh.NewCode(); err != nil {
		return ui.ShareInfo{}, err
	}
	return s.sh.Info(), nil
}

func (s *sharer) close() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.relay != nil {
		_ = s.relay.Close()
	}
	if s.sh != nil {
		_ = s.sh.Close()
	}
}

// shareError is the one line a failed start says.
func shareError(err error) error {
	return &ExitError{Code: exitCantRun, Err: fmt.Errorf("could not share the case over SSH: %w", err)}
}
