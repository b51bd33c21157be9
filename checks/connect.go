package checks

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/posdoctor/posdoctor/terminal"
)

// Connect steps, in order, as Connect reports them to
// [ConnectOptions.Progress] (the console shows each one).
const (
	ConnectOpen     = "open"     // opening the link
	ConnectRegister = "register" // ZVT Registration
	ConnectStatus   = "status"   // Status Enquiry: the identity
	ConnectJournal  = "journal"  // the session journal
	ConnectRecover  = "recover"  // open test payments of earlier sessions
)

// ConnectOptions say how to start a session on one terminal.
type ConnectOptions struct {
	// Target is the terminal URL; Name its inventory name (journal labels).
	Target string
	Name   string
	// Config gives the password, currency, timeouts and journal dir.
	Config Config
	// Open connects to the target.
	Open Opener
	// Journal records the session. Nil: Connect opens a new session
	// journal in Config.JournalDir, records session_start with Purpose,
	// and [Conn.Close] closes it. A fleet sweep passes its one journal.
	Journal *Journal
	Purpose string
	// NoJournal starts a session without any journal (Journal stays nil):
	// nothing is recorded and the transaction check refuses to run. The
	// exporter's probes without a test payment use it, so a fleet scraped
	// every 15 s does not write a journal file per probe.
	NoJournal bool
	// RequireRegistration ends Connect with an error when the terminal
	// does not answer the Registration or refuses it (the console: there
	// is nothing to check without it). Without it the failure is kept for
	// the link check to report with its codes (check, fleet sweep).
	RequireRegistration bool
	// Recover resolves the open test payments that earlier sessions left
	// for this terminal (needs Config.JournalDir).
	Recover bool
	// ListOthers lists, in [Conn.StillOpen], the open payments of other
	// terminals too (one terminal's start: the operator must know). A
	// fleet sweep lists them once, in its summary.
	ListOthers bool
	// Progress receives each Connect* step as it starts; it must not block.
	Progress func(step string)
	// Now replaces time.Now (session ids).
	Now func() time.Time
}

// Conn is a session started by [Connect]: the connected driver, the check
// engine, what the terminal said on connecting and what became of the open
// test payments of earlier sessions. Every front end (console, check, fleet
// sweep, exporter, remote) starts its sessions through it.
type Conn struct {
	Driver  terminal.Driver
	Engine  *Engine
	Journal *Journal
	// Identity is what the terminal said on connecting (Status Enquiry,
	// with the Registration's TID when the status had none).
	Identity terminal.Status
	// Registration is the terminal's answer to the Registration, and
	// RegisterErr why there was none.
	Registration terminal.Registration
	RegisterErr  error
	// Recovered are the open payments of earlier sessions this start
	// worked on (reversed, found not booked, or still unresolved), and
	// StillOpen those it left alone (another terminal's, or held by a
	// posdoctor still running). Each txn_ref is in one of them once.
	Recovered []Recovered
	StillOpen []Recovered
	// RecoverErr says why the open payments could not be looked up.
	RecoverErr error

	target     string
	ownJournal bool
	start      *connectStart
}

// connectStart is what Connect learnt, for the first check run to reuse
// instead of asking the terminal again (see [Conn.prime]).
type connectStart struct {
	reg     terminal.Registration
	regErr  error // the driver's error (nil when the terminal refused)
	regTime time.Duration
	// registered: the terminal accepted the Registration.
	registered bool
	// status is the Status Enquiry's answer when haveStatus.
	status     terminal.Status
	haveStatus bool
	// regUsed and statusUsed: the run took them (each is used once).
	regUsed, statusUsed bool
}

