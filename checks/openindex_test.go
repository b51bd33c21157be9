package checks

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/posdoctor/posdoctor/model"
)

// crashChildEnv makes the test binary the child of TestIntentSurvivesKill.
const crashChildEnv = "POSDOCTOR_CHECKS_CRASH_CHILD_DIR"

// TestIntentSurvivesKill (issue 9): a process is killed (SIGKILL) right
// after it wrote a test payment's intent, while the Authorization is in
// flight. The next start finds the payment through the open-payment
// index, without reading the journal history, and resolves it.
func TestIntentSurvivesKill(t *testing.T) {
	if dir := os.Getenv(crashChildEnv); dir != "" {
		crashChild(t, dir)
		return
	}
	if testing.Short() {
		t.Skip("starts a child process: skipped with -short")
	}
	dir := t.TempDir()
	ready := filepath.Join(dir, "authorizing")
	cmd := exec.Command(os.Args[0], "-test.run=^TestIntentSurvivesKill$", "-test.count=1")
	cmd.Env = append(os.Environ(), crashChildEnv+"="+dir)
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Process.Kill()
	deadline := time.Now().Add(20 * time.Second)
	for {
		if _, err := os.Stat(ready); err == nil {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the child never reached the Authorization")
		}
		time.Sleep(20 * time.Millisecond)
	}
	if err := cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	_ = cmd.Wait()

	markers, _ := filepath.Glob(filepath.Join(dir, openDirName, "*.json"))
	if len(markers) != 1 {
		t.Fatalf("index markers %v, want the killed payment's", markers)
	}
	if _, err := os.Stat(filepath.Join(dir, openDirName, indexStamp)); err != nil {
		t.Fatalf("no index stamp: %v", err)
	}
	scans := fullScans.Load()
	cfg := testConfig(t)
	cfg.JournalDir = dir
	d := healthyFake(testNow)
	d.repeat = d.auth // the terminal booked it before the kill
	d.repeat.Amount = 1
	c, err := Connect(context.Background(), ConnectOptions{Target: "tcp://127.0.0.1:20007", Config: cfg, Open: fakeOpener(d), Recover: true, ListOthers: true})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if fullScans.Load() != scans {
		t.Errorf("the start read the whole journal dir; the index should have answered")
	}
	if len(c.Recovered) != 1 || c.Recovered[0].State != TxnReversed || len(c.StillOpen) != 0 {
		t.Fatalf("recovered %+v, still open %+v: want the killed payment reversed", c.Recovered, c.StillOpen)
	}
	if !strings.HasPrefix(c.Recovered[0].TxnRef, "crashed-") {
		t.Errorf("recovered %s", c.Recovered[0].TxnRef)
	}
	if open, _ := OpenPayments(dir); len(open) != 0 {
		t.Errorf("still open after recovery: %+v", open)
	}
}

// crashChild runs a transaction check whose Authorization never returns:
// it writes the ready file once the intent is on disk, then waits to be
// killed.
func crashChild(t *testing.T, dir string) {
	if _, err := OpenPayments(dir); err != nil { // a start: builds the index
		t.Fatal(err)
	}
	cfg := testConfig(t)
	cfg.JournalDir = dir
	j, err := OpenJournal(dir, "crashed")
	if err != nil {
		t.Fatal(err)
	}
	d := healthyFake(testNow)
	d.authHook = func() {
		_ = os.WriteFile(filepath.Join(dir, "authorizing"), nil, 0o600)
		time.Sleep(time.Minute) // killed here
	}
	e := NewEngine(d, cfg, j)
	e.Run(context.Background(), []model.CheckID{model.CheckTransaction}, RunOptions{WithCard: true})
	t.Fatal("the child was not killed")
}

