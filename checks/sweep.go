package checks

import (
	"context"
	"fmt"
	"os"
	"runtime/debug"
	"sync"
	"time"

	"github.com/posdoctor/posdoctor/model"
	"github.com/posdoctor/posdoctor/terminal"
)

// Opener connects to a target with the settings of cfg (password,
// currency, connect timeout).
type Opener func(ctx context.Context, target string, cfg Config) (terminal.Driver, error)

// CheckOptions say how to check one terminal or a fleet.
type CheckOptions struct {
	Config  Config
	Checks  []model.CheckID // nil: all
	Run     RunOptions
	Symptom model.SymptomID
	Codes   []model.Code
	Open    Opener
	// Journal records the session; nil records nothing (and the
	// transaction check will not run).
	Journal *Journal
	// NoJournal runs without any journal, not even a session's own (see
	// [ConnectOptions.NoJournal]); the transaction check will not run.
	NoJournal bool
	// Recover resolves open test payments of earlier sessions for the
	// terminal before any check (needs Config.JournalDir).
	Recover bool
	// Timeout bounds the whole run on one terminal (0: none beyond the
	// per-command timeouts).
	Timeout time.Duration
	// Observe receives the engine's events (progress output); it runs on
	// its own goroutine.
	Observe func(Event)
	// Now replaces time.Now.
	Now func() time.Time

	// fleet is set by Sweep: each terminal's report lists only its own
	// open payments; the sweep lists the others once.
	fleet bool
}

func (o *CheckOptions) now() time.Time {
	if o.Now != nil {
		return o.Now()
	}
	return time.Now()
}

// entryConfig applies an inventory entry's settings over cfg.
func entryConfig(cfg Config, e InventoryEntry) Config {
	cfg.merge(Config{Password: e.Password, Amount: e.Amount, Currency: e.Currency})
	return cfg
}

// CheckOne starts a session on e.Target through [Connect] (recovering
// open payments), runs the checks and diagnoses. It never panics: whatever
// happens ends in a report.
func CheckOne(ctx context.Context, e InventoryEntry, o CheckOptions) (rep TerminalReport) {
	start := o.now()
	defer func() {
		if p := recover(); p != nil {
			rep = FailedReport(e.Target, e.Name, fmt.Errorf("internal error: %v; please report it", p))
		}
		rep.StartedAt = start.UTC()
		rep.DurationMS = o.now().Sub(start).Milliseconds()
		rep.SessionID = o.Journal.SessionID()
		rep.Journal = o.Journal.Path()
	}()
	cfg := entryConfig(o.Config, e)
	cfg.fill()
	if o.Timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, o.Timeout)
		defer cancel()
	}
	c, err := Connect(ctx, ConnectOptions{Target: e.Target, Name: e.Name, Config: cfg, Open: o.Open,
		Journal: o.Journal, NoJournal: o.NoJournal, Recover: o.Recover, ListOthers: !o.fleet, Now: o.Now})
	if err != nil {
		return FailedReport(e.Target, e.Name, err)
	}
	defer c.Close()
	eng := c.Engine
	if o.Now != nil {
		eng.SetClock(o.Now)
	}
	if o.Observe != nil {
		defer observe(eng, o.Observe)()
	}
	ro := o.Run
	ro.Target, ro.Name = e.Target, e.Name
	if e.Amount != 0 {
		ro.Amount = e.Amount
	}
	ids := o.Checks
	if e.Checks != nil {
		ids = e.Checks
	}
	c.prime()
	results := eng.Run(ctx, ids, ro)
	in := model.Input{Symptom: o.Symptom, Codes: o.Codes}
	if e.Symptom != "" {
		in.Symptom = e.Symptom
	}
	diag := Diagnose(in, results)
	id := eng.Identity()
	if id == (terminal.Status{}) {
		id = c.Identity
	}
	_ = o.Journal.Record(Entry{Kind: EntryDiagnosis, Target: e.Target, Name: e.Name, TID: id.TID, Symptom: in.Symptom, Diagnosis: &diag})
	rep = NewTerminalReport(e.Target, e.Name, id, c.Driver.Info(), results, diag)
	rep.Recovered, rep.StillOpen = c.Recovered, c.StillOpen
	rep.Error = runError(results)
	_ = o.Journal.Record(Entry{Kind: EntrySessionEnd, Target: e.Target, Name: e.Name, TID: id.TID, Verdict: rep.Verdict})
	return rep
}

