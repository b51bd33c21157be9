package checks

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/posdoctor/posdoctor/model"
	"github.com/posdoctor/posdoctor/terminal"
)

// RunOptions says how to run the checks.
type RunOptions struct {
	// WithCard allows the checks that need a card at the terminal (reader,
	// transaction); without it they are skipped.
	WithCard bool
	// Amount of the test payment in minor units; 0 means Config.Amount.
	Amount int64
	// KnownGoodCard says the card used is known to work elsewhere, which
	// the diagnosis uses to tell card problems from terminal problems.
	KnownGoodCard bool
	// Target and Name label journal entries; Target defaults to the
	// driver's Info().Target.
	Target string
	Name   string
}

// Engine runs checks against one terminal and publishes [Event]s. Checks
// that talk to the terminal run one at a time; the console's own network
// probes run alongside them. Run may be called again after it returns.
type Engine struct {
	d   terminal.Driver
	cfg Config
	j   *Journal
	now func() time.Time

	// probe runs the console's network probes; tests replace it.
	probe func(ctx context.Context, hosts []AcquirerHost, cfg Config) []ProbeResult

	mu       sync.Mutex
	subs     map[*subscriber]struct{}
	identity terminal.Status
	haveID   bool
	running  model.CheckID
	trace    []terminal.Frame
	// primed is what Connect learnt just before the next run (see
	// [Conn.prime]); that run takes it.
	primed *connectStart
}

// maxTraceFrames bounds the frames kept per check.
const maxTraceFrames = 400

// NewEngine returns an engine for d. j may be nil (nothing is journaled),
// but then the transaction check refuses to run: a test payment is only
// sent with a journal behind it.
func NewEngine(d terminal.Driver, cfg Config, j *Journal) *Engine {
	filled := cfg
	filled.fill()
	return &Engine{d: d, cfg: filled, j: j, now: time.Now, probe: RunProbes, subs: map[*subscriber]struct{}{}}
}

// SetClock replaces time.Now (tests).
func (e *Engine) SetClock(now func() time.Time) { e.now = now }

// Journal returns the engine's journal (may be nil).
func (e *Engine) Journal() *Journal { return e.j }

// Identity is what the status check learned about the terminal; zero
// before it ran.
func (e *Engine) Identity() terminal.Status {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.identity
}

func (e *Engine) setIdentity(s terminal.Status) {
	e.mu.Lock()
	e.identity, e.haveID = s, true
	e.mu.Unlock()
}

func (e *Engine) knownIdentity() (terminal.Status, bool) {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.identity, e.haveID
}

// prime hands Connect's answers to the next run.
func (e *Engine) prime(st *connectStart) {
	e.mu.Lock()
	e.primed = st
	e.mu.Unlock()
}

func (e *Engine) takePrimed() *connectStart {
	e.mu.Lock()
	defer e.mu.Unlock()
	p := e.primed
	e.primed = nil
	return p
}

// Subscribe returns a channel of the engine's events and a function that
// ends the subscription and closes the channel. Publishing never blocks the
// checks: each subscriber has its own queue. Progress events beyond a small
// backlog are dropped for a slow subscriber; CheckStarted, CheckFinished,
// IdentityKnown, MoneyEvent and RunFinished are never dropped.
func (e *Engine) Subscribe() (<-chan Event, func()) {
	s := &subscriber{out: make(chan Event, 64), wake: make(chan struct{}, 1), done: make(chan struct{})}
	e.mu.Lock()
	e.subs[s] = struct{}{}
	e.mu.Unlock()
	go s.pump()
	var once sync.Once
	return s.out, func() {
		once.Do(func() {
			e.mu.Lock()
			delete(e.subs, s)
			e.mu.Unlock()
			close(s.done)
		})
	}
}

// maxProgressBacklog is how many progress events wait for a slow subscriber.
const maxProgressBacklog = 32

type subscriber struct {
	mu       sync.Mutex
	queue    []Event
	progress int
	wake     chan struct{}
	done     chan struct{}
	out      chan Event
}

func (s *subscriber) push(ev Event) {
	s.mu.Lock()
	if ev.Kind == CheckProgress {
		if s.progress >= maxProgressBacklog {
			s.mu.Unlock()
			return
		}
		s.progress++
	}
	s.queue = append(s.queue, ev)
	s.mu.Unlock()
	select {
	case s.wake <- struct{}{}:
	default:
	}
}

