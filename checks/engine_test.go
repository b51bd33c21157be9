package checks

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/posdoctor/posdoctor/model"
	"github.com/posdoctor/posdoctor/terminal"
)

var testNow = time.Date(2026, 11, 21, 12, 0, 0, 0, time.UTC)

func testConfig(t *testing.T) Config {
	cfg := DefaultConfig()
	cfg.JournalDir = t.TempDir()
	cfg.Timeouts.Command = 2 * time.Second
	cfg.Timeouts.Card = 2 * time.Second
	cfg.Timeouts.Transaction = 2 * time.Second
	return cfg
}

func newTestEngine(t *testing.T, d *fakeDriver) (*Engine, *Journal) {
	t.Helper()
	cfg := testConfig(t)
	j, err := OpenJournal(cfg.JournalDir, "s1")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { j.Close() })
	d.journalPath = j.Path()
	e := NewEngine(d, cfg, j)
	e.SetClock(func() time.Time { return testNow })
	return e, j
}

func byID(rs []Result) map[model.CheckID]Result {
	m := map[model.CheckID]Result{}
	for _, r := range rs {
		m[r.ID] = r
	}
	return m
}

func TestRunHealthyAllChecks(t *testing.T) {
	t.Parallel()
	d := healthyFake(testNow)
	e, _ := newTestEngine(t, d)
	rs := e.Run(context.Background(), nil, RunOptions{WithCard: true})
	if len(rs) != len(model.CheckOrder) {
		t.Fatalf("got %d results, want %d", len(rs), len(model.CheckOrder))
	}
	for i, r := range rs {
		if r.ID != model.CheckOrder[i] {
			t.Errorf("result %d is %s, want %s", i, r.ID, model.CheckOrder[i])
		}
		if r.Status != model.StatusOK {
			t.Errorf("%s: status %s (%s), want ok", r.ID, r.Status, r.Summary)
		}
	}
	if v := Verdict(rs); v != model.StatusOK {
		t.Errorf("verdict %s, want ok", v)
	}
	if got, want := d.Calls(), "register,status,diagnose,readcard,authorize,reverse:7"; got != want {
		t.Errorf("calls %s, want %s", got, want)
	}
	if !strings.Contains(d.journalAtAuth, `"kind":"txn_intent"`) {
		t.Errorf("journal at Authorization has no intent:\n%s", d.journalAtAuth)
	}
	if id := e.Identity(); id.TID != "52500001" {
		t.Errorf("identity TID %q", id.TID)
	}
	facts := Evidence(rs)
	if f := facts[2].Facts; f[model.FactVersionBelowBaseline] != "false" || f[model.FactSoftwareVersion] != "2.31.4" {
		t.Errorf("version facts %v", f)
	}
	if f := facts[4].Facts; f[model.FactCardReadable] != "true" || f[model.FactCardExpired] != "false" || f[model.FactTechnology] != "chip" {
		t.Errorf("reader facts %v", f)
	}
	for _, ce := range facts {
		for k := range ce.Facts {
			if !k.Known() {
				t.Errorf("%s: fact %q is not a model.Fact", ce.ID, k)
			}
		}
	}
	if len(rs[0].Trace) == 0 {
		t.Errorf("link check has no trace")
	}
	if got := rs[4].Evidence["pan"]; got != "622848*********1016" {
		t.Errorf("reader pan %q", got)
	}
}

func TestRunWithoutCardSkips(t *testing.T) {
	t.Parallel()
	d := healthyFake(testNow)
	e, _ := newTestEngine(t, d)
	rs := byID(e.Run(context.Background(), []model.CheckID{model.CheckTransaction, model.CheckReader, model.CheckLink}, RunOptions{}))
	if len(rs) != 3 {
		t.Fatalf("got %d results", len(rs))
	}
	for _, id := range []model.CheckID{model.CheckReader, model.CheckTransaction} {
		if rs[id].Status != model.StatusSkip || !strings.Contains(rs[id].Summary, "--with-card") {
			t.Errorf("%s: %s %q, want skip naming --with-card", id, rs[id].Status, rs[id].Summary)
		}
	}
	if strings.Contains(d.Calls(), "authorize") {
		t.Errorf("authorized without --with-card: %s", d.Calls())
	}
}

