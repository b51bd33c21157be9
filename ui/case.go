package ui

import (
	"context"
	"sync"
	"time"

	"github.com/posdoctor/posdoctor/checks"
	"github.com/posdoctor/posdoctor/model"
	"github.com/posdoctor/posdoctor/terminal"
)

// Case is one case on one terminal: the connection, the terminal's
// identity, the checks as they run and their results, the symptom, the
// diagnosis, the wizard's position with its marks and notes, and who is
// watching. It is shared by every view of it (the technician's console and
// each SSH viewer): each view is a Bubble Tea program whose Model embeds the
// *Case and keeps only its own size, language, theme, focus and scroll.
//
// The shape is leg100/pug's services and events: the case publishes a
// small Event after every change and each view re-renders from the shared
// state (research/remote-and-monitoring.md §A2). One mutex guards the whole
// case; a view holds it for the length of one Update or one render, so a
// view never sees half a change. Publishing never blocks: each subscriber
// has a one-slot, latest-wins channel, so a slow viewer cannot stall the
// technician.
//
// A new connection is a new case (issue 9): connecting to another terminal
// forgets the symptom, proposed checks, diagnosis and wizard, unless the
// technician keeps the symptom on purpose (Model.keepSymptom).
type Case struct {
	mu      sync.Mutex
	version uint64
	seq     uint64 // orders toasts of the case and of its views
	subs    map[*subscriber]struct{}
	b       Backend
	now     func() time.Time
	amount  int64
	curr    int

	// connection
	sess       Session
	target     string
	events     <-chan checks.Event
	unsub      func()
	connecting bool
	cancelConn context.CancelFunc
	connGen    int
	// caseTarget is the terminal this case belongs to (set on the first
	// connection); connecting elsewhere starts a new case.
	caseTarget string
	// keepSymptom carries the symptom into the next case (one key on the
	// connect screen).
	keepSymptom bool

	// runs
	running    bool
	cancelRun  context.CancelFunc
	runGen     int
	doneGen    int // the last run whose end was applied
	runIDs     []model.CheckID
	runPurpose runPurpose
	fixing     bool
	moneyState string // the last money event of the run

	// what is known
	input     model.Input
	haveInput bool
	results   map[model.CheckID]checks.Result
	identity  terminal.Status
	diagnosis model.Diagnosis
	frames    []traceFrame
	notices   []model.Text // what the technician must read and acknowledge

	// solved is how the case ended, once a step's verifying check passed.
	solved *solvedCase

	board    *board    // the checks' live rows
	steps    *wizState // the wizard's place, marks and notes
	caseNote note      // the last message of the case, for every view

	// front is the screen in front of the technician (or the co-pilot in
	// control); read-only viewers follow it.
	front screenID

	share shareState
}

// CaseOptions configure a case.
type CaseOptions struct {
	Backend  Backend
	Now      func() time.Time
	Amount   int64 // test transaction amount, minor units (default 1)
	Currency int   // ISO 4217 numeric (default 156, CNY)
}

// NewCase makes an empty case: no terminal, no symptom.
func NewCase(o CaseOptions) *Case {
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Amount <= 0 {
		o.Amount = 1
	}
	if o.Currency == 0 {
		o.Currency = 156
	}
	c := &Case{b: o.Backend, now: o.Now, amount: o.Amount, curr: o.Currency,
		subs: map[*subscriber]struct{}{}, results: map[model.CheckID]checks.Result{},
		board: newBoard(), steps: newWizState()}
	return c
}

// Event says that the case changed. Views re-read the case; Kind says what
// happened when a view wants to react (e.g. follow to the dashboard).
type Event struct {
	Version uint64
	Kind    EventKind
}

// EventKind names what changed.
type EventKind string

// Event kinds.
const (
	EvChanged   EventKind = "changed"
	EvConnected EventKind = "connected"
	EvViewers   EventKind = "viewers"
	EvControl   EventKind = "control"
	EvEnded     EventKind = "ended"
)

type subscriber struct {
	ch chan Event
}

