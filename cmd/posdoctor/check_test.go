package main

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/posdoctor/posdoctor/checks"
	"github.com/posdoctor/posdoctor/fixtures/golden"
	"github.com/posdoctor/posdoctor/model"
	"github.com/posdoctor/posdoctor/terminal"
)

func TestNewCheckCmd(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		cli     string
		want    CheckOptions
		wantErr string
	}{
		{name: "target only", cli: "--target tcp://127.0.0.1:20007",
			want: CheckOptions{Target: "tcp://127.0.0.1:20007", Format: "text", Timeout: defaultCheckTimeout, Concurrency: defaultConcurrency}},
		{name: "everything", cli: "-t sim://healthy --checks status,link --with-card --amount 5 --symptom wrong_pin -f json -q .verdict --timeout 30s",
			want: CheckOptions{Target: "sim://healthy", Checks: "status,link", WithCard: true, Amount: 5, Symptom: "wrong_pin", Format: "json", JQ: ".verdict",
				Timeout: 30 * time.Second, Concurrency: defaultConcurrency, checkIDs: []model.CheckID{model.CheckStatus, model.CheckLink}}},
		{name: "fleet", cli: "--inventory inv.csv --concurrency 50 --shard 2/4 --format json",
			want: CheckOptions{Inventory: "inv.csv", Format: "json", Timeout: defaultCheckTimeout, Concurrency: 50, Shard: "2/4", shardI: 2, shardN: 4}},
		{name: "no target", cli: "", wantErr: "no target: give --target"},
		{name: "both", cli: "--target sim://healthy --inventory x.csv", wantErr: "either --target or --inventory"},
		{name: "unknown scheme", cli: "--target ftp://x", wantErr: `unknown scheme "ftp": valid schemes are tcp, tls, serial, sim`},
		{name: "unknown check", cli: "--target sim://healthy --checks link,pin", wantErr: `unknown check "pin": valid checks are link, status, version, network, reader, transaction`},
		{name: "bad format", cli: "--target sim://healthy --format xml", wantErr: `invalid format "xml": valid values are text, json, junit`},
		{name: "jq without json", cli: "--target sim://healthy --jq .verdict", wantErr: "cannot use --jq without --format json"},
		{name: "bad jq", cli: "--target sim://healthy --format json --jq '.['", wantErr: "invalid --jq expression"},
		{name: "unknown symptom", cli: "--target sim://healthy --symptom itchy", wantErr: `unknown symptom "itchy": valid symptoms are auth_failed`},
		{name: "bad shard", cli: "--inventory x.csv --shard 5/4", wantErr: `invalid shard "5/4"`},
		{name: "shard without inventory", cli: "--target sim://healthy --shard 1/2", wantErr: "--shard needs --inventory"},
		{name: "bad concurrency", cli: "--inventory x.csv --concurrency 0", wantErr: "invalid concurrency 0"},
		{name: "negative amount", cli: "--target sim://healthy --amount -1", wantErr: "invalid amount -1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := parseOptions(newCheckCmd, splitArgs(tt.cli))
			if tt.wantErr != "" {
				var fe *FlagError
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) || !errors.As(err, &fe) {
					t.Fatalf("err = %v, want FlagError containing %q", err, tt.wantErr)
				}
				if strings.Contains(err.Error(), "\n") {
					t.Errorf("error is not one line: %q", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			g := *got
			g.IO, g.Now, g.Open, g.jq = nil, nil, nil, nil
			if !reflect.DeepEqual(g, tt.want) {
				t.Errorf("got %+v\nwant %+v", g, tt.want)
			}
		})
	}
}

// splitArgs splits a command line on spaces, honouring single quotes.
func splitArgs(s string) []string {
	var out []string
	var cur strings.Builder
	inQ, any := false, false
	for _, r := range s {
		switch {
		case r == '\'':
			inQ, any = !inQ, true
		case r == ' ' && !inQ:
			if any {
				out = append(out, cur.String())
				cur.Reset()
				any = false
			}
		default:
			cur.WriteRune(r)
			any = true
		}
	}
	if any {
		out = append(out, cur.String())
	}
	return out
}