// runError says why a run could not go on: the link check's error, else
// the first check that could not run.
func runError(results []Result) string {
	for _, r := range results {
		if r.ID == model.CheckLink && r.Status == model.StatusError {
			return r.Summary
		}
	}
	if Verdict(results) != model.StatusError {
		return ""
	}
	for _, r := range results {
		if r.Status == model.StatusError {
			return string(r.ID) + ": " + r.Summary
		}
	}
	return ""
}

// observe feeds eng's events to fn on a goroutine until RunFinished; the
// returned function waits for that (bounded, in case fn is stuck) and ends
// the subscription. Every event up to RunFinished reaches fn.
func observe(eng *Engine, fn func(Event)) func() {
	ch, stop := eng.Subscribe()
	finished := make(chan struct{})
	go func() {
		defer close(finished)
		for ev := range ch {
			fn(ev)
			if ev.Kind == RunFinished {
				return
			}
		}
	}()
	return func() {
		select {
		case <-finished:
		case <-time.After(5 * time.Second):
		}
		stop()
	}
}

// tuneGC trades memory for CPU during a large sweep (thousands of
// short-lived sessions allocate fast): GOGC 400 under a 180 MiB soft memory
// limit, unless GOGC or GOMEMLIMIT is set. It returns the restore function.
func tuneGC() func() {
	if os.Getenv("GOGC") != "" || os.Getenv("GOMEMLIMIT") != "" {
		return func() {}
	}
	oldPct := debug.SetGCPercent(400)
	oldLim := debug.SetMemoryLimit(180 << 20)
	return func() {
		debug.SetGCPercent(oldPct)
		debug.SetMemoryLimit(oldLim)
	}
}

// Sweep checks every entry with at most concurrency terminals at a time,
// calling emit (serially) as each one finishes. One terminal's failure
// never stops the others. It returns the fleet summary.
func Sweep(ctx context.Context, entries []InventoryEntry, concurrency int, o CheckOptions, emit func(TerminalReport)) FleetSummary {
	if concurrency < 1 {
		concurrency = 1
	}
	if len(entries) >= 100 && concurrency >= 50 {
		defer tuneGC()()
	}
	o.fleet = true
	start := o.now()
	var (
		mu  sync.Mutex
		sum FleetSummary
		wg  sync.WaitGroup
	)
	sem := make(chan struct{}, concurrency)
	for _, e := range entries {
		select {
		case sem <- struct{}{}:
		case <-ctx.Done():
		}
		if ctx.Err() != nil {
			mu.Lock()
			r := FailedReport(e.Target, e.Name, fmt.Errorf("not checked: the sweep was canceled"))
			sum.Add(r)
			emit(r)
			mu.Unlock()
			continue
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			r := CheckOne(ctx, e, o)
			mu.Lock()
			sum.Add(r)
			emit(r)
			mu.Unlock()
		}()
	}
	wg.Wait()
	sum.Summary.DurationMS = o.now().Sub(start).Milliseconds()
	if o.Recover && o.Config.JournalDir != "" {
		sum.StillOpen = stillOpen(o.Config.JournalDir, o.Journal.SessionID())
	}
	return sum
}

// stillOpen lists the test payments open in dir after a sweep, except the
// sweep's own (session), each txn_ref once.
func stillOpen(dir, session string) []Recovered {
	all, err := OpenPayments(dir)
	if err != nil {
		return nil
	}
	var out []Recovered
	seen := map[string]bool{}
	for _, p := range all {
		if p.Session != session && !seen[p.TxnRef] {
			seen[p.TxnRef] = true
			out = append(out, p)
		}
	}
	return out
}