// Subscribe returns the case's events until ctx ends. The channel holds one
// event: a newer one replaces an unread older one, as a view only needs to
// know that it must re-render.
func (c *Case) Subscribe(ctx context.Context) <-chan Event {
	s := &subscriber{ch: make(chan Event, 1)}
	c.mu.Lock()
	c.subs[s] = struct{}{}
	c.mu.Unlock()
	go func() {
		<-ctx.Done()
		c.mu.Lock()
		delete(c.subs, s)
		c.mu.Unlock()
	}()
	return s.ch
}

// changed bumps the version and tells every subscriber; c.mu is held.
func (c *Case) changed(kind EventKind) {
	c.version++
	ev := Event{Version: c.version, Kind: kind}
	for s := range c.subs {
		select {
		case <-s.ch: // drop the unread older event
		default:
		}
		select {
		case s.ch <- ev:
		default:
		}
	}
}

// Version is the number of changes so far.
func (c *Case) Version() uint64 {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.version
}

// Target is the terminal the case is on ("" before a connection).
func (c *Case) Target() string {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.sess == nil {
		return ""
	}
	return c.target
}

// Amount is the test payment's amount in minor units.
func (c *Case) Amount() int64 { return c.amount }

// say sets the case's message, shown on every view in its own language.
func (c *Case) say(isErr bool, key string, args ...any) {
	c.seq++
	c.caseNote = note{key: key, args: args, err: isErr, seq: c.seq}
}

// newCase forgets everything that belongs to the terminal the case was on:
// results, identity, trace, symptom, diagnosis, proposed checks, wizard.
// keepInput keeps the symptom (the technician chose to, with one key).
// c.mu is held.
func (c *Case) newCase(keepInput bool) {
	if !keepInput {
		c.input, c.haveInput = model.Input{}, false
	}
	c.results = map[model.CheckID]checks.Result{}
	c.identity = terminal.Status{}
	c.frames = nil
	c.diagnosis = model.Diagnosis{}
	c.notices = nil
	c.solved = nil
	c.board.reset()
	c.board.proposed, c.board.lastRun = nil, nil
	*c.steps = *newWizState()
}

// record writes a case event to the session journal (in the caller's
// goroutine: from a tea.Cmd or a goroutine of the remote package, never
// from Update). Events before the connection wait for it.
func (c *Case) record(kind string, fields map[string]string) error {
	c.mu.Lock()
	s := c.sess
	if s == nil {
		c.share.pending = append(c.share.pending, journalEntry{kind, fields})
		c.mu.Unlock()
		return nil
	}
	pend := c.share.pending
	c.share.pending = nil
	c.mu.Unlock()
	for _, p := range pend {
		if err := s.Record(p.kind, p.fields); err != nil {
			return err
		}
	}
	return s.Record(kind, fields)
}

type journalEntry struct {
	kind   string
	fields map[string]string
}

// note is a message for the status line, kept as a key and its arguments
// so that every view renders it in its own language. raw is a text that is
// shown as is (already in the view's language). args of type tkey are
// message keys themselves.
type note struct {
	key  string
	args []any
	raw  string
	err  bool
	seq  uint64
}

// tkey is a message key used as an argument of another message.
type tkey string

// errArg is an error as an argument: each view says it in plain words in
// its own language.
type errArg struct{ err error }

func (n note) empty() bool { return n.key == "" && n.raw == "" }

// Render is the note in lang.
func (m *Model) renderNote(n note) string {
	if n.raw != "" || n.key == "" {
		return n.raw
	}
	args := make([]any, len(n.args))
	for i, a := range n.args {
		switch x := a.(type) {
		case tkey:
			a = m.T(string(x))
		case errArg:
			a = m.plain(x.err)
		}
		args[i] = a
	}
	if len(args) == 0 {
		return m.T(n.key)
	}
	return m.F(n.key, args...)
}

// Symptom is the case's symptom ("" when none was chosen).
func (c *Case) Symptom() model.SymptomID {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.input.Symptom
}

// Front is the name of the screen in front of the technician.
func (c *Case) Front() string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return screenNames[c.front]
}
