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

	// openTargets, when scanned, lists the targets with open payments in
	// the journal dir, so a sweep reads the journals once, not per terminal.
	openTargets map[string]bool
	openScanned bool
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

// CheckOne connects to e.Target, recovers open payments, runs the checks
// and diagnoses. It never panics: whatever happens ends in a report.
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
	ictx, cancel := context.WithTimeout(ctx, cfg.Timeouts.Connect)
	d, err := o.Open(ictx, e.Target, cfg)
	cancel()
	if err != nil {
		_ = o.Journal.Record(Entry{Kind: EntryError, Target: e.Target, Name: e.Name, Text: ScrubString(err.Error())})
		return FailedReport(e.Target, e.Name, err)
	}
	defer d.Close()

	var recovered []Recovered
	if o.Recover && cfg.JournalDir != "" && (!o.openScanned || o.openTargets[e.Target]) {
		all, err := Recover(ctx, d, cfg.JournalDir)
		if err == nil {
			for _, r := range all {
				if r.State != TxnPending && r.Session != o.Journal.SessionID() {
					recovered = append(recovered, r)
				}
			}
		}
	}

	eng := NewEngine(d, cfg, o.Journal)
	if o.Now != nil {
		eng.SetClock(o.Now)
	}
	if o.Observe != nil {
		ch, stop := eng.Subscribe()
		finished := make(chan struct{})
		go func() {
			defer close(finished)
			for ev := range ch {
				o.Observe(ev)
				if ev.Kind == RunFinished {
					return
				}
			}
		}()
		// Every event up to RunFinished reaches the observer (it is never
		// dropped); the wait is bounded in case the observer is stuck.
		defer func() {
			select {
			case <-finished:
			case <-time.After(5 * time.Second):
			}
			stop()
		}()
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
	results := eng.Run(ctx, ids, ro)
	symptom := o.Symptom
	if e.Symptom != "" {
		symptom = e.Symptom
	}
	diag := Diagnose(results, symptom, o.Codes)
	id := eng.Identity()
	_ = o.Journal.Record(Entry{Kind: EntryDiagnosis, Target: e.Target, Name: e.Name, TID: id.TID, Symptom: symptom, Diagnosis: &diag})
	rep = NewTerminalReport(e.Target, e.Name, id, d.Info(), results, diag)
	rep.Recovered = recovered
	for _, r := range results {
		if r.ID == model.CheckLink && r.Status == model.StatusError {
			rep.Error = r.Summary
		}
	}
	if rep.Verdict == model.StatusError && rep.Error == "" {
		for _, r := range results {
			if r.Status == model.StatusError {
				rep.Error = string(r.ID) + ": " + r.Summary
				break
			}
		}
	}
	_ = o.Journal.Record(Entry{Kind: EntrySessionEnd, Target: e.Target, Name: e.Name, TID: id.TID, Verdict: rep.Verdict})
	return rep
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
	if o.Recover && o.Config.JournalDir != "" {
		if open, err := OpenPayments(o.Config.JournalDir); err == nil {
			o.openScanned, o.openTargets = true, map[string]bool{}
			for _, p := range open {
				o.openTargets[p.Target] = true
			}
		}
	}
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
	return sum
}