func TestRunDeclined(t *testing.T) {
	t.Parallel()
	d := healthyFake(testNow)
	d.auth = terminal.Payment{Approved: false, Result: terminal.Result{Code: 0x37, HostCode: "55", Text: "incorrect PIN"}}
	e, j := newTestEngine(t, d)
	rs := byID(e.Run(context.Background(), []model.CheckID{model.CheckTransaction}, RunOptions{WithCard: true}))
	tx := rs[model.CheckTransaction]
	if tx.Status != model.StatusFail || tx.Evidence[string(model.FactHostCode)] != "55" || tx.Evidence[string(model.FactZVTResult)] != "37" {
		t.Fatalf("transaction %s %q %v", tx.Status, tx.Summary, tx.Evidence)
	}
	want := []model.Code{{Scheme: model.SchemeUnionPay, Value: "55"}, {Scheme: model.SchemeZVT, Value: "37"}}
	if len(tx.Codes) != 2 || tx.Codes[0] != want[0] || tx.Codes[1] != want[1] {
		t.Errorf("codes %v, want %v", tx.Codes, want)
	}
	if strings.Contains(d.Calls(), "reverse") {
		t.Errorf("reversed a declined payment: %s", d.Calls())
	}
	open, _ := OpenPayments(filepath.Dir(j.Path()))
	if len(open) != 0 {
		t.Errorf("open payments after a decline: %v", open)
	}
}

func TestRunOutcomeUnknownResolves(t *testing.T) {
	t.Parallel()
	d := healthyFake(testNow)
	d.authErr = &terminal.Error{Op: "authorize", Kind: terminal.KindOutcomeUnknown, Err: errors.New("link dropped")}
	d.repeat = terminal.Payment{Approved: true, Amount: 1, Receipt: 9}
	e, j := newTestEngine(t, d)
	rs := byID(e.Run(context.Background(), []model.CheckID{model.CheckTransaction}, RunOptions{WithCard: true}))
	tx := rs[model.CheckTransaction]
	if tx.Status != model.StatusFail || tx.Evidence["resolution"] != TxnReversed {
		t.Fatalf("transaction %s %q %v", tx.Status, tx.Summary, tx.Evidence)
	}
	if got := d.Calls(); !strings.HasSuffix(got, "authorize,register,repeat,reverse:9") {
		t.Errorf("calls %s", got)
	}
	open, _ := OpenPayments(filepath.Dir(j.Path()))
	if len(open) != 0 {
		t.Errorf("open payments after resolution: %v", open)
	}
}

func TestRunOutcomeUnknownNotBooked(t *testing.T) {
	t.Parallel()
	d := healthyFake(testNow)
	d.authErr = &terminal.Error{Op: "authorize", Kind: terminal.KindOutcomeUnknown}
	d.repeat = terminal.Payment{Approved: false, Result: terminal.Result{Code: 0x6C}}
	e, _ := newTestEngine(t, d)
	rs := byID(e.Run(context.Background(), []model.CheckID{model.CheckTransaction}, RunOptions{WithCard: true}))
	if got := rs[model.CheckTransaction].Evidence["resolution"]; got != TxnNotBooked {
		t.Errorf("resolution %q, want %s", got, TxnNotBooked)
	}
	if strings.Contains(d.Calls(), "reverse") {
		t.Errorf("reversed with nothing booked: %s", d.Calls())
	}
}