// Connect starts a session on o.Target: open the link, register, ask the
// status (the identity), open the journal, resolve the open test payments
// earlier sessions left for this terminal, and list what is still open,
// each txn_ref once (DESIGN.md §Safety: before any check). It returns an
// error only when there is no session: the link did not open, the journal
// could not be opened, or (with RequireRegistration) the terminal did not
// register. The caller closes the Conn.
func Connect(ctx context.Context, o ConnectOptions) (*Conn, error) {
	cfg := o.Config
	cfg.fill()
	step := o.Progress
	if step == nil {
		step = func(string) {}
	}
	step(ConnectOpen)
	octx, cancel := context.WithTimeout(ctx, cfg.Timeouts.Connect)
	d, err := o.Open(octx, o.Target, cfg)
	cancel()
	if err != nil {
		_ = o.Journal.Record(Entry{Kind: EntryError, Target: o.Target, Name: o.Name, Text: ScrubString(err.Error())})
		return nil, err
	}
	c := &Conn{Driver: d, Journal: o.Journal, target: o.Target}
	st := c.handshake(ctx, cfg, step)
	if o.RequireRegistration && c.RegisterErr != nil {
		_ = d.Close()
		return nil, c.RegisterErr
	}
	step(ConnectJournal)
	if c.Journal == nil && !o.NoJournal {
		now := time.Now
		if o.Now != nil {
			now = o.Now
		}
		j, err := OpenSessionJournal(cfg, NewSessionID(now()))
		if err != nil {
			_ = d.Close()
			return nil, err
		}
		c.Journal, c.ownJournal = j, true
		_ = j.Record(Entry{Kind: EntrySessionStart, Target: o.Target, Name: o.Name, Text: o.Purpose})
	}
	c.Engine = NewEngine(d, cfg, c.Journal)
	c.start = st
	if o.Recover && cfg.JournalDir != "" {
		step(ConnectRecover)
		c.recover(ctx, cfg.JournalDir, o.ListOthers)
	}
	return c, nil
}

// handshake registers and asks the status, keeping both answers.
func (c *Conn) handshake(ctx context.Context, cfg Config, step func(string)) *connectStart {
	st := &connectStart{}
	step(ConnectRegister)
	rctx, cancel := context.WithTimeout(ctx, cfg.Timeouts.Command)
	t0 := time.Now()
	reg, err := c.Driver.Register(rctx)
	st.regTime = time.Since(t0)
	cancel()
	st.reg, st.regErr = reg, err
	c.Registration, c.RegisterErr = reg, err
	if err == nil && reg.Result.Code != 0 {
		c.RegisterErr = fmt.Errorf("the terminal refused the registration (code %02X %s): check the ZVT password in the config", reg.Result.Code, reg.Result.Text)
	}
	if c.RegisterErr != nil {
		return st
	}
	st.registered = true
	step(ConnectStatus)
	sctx, cancel := context.WithTimeout(ctx, cfg.Timeouts.Command)
	id, err := c.Driver.Status(sctx)
	cancel()
	if err == nil {
		id.TID, id.Model, id.Serial = ScrubString(id.TID), ScrubString(id.Model), ScrubString(id.Serial)
		st.status, st.haveStatus = id, true
	}
	if id.TID == "" {
		id.TID = reg.TID
	}
	c.Identity = id
	return st
}

// recover resolves this terminal's open payments and sorts every open one
// into Recovered or StillOpen, each txn_ref once; the session's own
// payments are not listed.
func (c *Conn) recover(ctx context.Context, dir string, others bool) {
	if c.RegisterErr != nil {
		// Nothing can be resolved without a registered link: list them.
		all, err := OpenPayments(dir)
		c.RecoverErr = err
		c.sortOpen(all, others)
		return
	}
	all, err := RecoverFor(ctx, c.Driver, dir, c.Identity.TID)
	if err != nil {
		c.RecoverErr = err
	}
	c.sortOpen(all, others)
}

func (c *Conn) sortOpen(all []Recovered, others bool) {
	seen := map[string]bool{}
	for _, r := range all {
		if r.Session == c.Journal.SessionID() || seen[r.TxnRef] {
			continue
		}
		seen[r.TxnRef] = true
		mine := r.Target == c.target || c.Identity.TID != "" && r.TID == c.Identity.TID
		switch {
		case r.State != TxnPending:
			c.Recovered = append(c.Recovered, r)
		case others || mine:
			c.StillOpen = append(c.StillOpen, r)
		}
	}
}

// prime hands what Connect learnt to the engine's next run, so a run that
// follows the connect at once (check, sweep) does not register and ask the
// status a second time. The console does not prime: its first run may come
// minutes later and must ask afresh.
func (c *Conn) prime() {
	if c.start != nil {
		c.Engine.prime(c.start)
		c.start = nil
	}
}

// Close ends the session: the link, and the journal when Connect opened it
// (with a session_end entry).
func (c *Conn) Close() error {
	if c == nil {
		return nil
	}
	err := c.Driver.Close()
	if c.ownJournal {
		_ = c.Journal.Record(Entry{Kind: EntrySessionEnd, Target: c.target})
		err = errors.Join(err, c.Journal.Close())
	}
	return err
}