// A journal dir from before the index is read once, the first time, and
// its open payments are found; later starts read only the index.
func TestIndexBuiltOnceFromJournals(t *testing.T) {
	dir := t.TempDir()
	line := `{"seq":1,"ts":"2026-11-20T09:00:00Z","session_id":"old","kind":"txn_intent","target":"tcp://192.0.2.1:20007","txn_ref":"old-1","amount":1,"currency":156}` + "\n" +
		`{"seq":2,"ts":"2026-11-20T09:00:01Z","session_id":"old","kind":"txn_intent","target":"tcp://192.0.2.1:20007","txn_ref":"old-2","amount":1,"currency":156}` + "\n" +
		`{"seq":3,"ts":"2026-11-20T09:00:02Z","session_id":"old","kind":"txn_closed","txn_ref":"old-2","text":"reversed"}` + "\n"
	if err := os.WriteFile(filepath.Join(dir, "old.jsonl"), []byte(line), 0o600); err != nil {
		t.Fatal(err)
	}
	before := fullScans.Load()
	for i := 0; i < 3; i++ {
		open, err := OpenPayments(dir)
		if err != nil || len(open) != 1 || open[0].TxnRef != "old-1" || open[0].Session != "old" {
			t.Fatalf("start %d: open %+v %v", i, open, err)
		}
	}
	if n := fullScans.Load() - before; n != 1 {
		t.Errorf("%d full reads of the journal dir, want 1 (the first start)", n)
	}
}

// A marker that outlived its payment (closed in the journal, then a crash
// before the marker's removal) is dropped when its terminal connects, not
// acted on.
func TestStaleMarkerDropped(t *testing.T) {
	t.Parallel()
	cfg := testConfig(t)
	dir := cfg.JournalDir
	if _, err := OpenPayments(dir); err != nil {
		t.Fatal(err)
	}
	j, err := OpenJournal(dir, "s-stale")
	if err != nil {
		t.Fatal(err)
	}
	intent := Entry{Kind: EntryTxnIntent, Target: "tcp://127.0.0.1:20007", TxnRef: "s-stale-1", Amount: 1, Currency: 156}
	if err := j.Record(intent); err != nil {
		t.Fatal(err)
	}
	m, ok := readMarker(dir, "s-stale-1")
	if !ok {
		t.Fatal("no marker after the intent")
	}
	_ = j.Record(Entry{Kind: EntryTxnClosed, TxnRef: "s-stale-1", Text: TxnNotSent})
	j.Close()
	if _, ok := readMarker(dir, "s-stale-1"); ok {
		t.Fatal("marker kept after txn_closed")
	}
	if err := putMarker(dir, m); err != nil { // the crash: the removal was lost
		t.Fatal(err)
	}
	d := healthyFake(testNow)
	rec, err := RecoverFor(context.Background(), d, dir, "")
	if err != nil || len(rec) != 0 {
		t.Fatalf("recover %+v %v, want nothing", rec, err)
	}
	if strings.Contains(d.Calls(), "repeat") || strings.Contains(d.Calls(), "reverse") {
		t.Errorf("acted on a closed payment: %s", d.Calls())
	}
	if _, ok := readMarker(dir, "s-stale-1"); ok {
		t.Error("the stale marker is still there")
	}
}

func TestMarkerName(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"20261121T162645Z-3f9a-abc": "20261121T162645Z-3f9a-abc.json",
		"../x":                      "%2E.%2Fx.json",
		`a\b c`:                     "a%5Cb%20c.json",
	} {
		if got := markerName(in); got != want {
			t.Errorf("markerName(%q) = %q, want %q", in, got, want)
		}
	}
}

// Killed after the intent's marker and before its journal line: the marker
// alone brings the payment back, and recovery finds nothing booked.
func TestMarkerWithoutJournalLine(t *testing.T) {
	t.Parallel()
	cfg := testConfig(t)
	dir := cfg.JournalDir
	if _, err := OpenPayments(dir); err != nil {
		t.Fatal(err)
	}
	j, err := OpenJournal(dir, "s-ghost")
	if err != nil {
		t.Fatal(err)
	}
	_ = j.Record(Entry{Kind: EntrySessionStart, Text: "check"})
	j.Close()
	intent := Entry{Kind: EntryTxnIntent, Session: "s-ghost", Target: "tcp://127.0.0.1:20007", TxnRef: "s-ghost-1", Amount: 1, Currency: 156, Time: testNow}
	if err := putMarker(dir, openMarker{Intent: intent, Journal: "s-ghost.jsonl"}); err != nil {
		t.Fatal(err)
	}
	d := healthyFake(testNow) // its last receipt is no approved payment
	rec, err := RecoverFor(context.Background(), d, dir, "")
	if err != nil || len(rec) != 1 || rec[0].State != TxnNotBooked {
		t.Fatalf("recover %+v %v, want s-ghost-1 not booked", rec, err)
	}
	if open, _ := OpenPayments(dir); len(open) != 0 {
		t.Errorf("still open: %+v", open)
	}
}