func TestRunUnresolvedStaysOpenThenRecovers(t *testing.T) {
	t.Parallel()
	d := healthyFake(testNow)
	d.revErr = &terminal.Error{Op: "reverse", Kind: terminal.KindLink, Err: errors.New("link down")}
	d.repErr = &terminal.Error{Op: "repeat receipt", Kind: terminal.KindLink, Err: errors.New("link down")}
	e, j := newTestEngine(t, d)
	rs := byID(e.Run(context.Background(), []model.CheckID{model.CheckTransaction}, RunOptions{WithCard: true}))
	tx := rs[model.CheckTransaction]
	if tx.Evidence["resolution"] != TxnUnresolved || !strings.Contains(tx.Summary, "Reverse receipt 7") {
		t.Fatalf("transaction %q %v", tx.Summary, tx.Evidence)
	}
	dir := filepath.Dir(j.Path())
	open, _ := OpenPayments(dir)
	if len(open) != 1 || open[0].Receipt != 7 {
		t.Fatalf("open payments %+v, want receipt 7", open)
	}
	// Next start (the first session has ended): the link is back.
	j.Close()
	d2 := healthyFake(testNow)
	rec, err := Recover(context.Background(), d2, dir)
	if err != nil || len(rec) != 1 || rec[0].State != TxnReversed {
		t.Fatalf("recover: %+v %v", rec, err)
	}
	if d2.Calls() != "register,reverse:7" {
		t.Errorf("recover calls %s, want register,reverse:7", d2.Calls())
	}
	if open, _ := OpenPayments(dir); len(open) != 0 {
		t.Errorf("still open after recovery: %+v", open)
	}
}

func TestRecoverLeavesLiveSessionAlone(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	j, _ := OpenJournal(dir, "live")
	defer j.Close()
	d := healthyFake(testNow)
	_ = j.Record(Entry{Kind: EntryTxnIntent, Target: d.Info().Target, TxnRef: "r1", Amount: 1, Currency: 156})
	rec, err := Recover(context.Background(), d, dir)
	if err != nil || len(rec) != 1 || rec[0].State != TxnPending || !strings.Contains(rec[0].Text, "still running") {
		t.Fatalf("recover %+v %v", rec, err)
	}
	if d.Calls() != "" {
		t.Errorf("touched a live session's payment: %s", d.Calls())
	}
	if _, err := OpenJournal(dir, "live"); !errors.Is(err, ErrJournalInUse) {
		t.Errorf("second open of a live journal: %v", err)
	}
}

func TestRecoverOtherTargetPending(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	j, _ := OpenJournal(dir, "old")
	_ = j.Record(Entry{Kind: EntryTxnIntent, Target: "tcp://10.0.0.9:20007", TxnRef: "r1", Amount: 1, Currency: 156})
	j.Close()
	d := healthyFake(testNow)
	rec, err := Recover(context.Background(), d, dir)
	if err != nil || len(rec) != 1 || rec[0].State != TxnPending || !strings.Contains(rec[0].Text, "posdoctor check --target tcp://10.0.0.9:20007") {
		t.Fatalf("recover %+v %v", rec, err)
	}
	if d.Calls() != "" {
		t.Errorf("touched another terminal: %s", d.Calls())
	}
}

func TestCancelDuringReadCardAborts(t *testing.T) {
	t.Parallel()
	d := healthyFake(testNow)
	d.cardWait = true
	e, _ := newTestEngine(t, d)
	ctx, cancel := context.WithCancel(context.Background())
	ch, stop := e.Subscribe()
	defer stop()
	go func() {
		for ev := range ch {
			if ev.Kind == CheckProgress && ev.Prompt != nil && ev.Check == model.CheckReader {
				cancel()
			}
		}
	}()
	rs := byID(e.Run(ctx, nil, RunOptions{WithCard: true}))
	if !strings.Contains(d.Calls(), "readcard,abort") {
		t.Errorf("no abort after cancel: %s", d.Calls())
	}
	if rs[model.CheckTransaction].Status != model.StatusSkip {
		t.Errorf("transaction ran after cancel: %+v", rs[model.CheckTransaction])
	}
	if strings.Contains(d.Calls(), "authorize") {
		t.Errorf("authorized after cancel")
	}
}

func TestSlowSubscriberDoesNotStall(t *testing.T) {
	t.Parallel()
	d := healthyFake(testNow)
	e, _ := newTestEngine(t, d)
	ch, stop := e.Subscribe()
	defer stop()
	// Flood progress events: the subscriber reads nothing during the run.
	for i := 0; i < 1000; i++ {
		e.observe(terminal.Event{Kind: terminal.EventPrompt, Text: "please wait"})
	}
	done := make(chan []Result)
	go func() { done <- e.Run(context.Background(), nil, RunOptions{}) }()
	var rs []Result
	select {
	case rs = <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("Run stalled behind a slow subscriber")
	}
	finished, progress, last := 0, 0, EventKind(-1)
	timeout := time.After(5 * time.Second)
	for last != RunFinished {
		select {
		case ev := <-ch:
			switch ev.Kind {
			case CheckFinished:
				finished++
			case CheckProgress:
				progress++
			}
			last = ev.Kind
		case <-timeout:
			t.Fatalf("RunFinished never arrived (finished=%d)", finished)
		}
	}
	if finished != len(rs) {
		t.Errorf("got %d CheckFinished, want %d", finished, len(rs))
	}
	if progress > maxProgressBacklog+64+len(rs)*4 {
		t.Errorf("progress backlog not bounded: %d", progress)
	}
}