func (s *subscriber) pump() {
	defer close(s.out)
	for {
		s.mu.Lock()
		if len(s.queue) == 0 {
			s.mu.Unlock()
			select {
			case <-s.wake:
				continue
			case <-s.done:
				return
			}
		}
		ev := s.queue[0]
		s.queue[0] = Event{}
		s.queue = s.queue[1:]
		if ev.Kind == CheckProgress {
			s.progress--
		}
		s.mu.Unlock()
		select {
		case s.out <- ev:
		case <-s.done:
			return
		}
	}
}

func (e *Engine) publish(ev Event) {
	if ev.Time.IsZero() {
		ev.Time = e.now()
	}
	e.mu.Lock()
	subs := make([]*subscriber, 0, len(e.subs))
	for s := range e.subs {
		subs = append(subs, s)
	}
	e.mu.Unlock()
	for _, s := range subs {
		s.push(ev)
	}
}

// observe receives the driver's events; it never blocks.
func (e *Engine) observe(ev terminal.Event) {
	e.mu.Lock()
	id := e.running
	if ev.Kind == terminal.EventFrame && ev.Frame != nil {
		if len(e.trace) < maxTraceFrames {
			f := *ev.Frame
			f.Summary = ScrubString(f.Summary)
			f.Detail = ScrubString(f.Detail)
			e.trace = append(e.trace, f)
		}
	}
	e.mu.Unlock()
	switch ev.Kind {
	case terminal.EventPrompt, terminal.EventNotice:
		p := ev
		p.Text = ScrubString(p.Text)
		e.publish(Event{Kind: CheckProgress, Check: id, Text: p.Text, Prompt: &p})
	}
}

func (e *Engine) startTrace(id model.CheckID) {
	e.mu.Lock()
	e.running, e.trace = id, nil
	e.mu.Unlock()
}

func (e *Engine) takeTrace() []terminal.Frame {
	e.mu.Lock()
	defer e.mu.Unlock()
	t := e.trace
	e.running, e.trace = "", nil
	return t
}

// current is the check running now.
func (e *Engine) current() model.CheckID {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.running
}

// progress publishes a progress text of the engine's own.
func (e *Engine) progress(id model.CheckID, text model.Text) {
	e.publish(Event{Kind: CheckProgress, Check: id, Text: text.En, TextZh: text.Zh})
}

// orderIDs returns ids in CheckOrder without duplicates or unknown ids.
func orderIDs(ids []model.CheckID) []model.CheckID {
	want := map[model.CheckID]bool{}
	for _, id := range ids {
		want[id] = true
	}
	var out []model.CheckID
	for _, id := range model.CheckOrder {
		if want[id] {
			out = append(out, id)
		}
	}
	return out
}