// stubDriver is a minimal terminal.Driver: a healthy terminal, or a
// declining one.
type stubDriver struct {
	target  string
	decline bool
	pan     string
}

func (s *stubDriver) Register(context.Context) (terminal.Registration, error) {
	return terminal.Registration{TID: "52500001"}, nil
}
func (s *stubDriver) Status(context.Context) (terminal.Status, error) {
	return terminal.Status{TID: "52500001", Model: "Verifone VX820", SoftwareVersion: "2.31.4"}, nil
}
func (s *stubDriver) Diagnose(context.Context) (terminal.HostCheck, error) {
	return terminal.HostCheck{}, nil
}
func (s *stubDriver) ReadCard(context.Context, time.Duration) (terminal.Card, error) {
	return terminal.Card{PAN: terminal.NewPAN(s.pan), Expiry: "2812", Technology: terminal.TechChip}, nil
}
func (s *stubDriver) Authorize(_ context.Context, amount int64) (terminal.Payment, error) {
	if s.decline {
		return terminal.Payment{Amount: amount, Result: terminal.Result{Code: 0x37, HostCode: "55", Text: "wrong PIN " + s.pan}}, nil
	}
	return terminal.Payment{Approved: true, Amount: amount, Receipt: 3, PAN: terminal.NewPAN(s.pan)}, nil
}
func (s *stubDriver) Reverse(_ context.Context, r int, a int64) (terminal.Payment, error) {
	return terminal.Payment{Approved: true, Receipt: r + 1, Amount: a}, nil
}
func (s *stubDriver) RepeatReceipt(context.Context) (terminal.Payment, error) {
	return terminal.Payment{}, nil
}
func (s *stubDriver) Initialise(context.Context) (terminal.Result, error) {
	return terminal.Result{}, nil
}
func (s *stubDriver) Abort(context.Context) error      { return nil }
func (s *stubDriver) SetObserver(func(terminal.Event)) {}
func (s *stubDriver) Info() terminal.Info {
	return terminal.Info{Target: s.target, Protocol: "zvt", Link: "tcp"}
}
func (s *stubDriver) Close() error { return nil }

const stubPAN = "6228480000000001016"

func stubOpener(decline bool) checks.Opener {
	return func(_ context.Context, target string, _ checks.Config) (terminal.Driver, error) {
		if strings.Contains(target, "127.0.0.1:1") {
			return nil, errors.New("could not connect to 127.0.0.1:1: connection refused: check the address and that the terminal's ECR interface is on")
		}
		return &stubDriver{target: target, decline: decline, pan: stubPAN}, nil
	}
}

// runCheck runs `posdoctor check` args with the stub opener.
func runCheck(t *testing.T, decline bool, args ...string) (int, string, string) {
	t.Helper()
	f, out, errOut := testFactory()
	root := newRootCmd(f)
	for _, c := range root.Commands() {
		if c.Name() == "check" {
			root.RemoveCommand(c)
		}
	}
	root.AddCommand(newCheckCmd(f, func(o *CheckOptions) error {
		o.Open = stubOpener(decline)
		return checkRun(context.Background(), o)
	}))
	root.SetArgs(append([]string{"check"}, args...))
	err := root.Execute()
	if err != nil {
		printErr(errOut, err)
	}
	return exitCode(err), out.String(), errOut.String()
}

