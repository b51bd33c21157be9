package main

import (
	"bufio"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/posdoctor/posdoctor/checks"
	"github.com/posdoctor/posdoctor/terminal"
)

// callLog records, per target, the commands sent to the terminal, so the
// test can show that every front end starts a session with the same
// sequence (checks.Connect's).
type callLog struct {
	mu    sync.Mutex
	calls map[string][]string
}

func (l *callLog) add(target, call string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.calls == nil {
		l.calls = map[string][]string{}
	}
	l.calls[target] = append(l.calls[target], call)
}

func (l *callLog) get(target string) string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return strings.Join(l.calls[target], ",")
}

// opener is openDriver with every command recorded.
func (l *callLog) opener(ctx context.Context, target string, cfg checks.Config) (terminal.Driver, error) {
	d, err := openDriver(ctx, target, cfg)
	if err != nil {
		return nil, err
	}
	return &recDriver{Driver: d, log: l, target: target}, nil
}

type recDriver struct {
	terminal.Driver
	log    *callLog
	target string
}

func (d *recDriver) Register(ctx context.Context) (terminal.Registration, error) {
	d.log.add(d.target, "register")
	return d.Driver.Register(ctx)
}

func (d *recDriver) Status(ctx context.Context) (terminal.Status, error) {
	d.log.add(d.target, "status")
	return d.Driver.Status(ctx)
}

func (d *recDriver) RepeatReceipt(ctx context.Context) (terminal.Payment, error) {
	d.log.add(d.target, "repeat_receipt")
	return d.Driver.RepeatReceipt(ctx)
}

func (d *recDriver) Reverse(ctx context.Context, receipt int, amount int64) (terminal.Payment, error) {
	d.log.add(d.target, "reverse")
	return d.Driver.Reverse(ctx, receipt, amount)
}

// startCalls is what checks.Connect sends on sim://healthy with an open
// payment of an earlier session (an intent with no outcome): Registration,
// Status, then the recovery (Registration, then Registration and Repeat
// Receipt to look the payment up: the simulator has no such payment, so it
// was not booked). A check of link and status right after it sends nothing
// more: it reuses Connect's answers.
const startCalls = "register,status,register,register,repeat_receipt"

// Open payments an earlier session left in the journal dir: a journaled
// intent with no outcome on the simulator the test connects to, and one on
// a terminal nobody connects to.
const (
	earlierSession = "20261120T090000Z-0001"
	mineRef        = earlierSession + "-mine"
	otherRef       = earlierSession + "-other"
	otherTarget    = "tcp://192.0.2.99:20007"
)

// leaveOpenPayments writes the earlier session's journal (it ended: the
// file is closed, so its payments are free to recover).
func leaveOpenPayments(t *testing.T, dir string) {
	t.Helper()
	j, err := checks.OpenJournal(dir, earlierSession)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range []checks.Entry{
		{Kind: checks.EntrySessionStart, Text: "check"},
		{Kind: checks.EntryTxnIntent, Target: "sim://healthy", TID: "52500001", TxnRef: mineRef, Amount: 1, Currency: 156},
		{Kind: checks.EntryTxnIntent, Target: otherTarget, TID: "99999999", TxnRef: otherRef, Amount: 1, Currency: 156},
	} {
		if err := j.Record(e); err != nil {
			t.Fatal(err)
		}
	}
	if err := j.Close(); err != nil {
		t.Fatal(err)
	}
}