func TestStatusAndVersion(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name       string
		st         terminal.Status
		wantStatus model.Status
		wantVer    model.Status
		below      string
	}{
		{"ready current", terminal.Status{Model: "PAX A920", SoftwareVersion: "2.31.4", Time: testNow}, model.StatusOK, model.StatusOK, "false"},
		{"outdated", terminal.Status{Model: "Ingenico Move/5000", SoftwareVersion: "1.08.2", Time: testNow}, model.StatusOK, model.StatusFail, "true"},
		{"unknown model", terminal.Status{Model: "Castles S1F2", SoftwareVersion: "9.1", Time: testNow}, model.StatusOK, model.StatusWarn, ""},
		{"no keys", terminal.Status{Model: "PAX A920", SoftwareVersion: "2.31.4", DeviceState: terminal.DeviceNoKeys, Time: testNow}, model.StatusFail, model.StatusOK, "false"},
		{"init required", terminal.Status{Model: "PAX A920", SoftwareVersion: "2.31.4", Code: 0x51, DeviceState: terminal.DeviceNeedsInit}, model.StatusFail, model.StatusOK, "false"},
		{"clock skew", terminal.Status{Model: "PAX A920", SoftwareVersion: "2.31.4", Time: testNow.Add(-time.Hour)}, model.StatusWarn, model.StatusOK, "false"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			d := healthyFake(testNow)
			d.status = tt.st
			e, _ := newTestEngine(t, d)
			rs := byID(e.Run(context.Background(), []model.CheckID{model.CheckStatus, model.CheckVersion}, RunOptions{}))
			if got := rs[model.CheckStatus].Status; got != tt.wantStatus {
				t.Errorf("status %s (%s), want %s", got, rs[model.CheckStatus].Summary, tt.wantStatus)
			}
			if got := rs[model.CheckVersion].Status; got != tt.wantVer {
				t.Errorf("version %s (%s), want %s", got, rs[model.CheckVersion].Summary, tt.wantVer)
			}
			if got := rs[model.CheckVersion].Evidence[string(model.FactVersionBelowBaseline)]; got != tt.below {
				t.Errorf("version_below_baseline %q, want %q", got, tt.below)
			}
			if got := rs[model.CheckStatus].Evidence[string(model.FactDeviceState)]; got != tt.st.DeviceState.String() {
				t.Errorf("device_state %q", got)
			}
		})
	}
}

func TestReaderOutcomes(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name              string
		card              terminal.Card
		want              model.Status
		expired, readable string
	}{
		{"ok", terminal.Card{Expiry: "2812", Technology: terminal.TechChip}, model.StatusOK, "false", "true"},
		{"expired by date", terminal.Card{Expiry: "2401", Technology: terminal.TechStripe}, model.StatusFail, "true", "true"},
		{"expired code 78", terminal.Card{Result: terminal.Result{Code: 0x78}}, model.StatusFail, "true", "true"},
		{"unreadable 64", terminal.Card{Result: terminal.Result{Code: 0x64}}, model.StatusFail, "", "false"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			d := healthyFake(testNow)
			d.card = tt.card
			e, _ := newTestEngine(t, d)
			r := e.Run(context.Background(), []model.CheckID{model.CheckReader}, RunOptions{WithCard: true})[0]
			if r.Status != tt.want || r.Evidence[string(model.FactCardExpired)] != tt.expired || r.Evidence[string(model.FactCardReadable)] != tt.readable {
				t.Errorf("got %s %v (%s)", r.Status, r.Evidence, r.Summary)
			}
			// A completed read leaves the terminal idle (Driver contract): no
			// second Abort from the engine.
			if strings.Contains(d.Calls(), "abort") {
				t.Errorf("abort after a completed read card: %s", d.Calls())
			}
		})
	}
}