func TestCheckRunText(t *testing.T) {
	t.Setenv("POSDOCTOR_CONFIG", filepath.Join(t.TempDir(), "none.yaml"))
	dir := t.TempDir()
	code, out, errOut := runCheck(t, true, "--target", "tcp://127.0.0.1:20007", "--with-card", "--journal-dir", dir, "--config", writeConfig(t, ""))
	if code != exitFail {
		t.Fatalf("exit %d, want %d\n%s%s", code, exitFail, out, errOut)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if lines[0] != lines[len(lines)-1] || !strings.HasPrefix(lines[0], "FAIL tcp://127.0.0.1:20007 TID 52500001: 1 fail, 5 ok (transaction)") {
		t.Errorf("summary lines:\n%s", out)
	}
	var order []string
	for _, l := range lines[1:] {
		if f := strings.Fields(l); len(f) > 2 && (f[0] == "ok" || f[0] == "fail") {
			order = append(order, f[1])
		}
	}
	if got := strings.Join(order, ","); got != "link,status,version,network,reader,transaction" {
		t.Errorf("check order %s", got)
	}
	if errOut != "" {
		t.Errorf("stderr without a TTY: %q", errOut)
	}
	if strings.Contains(out, stubPAN) {
		t.Errorf("full PAN in output")
	}
}

func writeConfig(t *testing.T, body string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "config.yaml")
	if err := os.WriteFile(p, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestCheckRunJSONSchema(t *testing.T) {
	dir := t.TempDir()
	code, out, _ := runCheck(t, true, "--target", "tcp://127.0.0.1:20007", "--with-card", "--journal-dir", dir, "--format", "json", "--config", writeConfig(t, ""))
	if code != exitFail {
		t.Fatalf("exit %d", code)
	}
	var m map[string]any
	if err := json.Unmarshal([]byte(out), &m); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, out)
	}
	golden.Check(t, "testdata/check-json-schema.txt", []byte(schemaOf(m, "")))
	if m["verdict"] != "fail" {
		t.Errorf("verdict %v", m["verdict"])
	}
	term := m["terminal"].(map[string]any)
	if term["tid"] != "52500001" || term["software_version"] != "2.31.4" || term["status_code"] != "00" {
		t.Errorf("terminal %v", term)
	}
}

// schemaOf lists the key paths and JSON types of v, one per line, sorted:
// the documented schema, independent of values.
func schemaOf(v any, path string) string {
	var lines []string
	var walk func(v any, p string)
	walk = func(v any, p string) {
		switch x := v.(type) {
		case map[string]any:
			lines = append(lines, p+": object")
			for k, vv := range x {
				if p == ".checks[].evidence" {
					continue
				}
				walk(vv, p+"."+k)
			}
		case []any:
			lines = append(lines, p+": array")
			for _, e := range x {
				walk(e, p+"[]")
			}
		case string:
			lines = append(lines, p+": string")
		case float64:
			lines = append(lines, p+": number")
		case bool:
			lines = append(lines, p+": boolean")
		case nil:
			lines = append(lines, p+": null")
		}
	}
	walk(v, path)
	seen := map[string]bool{}
	var out []string
	for _, l := range lines {
		if !seen[l] {
			seen[l] = true
			out = append(out, l)
		}
	}
	sortStrings(out)
	return strings.Join(out, "\n") + "\n"
}

func sortStrings(s []string) {
	for i := 1; i < len(s); i++ {
		for j := i; j > 0 && s[j] < s[j-1]; j-- {
			s[j], s[j-1] = s[j-1], s[j]
		}
	}
}

func TestCheckRunJQAndJUnit(t *testing.T) {
	dir := t.TempDir()
	cfg := writeConfig(t, "")
	code, out, _ := runCheck(t, false, "--target", "tcp://127.0.0.1:20007", "--journal-dir", dir, "--format", "json", "--jq", ".checks[] | .id + \"=\" + .status", "--config", cfg)
	if code != exitOK || out != "link=ok\nstatus=ok\nversion=ok\nnetwork=ok\nreader=skip\ntransaction=skip\n" {
		t.Errorf("exit %d, out:\n%s", code, out)
	}
	code, out, _ = runCheck(t, false, "--target", "tcp://127.0.0.1:20007", "--journal-dir", dir, "--format", "junit", "--config", cfg)
	if code != exitOK || !strings.Contains(out, `<testcase classname="posdoctor.tcp://127.0.0.1:20007" name="link"`) || !strings.Contains(out, "<skipped") {
		t.Errorf("exit %d, junit:\n%s", code, out)
	}
}