// Run runs the checks in ids (in the fixed order of model.CheckOrder, nil
// meaning all) and returns one Result per check. It returns when every check
// has finished or ctx ended; after a cancel the terminal is sent Abort and
// the remaining checks are skipped.
func (e *Engine) Run(ctx context.Context, ids []model.CheckID, opts RunOptions) []Result {
	if ids == nil {
		ids = model.CheckOrder
	}
	ids = orderIDs(ids)
	if opts.Amount <= 0 {
		opts.Amount = e.cfg.Amount
	}
	if opts.Target == "" {
		opts.Target = e.d.Info().Target
	}
	e.d.SetObserver(e.observe)
	defer e.d.SetObserver(nil)

	// The console's own probes run alongside the terminal checks.
	var probes chan []ProbeResult
	for _, id := range ids {
		if id == model.CheckNetwork && len(e.cfg.AcquirerHosts) > 0 {
			probes = make(chan []ProbeResult, 1)
			pctx, cancel := context.WithTimeout(ctx, e.cfg.Timeouts.Probe*time.Duration(1+len(e.cfg.AcquirerHosts)))
			go func() {
				defer cancel()
				probes <- e.probe(pctx, e.cfg.AcquirerHosts, e.cfg)
			}()
		}
	}

	r := &run{e: e, opts: opts, probes: probes, needReg: true, primed: e.takePrimed()}
	if r.primed != nil && r.primed.registered {
		r.needReg = false // Connect registered a moment ago
	}
	for _, id := range ids {
		if id == model.CheckLink {
			r.needReg = false // the link check registers
		}
	}
	results := make([]Result, 0, len(ids))
	for _, id := range ids {
		e.publish(Event{Kind: CheckStarted, Check: id})
		e.startTrace(id)
		start := e.now()
		res := r.one(ctx, id)
		res.ID = id
		res.Trace = append(res.Trace, e.takeTrace()...)
		res.Duration = e.now().Sub(start)
		res.DurationMS = res.Duration.Milliseconds()
		res.summarize()
		for k, v := range res.Evidence {
			res.Evidence[k] = ScrubString(v)
		}
		results = append(results, res)
		rc := res
		jr := res
		if jr.Status == model.StatusOK && id != model.CheckLink {
			// The journal keeps the trace of the session opening and of
			// checks that did not pass: what a report shows.
			jr.Trace = nil
		}
		_ = e.j.Record(Entry{Kind: EntryCheck, Target: opts.Target, Name: opts.Name, TID: r.tid(), Result: &jr, SummaryZh: res.Text.Zh})
		e.publish(Event{Kind: CheckFinished, Check: id, Text: res.Summary, TextZh: res.Text.Zh, Result: &rc})
	}
	e.publish(Event{Kind: RunFinished, Text: string(Verdict(results))})
	return results
}

// run is the state of one Run.
type run struct {
	e       *Engine
	opts    RunOptions
	probes  chan []ProbeResult
	linkErr error // set when the link check failed: terminal checks are skipped
	linkRan bool
	needReg bool // a command failed: register again before the next one
	// primed is Connect's registration and status, used once each.
	primed *connectStart
	// haveStatus: this run has asked the terminal for its status already, so
	// status and version share one Status Enquiry. Each run asks afresh: a fix
	// between runs (Initialisation, a software update) must show.
	haveStatus bool
}

func (r *run) tid() string {
	id, _ := r.e.knownIdentity()
	return id.TID
}

// one runs a single check and recovers from a panic in it, so a bad answer
// from a terminal can never take the console down.
func (r *run) one(ctx context.Context, id model.CheckID) (res Result) {
	defer func() {
		if p := recover(); p != nil {
			res = Result{Status: model.StatusError, Text: txf("internal error in the %s check; please report it", "%s 检查出现内部错误，请报告此问题", id), Evidence: map[string]string{"panic": ScrubString(fmt.Sprint(p))}}
		}
	}()
	if err := ctx.Err(); err != nil {
		return skipped(tx("canceled before it ran", "未运行就已取消"))
	}
	if id.NeedsCard() && !r.opts.WithCard {
		return skipped(tx("needs a card at the terminal: run with --with-card", "需要在终端上用卡：请加 --with-card 运行"))
	}
	if r.linkErr != nil && id != model.CheckNetwork {
		return skipped(tx("no link to the terminal (see the link check)", "与终端没有连接（见 link 检查）"))
	}
	switch id {
	case model.CheckLink:
		return r.link(ctx)
	case model.CheckStatus:
		return r.status(ctx)
	case model.CheckVersion:
		return r.version(ctx)
	case model.CheckNetwork:
		return r.network(ctx)
	case model.CheckReader:
		return r.reader(ctx)
	case model.CheckTransaction:
		return r.transaction(ctx)
	}
	return Result{Status: model.StatusError, Text: tx("unknown check", "未知的检查")}
}

func skipped(why model.Text) Result { return Result{Status: model.StatusSkip, Text: why} }

// cmdCtx bounds one terminal command.
func (r *run) cmdCtx(ctx context.Context, d time.Duration) (context.Context, context.CancelFunc) {
	return context.WithTimeout(ctx, d)
}

// abort leaves the terminal idle after a cancel or a card prompt. It runs
// on its own short deadline even when ctx has ended.
func (r *run) abort(ctx context.Context) {
	actx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
	defer cancel()
	_ = r.e.d.Abort(actx)
}

// canceled reports whether the caller canceled the run (or its deadline
// passed): ctx is the run's context, so a check's own command deadline, set
// on a child context, does not count.
func canceled(ctx context.Context) bool {
	return ctx.Err() != nil
}