// A read that failed may leave the card prompt up: the engine removes it.
func TestReaderErrorAborts(t *testing.T) {
	t.Parallel()
	d := healthyFake(testNow)
	d.cardErr = &terminal.Error{Op: "read card", Kind: terminal.KindProtocol, Err: errors.New("malformed answer")}
	e, _ := newTestEngine(t, d)
	r := e.Run(context.Background(), []model.CheckID{model.CheckReader}, RunOptions{WithCard: true})[0]
	if r.Status == model.StatusOK {
		t.Errorf("status ok after a read error: %s", r.Summary)
	}
	if !strings.HasSuffix(d.Calls(), "abort") {
		t.Errorf("no abort after a failed read card: %s", d.Calls())
	}
}

func TestLinkFailureSkipsTheRest(t *testing.T) {
	t.Parallel()
	d := healthyFake(testNow)
	d.regErr = &terminal.Error{Op: "registration", Kind: terminal.KindNoAnswer}
	e, _ := newTestEngine(t, d)
	rs := e.Run(context.Background(), nil, RunOptions{WithCard: true})
	if rs[0].Status != model.StatusError {
		t.Errorf("link %s", rs[0].Status)
	}
	for _, r := range rs[1:] {
		if r.Status != model.StatusSkip {
			t.Errorf("%s ran without a link: %s", r.ID, r.Status)
		}
	}
	if Verdict(rs) != model.StatusError || ExitCodeFor(Verdict(rs)) != 3 {
		t.Errorf("verdict %s", Verdict(rs))
	}
}

func TestNetworkHostCodes(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		res       terminal.Result
		reachable string
		want      model.Status
	}{
		{"ok", terminal.Result{}, "true", model.StatusOK},
		{"no connection", terminal.Result{Code: 0xA3}, "false", model.StatusFail},
		{"host answered 96", terminal.Result{Code: 0x60, HostCode: "96"}, "true", model.StatusFail},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			d := healthyFake(testNow)
			d.host = terminal.HostCheck{Result: tt.res}
			e, _ := newTestEngine(t, d)
			r := e.Run(context.Background(), []model.CheckID{model.CheckNetwork}, RunOptions{})[0]
			if r.Status != tt.want || r.Evidence[string(model.FactHostReachable)] != tt.reachable {
				t.Errorf("got %s %v", r.Status, r.Evidence)
			}
		})
	}
}

func TestNetworkProbesRunAlongside(t *testing.T) {
	t.Parallel()
	d := healthyFake(testNow)
	cfg := testConfig(t)
	cfg.AcquirerHosts = []AcquirerHost{{Name: "cups", Addr: "127.0.0.1:9"}}
	e := NewEngine(d, cfg, nil)
	e.probe = func(ctx context.Context, hs []AcquirerHost, cfg Config) []ProbeResult {
		return []ProbeResult{{Host: hs[0], DNS: time.Millisecond, Connect: 2 * time.Millisecond, Status: model.StatusWarn, Stage: "tcp", Err: errors.New("refused"), Note: "127.0.0.1:9: cannot connect"}}
	}
	r := e.Run(context.Background(), []model.CheckID{model.CheckNetwork}, RunOptions{})[0]
	if r.Status != model.StatusWarn || r.Evidence["acquirer_cups_tcp_ms"] != "2" || r.Evidence["acquirer_cups_error"] == "" {
		t.Errorf("got %s %v", r.Status, r.Evidence)
	}
}

func TestTransactionNeedsJournal(t *testing.T) {
	t.Parallel()
	d := healthyFake(testNow)
	e := NewEngine(d, testConfig(t), nil)
	r := e.Run(context.Background(), []model.CheckID{model.CheckTransaction}, RunOptions{WithCard: true})[0]
	if r.Status != model.StatusError || strings.Contains(d.Calls(), "authorize") {
		t.Errorf("got %s, calls %s", r.Status, d.Calls())
	}
}