func TestCheckRunCantConnect(t *testing.T) {
	dir := t.TempDir()
	code, out, errOut := runCheck(t, false, "--target", "tcp://127.0.0.1:1", "--journal-dir", dir, "--config", writeConfig(t, ""))
	if code != exitCantRun {
		t.Fatalf("exit %d", code)
	}
	if strings.Count(strings.TrimSpace(errOut), "\n") != 0 || !strings.Contains(errOut, "could not connect") {
		t.Errorf("stderr %q, want one line", errOut)
	}
	if !strings.HasPrefix(out, "ERROR tcp://127.0.0.1:1: could not run") {
		t.Errorf("stdout %q", out)
	}
}

func TestCheckRunFleet(t *testing.T) {
	dir := t.TempDir()
	inv := filepath.Join(t.TempDir(), "inv.csv")
	os.WriteFile(inv, []byte("target,name\ntcp://127.0.0.1:20007,shop-1\ntcp://127.0.0.1:1,shop-2\ntcp://127.0.0.2:20007,shop-3\n"), 0o600)
	code, out, _ := runCheck(t, false, "--inventory", inv, "--journal-dir", dir, "--format", "json", "--config", writeConfig(t, ""))
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != 4 {
		t.Fatalf("got %d lines:\n%s", len(lines), out)
	}
	var sum checks.FleetSummary
	if err := json.Unmarshal([]byte(lines[3]), &sum); err != nil {
		t.Fatal(err)
	}
	if sum.Summary.Terminals != 3 || sum.Summary.OK != 2 || sum.Summary.Error != 1 || code != exitCantRun {
		t.Errorf("summary %+v exit %d", sum.Summary, code)
	}
	// Shards are disjoint.
	_, out1, _ := runCheck(t, false, "--inventory", inv, "--journal-dir", dir, "--format", "text", "--shard", "1/2", "--config", writeConfig(t, ""))
	if !strings.Contains(out1, "shop-1") || strings.Contains(out1, "shop-2") || !strings.Contains(out1, "shop-3") {
		t.Errorf("shard 1/2:\n%s", out1)
	}
}

func TestCheckRunMalformedInventory(t *testing.T) {
	inv := filepath.Join(t.TempDir(), "inv.csv")
	os.WriteFile(inv, []byte("target,name\ntcp://127.0.0.1:20007,a\nftp://x,b\n"), 0o600)
	code, _, errOut := runCheck(t, false, "--inventory", inv, "--journal-dir", t.TempDir(), "--config", writeConfig(t, ""))
	if code != exitCantRun || !strings.Contains(errOut, "inv.csv:3: target") || strings.Count(strings.TrimSpace(errOut), "\n") != 0 {
		t.Errorf("exit %d stderr %q", code, errOut)
	}
}

func TestReportRun(t *testing.T) {
	dir := t.TempDir()
	runCheck(t, true, "--target", "tcp://127.0.0.1:20007", "--with-card", "--journal-dir", dir, "--config", writeConfig(t, ""))
	files, _ := checks.ListSessions(dir)
	if len(files) != 1 {
		t.Fatalf("journals %v", files)
	}
	j, _ := checks.OpenJournal(dir, strings.TrimSuffix(filepath.Base(files[0]), checks.JournalExt))
	_ = j.RecordStep("tcp://127.0.0.1:20007", "retry_pin", checks.StepSkipped, "cardholder left")
	j.Close()
	for _, format := range checks.ReportFormats {
		f, out, _ := testFactory()
		o := filepath.Join(t.TempDir(), "r."+format)
		cmd := newReportCmd(f, nil)
		cmd.SetArgs([]string{files[0], "--format", format, "-o", o, "--journal-dir", dir})
		if err := cmd.Execute(); err != nil {
			t.Fatalf("%s: %v", format, err)
		}
		b, err := os.ReadFile(o)
		if err != nil {
			t.Fatal(err)
		}
		st, _ := os.Stat(o)
		if st.Mode().Perm() != 0o600 {
			t.Errorf("%s: mode %v", format, st.Mode().Perm())
		}
		s := string(b)
		for _, want := range []string{"52500001", "transaction", "retry_pin", "cardholder left"} {
			if !strings.Contains(s, want) {
				t.Errorf("%s report lacks %q", format, want)
			}
		}
		if strings.Contains(s, stubPAN) || out.Len() != 0 {
			t.Errorf("%s: full PAN or stdout output", format)
		}
	}
}

