package main

import (
	"context"
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/posdoctor/posdoctor/remote"
)

// defShare are the share flags' defaults.
var defShare = ShareFlags{MaxViewers: remote.DefaultMaxSessions, IdleTimeout: remote.DefaultIdleTimeout}

func TestNewTUICmd(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		cli     string
		want    TUIOptions
		wantErr string
	}{
		{name: "defaults", cli: "", want: TUIOptions{Theme: "auto", Scenario: "healthy", ShareFlags: defShare}},
		{name: "all flags", cli: "--target sim://lost-card --lang zh --theme high-contrast --scenario wrong-pin --config /tmp/c.yaml --no-color",
			want: TUIOptions{Target: "sim://lost-card", Lang: "zh", Theme: "high-contrast", Scenario: "wrong-pin", ConfigPath: "/tmp/c.yaml", NoColor: true, ShareFlags: defShare}},
		{name: "share flags", cli: "--share :2222 --share-via ssh://pd@relay.example:2200 --authorized-keys /tmp/ak --relay-known-hosts /tmp/kh --relay-fingerprint SHA256:x --relay-key /tmp/rk --host-key /tmp/hk --max-viewers 2 --idle-timeout 5m",
			want: TUIOptions{Theme: "auto", Scenario: "healthy", ShareFlags: ShareFlags{Share: ":2222", ShareVia: "ssh://pd@relay.example:2200",
				AuthorizedKeys: "/tmp/ak", KnownHosts: "/tmp/kh", RelayFingerprint: "SHA256:x", RelayKey: "/tmp/rk", HostKey: "/tmp/hk", MaxViewers: 2, IdleTimeout: 5 * time.Minute}}},
		{name: "bad theme", cli: "--theme neon", wantErr: "valid values are auto, dark, light, high-contrast"},
		{name: "bad lang", cli: "--lang fr", wantErr: "valid values are zh, en"},
		{name: "no args", cli: "extra", wantErr: "unknown command"},
		{name: "bad target", cli: "--target foo", wantErr: "invalid --target"},
		{name: "unknown scenario", cli: "--scenario nope", wantErr: `unknown --scenario "nope": valid values are `},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := parseOptions(newTUICmd, strings.Fields(tt.cli))
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err %v, want %q", err, tt.wantErr)
				}
				if tt.name == "unknown scenario" && !strings.Contains(err.Error(), "lost-card") {
					t.Fatalf("err %v, want %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			g := *got
			g.IO, g.Now, g.Getenv = nil, nil, nil
			if !reflect.DeepEqual(g, tt.want) {
				t.Fatalf("options %+v, want %+v", g, tt.want)
			}
		})
	}
}

// TestRootOpensConsole: `posdoctor` with no subcommand is the console, and
// its flags are the root's.
func TestRootOpensConsole(t *testing.T) {
	t.Parallel()
	f, _, errOut := testFactory()
	if code := run(context.Background(), []string{"--theme", "neon"}, f); code != exitCantRun {
		t.Fatalf("exit %d, want %d", code, exitCantRun)
	}
	if !strings.Contains(errOut.String(), "valid values are auto, dark, light, high-contrast") {
		t.Fatalf("stderr %q", errOut.String())
	}
}

// TestTUIRunNeedsATerminal: without a TTY the console says what to use
// instead, exit 3.
func TestTUIRunNeedsATerminal(t *testing.T) {
	t.Parallel()
	io, _, _ := testIO()
	err := tuiRun(context.Background(), &TUIOptions{IO: io, Theme: "auto"})
	var ee *ExitError
	if !errors.As(err, &ee) || ee.Code != exitCantRun || !strings.Contains(err.Error(), "posdoctor check") {
		t.Fatalf("err %v, want exit 3 pointing to posdoctor check", err)
	}
}

func TestTerminalHint(t *testing.T) {
	t.Parallel()
	env := func(wt string) func(string) string {
		return func(k string) string {
			if k == "WT_SESSION" {
				return wt
			}
			return ""
		}
	}
	tests := []struct {
		name, goos, wtSession string
		wantHint              bool
	}{
		{name: "windows console without Windows Terminal", goos: "windows", wantHint: true},
		{name: "inside Windows Terminal", goos: "windows", wtSession: "1"},
		{name: "linux", goos: "linux"},
		{name: "darwin", goos: "darwin"},
	}
	for _, tt := range tests {
		if h := terminalHint(tt.goos, env(tt.wtSession)); (h != "") != tt.wantHint {
			t.Errorf("%s: hint %q, want a hint: %v", tt.name, h, tt.wantHint)
		}
	}
}