// TestOneSessionStart (issue 9): the console backend, `check` and a fleet
// sweep all start their sessions through checks.Connect. Against a
// simulator with an open payment left by an earlier session, each recovers
// it once and lists it once, and lists the other terminal's open payment
// once (the console listed it twice before).
func TestOneSessionStart(t *testing.T) {
	t.Setenv("POSDOCTOR_CONFIG", filepath.Join(t.TempDir(), "none.yaml"))
	t.Setenv("LANG", "C")
	cfgPath := writeConfig(t, "timeouts:\n  command: 5s\n  transaction: 10s\n")

	t.Run("console", func(t *testing.T) {
		dir := t.TempDir()
		leaveOpenPayments(t, dir)
		cfg, err := checks.LoadConfig(cfgPath)
		if err != nil {
			t.Fatal(err)
		}
		cfg.JournalDir = dir
		var log callLog
		b := newConsoleBackend(cfg, time.Now)
		b.open = log.opener
		defer b.close()
		var steps []string
		s, err := b.ConnectProgress(context.Background(), "sim://healthy", func(st string) { steps = append(steps, st) })
		if err != nil {
			t.Fatal(err)
		}
		want := []string{checks.ConnectOpen, checks.ConnectRegister, checks.ConnectStatus, checks.ConnectJournal, checks.ConnectRecover}
		if !slices.Equal(steps, want) {
			t.Errorf("connect steps %v, want %v", steps, want)
		}
		cs := s.(*consoleSession)
		assertOnce(t, "recovered", cs.c.Recovered, mineRef)
		assertOnce(t, "still open", cs.c.StillOpen, otherRef)
		if got := log.get("sim://healthy"); got != startCalls {
			t.Errorf("console start sent %s, want %s", got, startCalls)
		}
		var notices []string
		for _, n := range cs.NoticeTexts() {
			notices = append(notices, n.En)
		}
		all := strings.Join(notices, "\n")
		if n := strings.Count(all, mineRef); n != 1 {
			t.Errorf("the console's notices name the recovered payment %d times, want 1:\n%s", n, all)
		}
		if n := strings.Count(all, otherRef); n != 1 {
			t.Errorf("the console's notices name the other terminal's open payment %d times, want 1:\n%s", n, all)
		}
	})

	t.Run("check", func(t *testing.T) {
		dir := t.TempDir()
		leaveOpenPayments(t, dir)
		var log callLog
		code, out, errOut := runCLIWith(t, log.opener, "check", "--target", "sim://healthy", "--checks", "link,status",
			"--journal-dir", dir, "--config", cfgPath, "--format", "json")
		if code != exitOK {
			t.Fatalf("exit %d\n%s%s", code, out, errOut)
		}
		var rep checks.TerminalReport
		if err := json.Unmarshal([]byte(out), &rep); err != nil {
			t.Fatalf("%v\n%s", err, out)
		}
		assertOnce(t, "recovered", rep.Recovered, mineRef)
		assertOnce(t, "still open", rep.StillOpen, otherRef)
		if strings.Count(errOut, mineRef) != 1 || strings.Count(errOut, otherRef) != 1 {
			t.Errorf("stderr names each open payment other than once:\n%s", errOut)
		}
		if got := log.get("sim://healthy"); got != startCalls {
			t.Errorf("check sent %s, want %s", got, startCalls)
		}
	})

	t.Run("fleet", func(t *testing.T) {
		dir := t.TempDir()
		leaveOpenPayments(t, dir)
		inv := filepath.Join(t.TempDir(), "shops.csv")
		if err := os.WriteFile(inv, []byte("target,name,checks\nsim://healthy,Shop 1,link;status\nsim://lost-card,Shop 2,link;status\n"), 0o600); err != nil {
			t.Fatal(err)
		}
		var log callLog
		code, out, errOut := runCLIWith(t, log.opener, "check", "--inventory", inv, "--journal-dir", dir, "--config", cfgPath, "--format", "json", "--concurrency", "2")
		if code != exitOK {
			t.Fatalf("exit %d\n%s%s", code, out, errOut)
		}
		var recovered, stillOpen []checks.Recovered
		sc := bufio.NewScanner(strings.NewReader(out))
		for sc.Scan() {
			var line struct {
				Target    string             `json:"target"`
				Recovered []checks.Recovered `json:"recovered"`
				StillOpen []checks.Recovered `json:"still_open"`
			}
			if err := json.Unmarshal(sc.Bytes(), &line); err != nil {
				t.Fatalf("%v\n%s", err, sc.Text())
			}
			if line.Target != "" && line.Target != "sim://healthy" && len(line.Recovered) > 0 {
				t.Errorf("%s recovered %v: the payment is sim://healthy's", line.Target, line.Recovered)
			}
			recovered = append(recovered, line.Recovered...)
			stillOpen = append(stillOpen, line.StillOpen...)
		}
		assertOnce(t, "recovered", recovered, mineRef)
		assertOnce(t, "still open", stillOpen, otherRef)
		if strings.Count(errOut, otherRef) != 1 {
			t.Errorf("stderr names the other terminal's open payment other than once:\n%s", errOut)
		}
		if got := log.get("sim://healthy"); got != startCalls {
			t.Errorf("the sweep sent %s to sim://healthy, want %s", got, startCalls)
		}
		if got, want := log.get("sim://lost-card"), "register,status"; got != want {
			t.Errorf("the sweep sent %s to sim://lost-card, want %s (nothing of its own to recover)", got, want)
		}
	})
}

// assertOnce fails unless list holds exactly one payment, ref.
func assertOnce(t *testing.T, what string, list []checks.Recovered, ref string) {
	t.Helper()
	var refs []string
	for _, r := range list {
		refs = append(refs, r.TxnRef)
	}
	if len(refs) != 1 || refs[0] != ref {
		t.Errorf("%s: %v, want [%s] once", what, refs, ref)
	}
}

// runCLI runs posdoctor with args (the real openers) and returns the exit
// code, stdout and stderr.
func runCLI(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	return runCLIWith(t, openDriver, args...)
}

// runCLIWith is runCLI with check connecting through open.
func runCLIWith(t *testing.T, open checks.Opener, args ...string) (int, string, string) {
	t.Helper()
	f, out, errOut := testFactory()
	root := newRootCmd(f)
	for _, c := range root.Commands() {
		if c.Name() == "check" {
			root.RemoveCommand(c)
		}
	}
	root.AddCommand(newCheckCmd(f, func(o *CheckOptions) error {
		o.Open = open
		return checkRun(context.Background(), o)
	}))
	root.SetArgs(args)
	err := root.Execute()
	if err != nil {
		printErr(errOut, err)
	}
	return exitCode(err), out.String(), errOut.String()
}