// TestExitCodes runs the real command on the in-process simulator: one row
// per exit code of the contract.
func TestExitCodes(t *testing.T) {
	cfg := writeConfig(t, "timeouts:\n  command: 5s\n  card: 4s\n  transaction: 8s\n  slow_host: 2s\n")
	tests := []struct {
		name string
		args []string
		want int
	}{
		{"ok", []string{"--target", "sim://healthy", "--with-card"}, exitOK},
		{"warn", []string{"--target", "sim://slow-network", "--checks", "link,network"}, exitWarn},
		{"fail", []string{"--target", "sim://wrong-pin", "--with-card"}, exitFail},
		{"could not run", []string{"--target", "sim://no-such-scenario"}, exitCantRun},
		{"bad flag", []string{"--target", "sim://healthy", "--format", "yaml"}, exitCantRun},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, out, errOut := testFactory()
			args := append([]string{"check", "--config", cfg, "--journal-dir", t.TempDir()}, tt.args...)
			if got := run(context.Background(), args, f); got != tt.want {
				t.Errorf("exit %d, want %d\n%s%s", got, tt.want, out, errOut)
			}
			if tt.want == exitCantRun && strings.Count(strings.TrimSpace(errOut.String()), "\n") != 0 {
				t.Errorf("stderr is not one line: %q", errOut)
			}
		})
	}
}

// TestCheckRunProgressOnTTY: progress goes to stderr only when stderr is a
// terminal, as one line rewritten in place; stdout is the same either way.
func TestCheckRunProgressOnTTY(t *testing.T) {
	cfg := writeConfig(t, "")
	var outs [2]string
	for i, tty := range []bool{false, true} {
		f, out, errOut := testFactory()
		f.IO.ErrTTY = tty
		cmd := newCheckCmd(f, func(o *CheckOptions) error {
			o.Open = stubOpener(false)
			return checkRun(context.Background(), o)
		})
		cmd.SetArgs([]string{"--target", "tcp://127.0.0.1:20007", "--checks", "link,status", "--config", cfg, "--journal-dir", t.TempDir()})
		if err := cmd.Execute(); err != nil {
			t.Fatal(err)
		}
		if !tty && errOut.Len() != 0 {
			t.Errorf("progress without a TTY: %q", errOut)
		}
		// On a TTY the progress is one line rewritten in place and erased
		// at the end; the results are stdout's only.
		if tty && (!strings.Contains(errOut.String(), eraseLine+"… link") || !strings.HasSuffix(errOut.String(), eraseLine) ||
			strings.Contains(errOut.String(), "\n") || strings.Contains(errOut.String(), "ok    status")) {
			t.Errorf("TTY progress: %q", errOut)
		}
		outs[i] = regexpDurations(out.String())
	}
	if outs[0] != outs[1] {
		t.Errorf("stdout differs with a TTY:\n%s\n---\n%s", outs[0], outs[1])
	}
}

// regexpDurations blanks durations and journal paths, which vary per run.
func regexpDurations(s string) string {
	var b strings.Builder
	for _, l := range strings.Split(s, "\n") {
		if strings.HasPrefix(l, "Journal: ") {
			l = "Journal: X"
		}
		f := strings.Fields(l)
		if len(f) > 3 && (f[0] == "ok" || f[0] == "fail" || f[0] == "warn" || f[0] == "skip" || f[0] == "error") {
			l = strings.Replace(l, f[2], "T", 1)
		}
		b.WriteString(l + "\n")
	}
	return b.String()
}
