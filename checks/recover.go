package checks

import (
	"context"
	"fmt"
	"path/filepath"
	"time"

	"github.com/posdoctor/posdoctor/model"
	"github.com/posdoctor/posdoctor/terminal"
)

// Recovered is a test payment from an earlier session that was still open
// at start-up, and what became of it.
type Recovered struct {
	Session  string `json:"session_id"`
	Journal  string `json:"journal"`
	TxnRef   string `json:"txn_ref"`
	Target   string `json:"target"`
	TID      string `json:"tid,omitempty"`
	Amount   int64  `json:"amount"`
	Currency int    `json:"currency"`
	Receipt  int    `json:"receipt,omitempty"`
	// State is TxnReversed, TxnAlreadyReversed, TxnNotBooked, TxnUnresolved
	// or TxnPending (open for another terminal: not touched).
	State string `json:"state"`
	// Text says what happened, or exactly what the operator must do.
	Text string `json:"text"`
	// TextZh is Text in Chinese, for the console (not in the JSON).
	TextZh string `json:"-"`
	// Live is set when the payment's session is still running (another
	// posdoctor has its journal open): nobody else may touch it.
	Live bool `json:"live,omitempty"`
}

// openTxn is a payment folded from journal entries.
type openTxn struct {
	base     Entry
	approved *terminal.Payment
	closed   bool
	journal  string
	session  string
	live     bool // its session is still running: never touch it
}

// OpenPayments returns the test payments in dir's journals that have an
// intent but are not closed, oldest first. It reads the open-payment index
// (openindex.go), not the journals.
func OpenPayments(dir string) ([]Recovered, error) {
	txns, err := openIndex(dir)
	if err != nil {
		return nil, err
	}
	var out []Recovered
	for _, t := range txns {
		out = append(out, t.recovered(TxnPending, model.Text{}))
	}
	return out, nil
}

// foldOpen reads every journal in dir and returns the open payments: what
// the index is built from, once per journal dir.
func foldOpen(dir string) ([]*openTxn, error) {
	files, err := ListSessions(dir)
	if err != nil {
		return nil, err
	}
	var order []*openTxn
	for i := len(files) - 1; i >= 0; i-- { // oldest first
		live := journalInUse(files[i])
		s, err := ReadSession(files[i])
		if err != nil {
			// A damaged journal must not hide the others; the entries read so far count.
			if len(s.Entries) == 0 {
				continue
			}
		}
		byRef := map[string]*openTxn{}
		for _, e := range s.Entries {
			if e.TxnRef == "" {
				continue
			}
			t := byRef[e.TxnRef]
			if t == nil {
				if e.Kind != EntryTxnIntent {
					continue
				}
				t = &openTxn{base: e, journal: files[i], session: s.ID, live: live}
				byRef[e.TxnRef] = t
				order = append(order, t)
			}
			switch e.Kind {
			case EntryTxnResult:
				if e.Payment != nil && e.Payment.Approved && e.Payment.Receipt != 0 && e.Payment.Amount == t.base.Amount {
					p := *e.Payment
					t.approved = &p
				}
			case EntryTxnClosed:
				t.closed = true
			}
		}
	}
	var open []*openTxn
	for _, t := range order {
		if !t.closed {
			open = append(open, t)
		}
	}
	return open, nil
}

func (t *openTxn) recovered(state string, text model.Text) Recovered {
	r := Recovered{Session: t.session, Journal: t.journal, TxnRef: t.base.TxnRef, Target: t.base.Target, TID: t.base.TID,
		Amount: t.base.Amount, Currency: t.base.Currency, State: state}
	if t.approved != nil {
		r.Receipt = t.approved.Receipt
	}
	r.Live = t.live
	switch {
	case text.En != "":
	case t.live:
		amt := formatAmounts(t.base.Amount, t.base.Currency)
		text = model.Text{
			En: fmt.Sprintf("test payment %s of %s on %s belongs to a posdoctor that is still running (session %s): left alone", t.base.TxnRef, amt.En, t.base.Target, t.session),
			Zh: fmt.Sprintf("终端 %s 上的测试交易 %s，金额 %s，属于一个仍在运行的 posdoctor（会话 %s）：不做处理", t.base.Target, t.base.TxnRef, amt.Zh, t.session),
		}
	default:
		text = unresolvedText(t.base, r.Receipt, txf("it is still open in the journal of session %s", "它在会话 %s 的日志中仍未了结", t.session))
	}
	r.Text, r.TextZh = text.En, text.Zh
	return r
}

// Recover resolves the open test payments that earlier sessions in dir left
// for the terminal d is connected to (same target, or same TID when tid is
// known): an approved payment is reversed, an unknown one is looked up with
// Repeat Receipt first. The outcome is appended to the journal the payment
// came from. Open payments for other terminals come back with state
// TxnPending and the instructions, untouched. Call it at start-up before any
// check.
func Recover(ctx context.Context, d terminal.Driver, dir string) ([]Recovered, error) {
	return RecoverFor(ctx, d, dir, "")
}

// RecoverFor is Recover that also matches payments by terminal id.
func RecoverFor(ctx context.Context, d terminal.Driver, dir, tid string) ([]Recovered, error) {
	txns, err := openIndex(dir)
	if err != nil {
		return nil, fmt.Errorf("recover: %w", err)
	}
	target := d.Info().Target
	var out []Recovered
	for _, t := range txns {
		mine := t.base.Target == target || tid != "" && t.base.TID == tid
		if t.live || !mine {
			out = append(out, t.recovered(TxnPending, model.Text{}))
			continue
		}
		if !confirmOpen(dir, t) {
			continue // closed in its journal: the marker outlived a crash
		}
		j, err := OpenJournal(filepath.Dir(t.journal), t.session)
		if err != nil {
			out = append(out, t.recovered(TxnUnresolved, model.Text{}))
			continue
		}
		base := t.base
		base.Text = "recovered"
		var state string
		var text model.Text
		tm := 90 * time.Second
		rctx, cancel := context.WithTimeout(ctx, 30*time.Second)
		_, _ = d.Register(rctx) // a fresh link: the terminal expects Registration first
		cancel()
		if t.approved != nil {
			state, text = reverseWith(ctx, d, j, base, *t.approved, noMoney, tm)
		} else {
			state, text = resolveWith(ctx, d, j, base, noMoney, tm, 0)
		}
		_ = j.Close()
		if state == TxnReversed || state == TxnAlreadyReversed || state == TxnNotBooked {
			amt := formatAmounts(t.base.Amount, t.base.Currency)
			text = model.Text{
				En: fmt.Sprintf("test payment %s of %s from session %s: %s", t.base.TxnRef, amt.En, t.session, text.En),
				Zh: fmt.Sprintf("会话 %s 的测试交易 %s，金额 %s：%s", t.session, t.base.TxnRef, amt.Zh, text.Zh),
			}
		}
		out = append(out, t.recovered(state, text))
	}
	return out, nil
}