func TestJournalTornLastLine(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	j, err := OpenJournal(dir, "torn")
	if err != nil {
		t.Fatal(err)
	}
	_ = j.Record(Entry{Kind: EntryTxnIntent, Target: "x", TxnRef: "r1", Amount: 1})
	_ = j.Record(Entry{Kind: EntryNote, Text: "hello"})
	j.Close()
	f, _ := os.OpenFile(j.Path(), os.O_APPEND|os.O_WRONLY, 0)
	f.WriteString(`{"seq":3,"kind":"txn_clo`)
	f.Close()
	s, err := ReadSession(j.Path())
	if err != nil || !s.Torn || len(s.Entries) != 2 {
		t.Fatalf("got %d entries torn=%v err=%v", len(s.Entries), s.Torn, err)
	}
	st, _ := os.Stat(j.Path())
	if st.Mode().Perm() != 0o600 {
		t.Errorf("journal mode %v, want 0600", st.Mode().Perm())
	}
	// A bad line in the middle is an error naming the line.
	os.WriteFile(filepath.Join(dir, "bad.jsonl"), []byte("{}\nnot json\n{}\n"), 0o600)
	if _, err := ReadSession(filepath.Join(dir, "bad.jsonl")); err == nil || !strings.Contains(err.Error(), "bad.jsonl:2") {
		t.Errorf("err %v, want bad.jsonl:2", err)
	}
	// Reopening continues the sequence.
	j2, _ := OpenJournal(dir, "torn")
	_ = j2.Record(Entry{Kind: EntryNote})
	j2.Close()
}

func TestScrubPAN(t *testing.T) {
	t.Parallel()
	tests := []struct{ in, want string }{
		{"pan 6228480000000001016 ok", "pan 622848*********1016 ok"},
		{"6228 4800 0000 0001 016", "6228 48** **** ***1 016"},
		{"card 6228-4800-0000-0007 end", "card 6228-48**-****-0007 end"}, // Luhn-valid (issue 12)
		{"ref 6228-4800-0000-0001 end", "ref 6228-4800-0000-0001 end"},   // fails Luhn: not a card number
		{"x6228480000000001016y", "x622848*********1016y"},
		{"12345678901234567890123", "12345678901234567890123"},
		{"06 01 0C 04 00 00 00 00 01 23 49 09 78", "06 01 0C 04 00 00 00 00 01 23 49 09 78"},
		{"2026-11-21T12:00:00.123456789Z", "2026-11-21T12:00:00.123456789Z"},
		{"622848*********1016", "622848*********1016"},
		{"AMEX 3782 822463 10005", "AMEX 3782 82**** *0005"},
	}
	for _, tt := range tests {
		if got := ScrubString(tt.in); got != tt.want {
			t.Errorf("ScrubString(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// A fix between runs (Initialisation clears no_keys) must show on the next
// run: each run asks the terminal again, while status and version in one run
// share a single Status Enquiry.
func TestRerunAsksStatusAgain(t *testing.T) {
	t.Parallel()
	d := healthyFake(testNow)
	d.status = terminal.Status{Model: "PAX A920", SoftwareVersion: "2.31.4", Code: 0x51, DeviceState: terminal.DeviceNoKeys, Time: testNow}
	e, _ := newTestEngine(t, d)
	ids := []model.CheckID{model.CheckStatus, model.CheckVersion}
	if got := byID(e.Run(context.Background(), ids, RunOptions{}))[model.CheckStatus].Status; got != model.StatusFail {
		t.Fatalf("first run: status %s, want fail", got)
	}
	d.mu.Lock()
	d.status.Code, d.status.DeviceState = 0, terminal.DeviceReady
	d.mu.Unlock()
	if got := byID(e.Run(context.Background(), ids, RunOptions{}))[model.CheckStatus].Status; got != model.StatusOK {
		t.Errorf("re-run after the fix: status %s, want ok", got)
	}
	if got := e.Identity().DeviceState; got != terminal.DeviceReady {
		t.Errorf("Identity().DeviceState = %v, want ready", got)
	}
	n := 0
	d.mu.Lock()
	for _, c := range d.calls {
		if c == "status" {
			n++
		}
	}
	d.mu.Unlock()
	if n != 2 {
		t.Errorf("Status Enquiries = %d, want 2 (one per run)", n)
	}
}
