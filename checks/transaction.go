package checks

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/posdoctor/posdoctor/internal/testhook"
	"github.com/posdoctor/posdoctor/model"
	"github.com/posdoctor/posdoctor/terminal"
)

// Money event texts (Event.Text of a MoneyEvent).
const (
	MoneyIntent     = "intent"
	MoneyApproved   = "approved"
	MoneyDeclined   = "declined"
	MoneyReversed   = "reversed"
	MoneyUnknown    = "unknown"
	MoneyUnresolved = "unresolved"
	MoneyNotBooked  = "not_booked"
)

// Closed states of a test payment (txn_closed Text, Recovered.State).
const (
	TxnReversed        = "reversed"         // approved, then reversed
	TxnDeclined        = "declined"         // never approved
	TxnNotBooked       = "not_booked"       // outcome was unknown; the terminal has no approved payment for it
	TxnAlreadyReversed = "already_reversed" // the terminal had already reversed it (auto-reversal)
	TxnNotSent         = "not_sent"         // the Authorization never reached the terminal
	TxnUnresolved      = "unresolved"       // still open: the operator must act
	TxnPending         = "pending"          // open in a journal for another terminal
)

func (r *run) money(text string) {
	r.e.publish(Event{Kind: MoneyEvent, Check: model.CheckTransaction, Text: text})
}

func formatAmount(amount int64, currency int) string { return formatAmounts(amount, currency).En }

// formatAmounts is formatAmount in both languages.
func formatAmounts(amount int64, currency int) model.Text {
	return txf("%d.%02d (currency %03d)", "%d.%02d（币种 %03d）", amount/100, amount%100, currency)
}

func (r *run) transaction(ctx context.Context) Result {
	e := r.e
	if e.j == nil {
		return Result{Status: model.StatusError, Text: tx("no session journal: a test payment is only sent with a journal (check journal_dir)",
			"没有会话日志：只有写日志时才会发起测试交易（请检查 journal_dir）")}
	}
	amount, cur := r.opts.Amount, e.cfg.Currency
	// Base 36 keeps the reference short and never a 13-digit run.
	ref := e.j.SessionID() + "-" + strconv.FormatInt(time.Now().UnixNano(), 36)
	ev := map[string]string{"amount": strconv.FormatInt(amount, 10), "currency": strconv.Itoa(cur), "txn_ref": ref}
	if r.opts.KnownGoodCard {
		setFact(ev, model.FactKnownGoodCard, "true")
	}
	base := Entry{Target: r.opts.Target, Name: r.opts.Name, TID: r.tid(), TxnRef: ref, Amount: amount, Currency: cur}
	rec := func(kind EntryKind, mod func(*Entry)) error { return recordEntry(e.j, base, kind, mod) }
	// Safety: the intent is on disk before the Authorization is sent.
	if err := rec(EntryTxnIntent, nil); err != nil {
		return Result{Status: model.StatusError, Evidence: ev, Text: cat(tx("could not write the payment intent to the journal, so no payment was sent: ",
			"无法把交易意向写入日志，因此没有发起交易："), same(err.Error()))}
	}
	if err := r.ready(ctx); err != nil {
		_ = rec(EntryTxnClosed, func(en *Entry) { en.Text = TxnNotSent })
		return Result{Status: model.StatusError, Evidence: ev, Text: cat(readyErrText(err), tx("; no payment was sent", "；没有发起交易"))}
	}
	r.money(MoneyIntent)
	amt := formatAmounts(amount, cur)
	e.progress(model.CheckTransaction, model.Text{En: "test payment of " + amt.En + ": present the card at the terminal", Zh: "测试交易 " + amt.Zh + "：请在终端上出示卡片"})

	t := e.cfg.Timeouts.Transaction
	actx, cancel := context.WithTimeout(ctx, t)
	p, err := e.d.Authorize(actx, amount)
	cancel()
	if err != nil {
		silenceEvidence(ev, err)
		if errors.Is(err, terminal.ErrNoAnswer) || errors.Is(err, terminal.ErrRejected) || errors.Is(err, terminal.ErrNotProtocol) {
			// Nothing was committed at the terminal.
			_ = rec(EntryTxnClosed, func(en *Entry) { en.Text = TxnNotSent })
			r.money(MoneyNotBooked)
			text := describeErr(opAuthorization, err, t)
			if terminal.SilenceOf(err) != terminal.SilenceNotAccepted {
				text = cat(text, tx("; no payment was made", "；没有产生交易")) // the silence words say so already
			}
			return Result{Status: errStatus(err), Evidence: ev, Text: text}
		}
		// The outcome is unknown: resolve it with Repeat Receipt and Reversal.
		// The journal keeps the driver's own words; the user reads ours.
		_ = rec(EntryTxnUnknown, func(en *Entry) { en.Text = ScrubString(err.Error()) })
		r.money(MoneyUnknown)
		e.progress(model.CheckTransaction, tx("the payment's outcome was not heard: asking the terminal for its last receipt", "没有收到交易结果：正在向终端查询最后一笔凭条"))
		state, text := r.resolve(ctx, base)
		ev["resolution"] = state
		heard, ok := silenceText(opAuthorization, err)
		if !ok {
			heard = cat(opAuthorization, tx(": the terminal accepted the command, but its result never came", "：终端接受了命令，但结果一直没有传回来"))
		}
		sum := cat(heard, tx("; the outcome of the test payment was unknown: ", "；测试交易的结果未知："), text)
		return Result{Status: model.StatusFail, Evidence: ev, Text: sum}
	}
	p.Currency = cur
	_ = rec(EntryTxnResult, func(en *Entry) { en.Payment = &p })
	resultEvidence(ev, p.Result)
	if !p.PAN.IsZero() {
		ev["pan"] = p.PAN.String()
	}
	if p.Technology != "" {
		setFact(ev, model.FactTechnology, string(p.Technology))
	}
	if p.Receipt != 0 {
		ev["receipt"] = strconv.Itoa(p.Receipt)
	}
	codes := r.resultCodes(p.Result)
	if !p.Approved {
		_ = rec(EntryTxnClosed, func(en *Entry) { en.Text = TxnDeclined })
		r.money(MoneyDeclined)
		return Result{Status: model.StatusFail, Evidence: ev, Codes: codes, Text: cat(tx("the test payment was declined with ", "测试交易被拒绝，"), resultTexts(p.Result))}
	}
	r.money(MoneyApproved)
	testhook.RunAfterApproval(ctx) // nil outside tests
	state, text := r.reverse(ctx, base, p)
	ev["resolution"] = state
	if state != TxnReversed {
		return Result{Status: model.StatusFail, Evidence: ev, Codes: codes, Text: cat(tx("the test payment was approved but ", "测试交易已批准，但"), text)}
	}
	return Result{Status: model.StatusOK, Evidence: ev, Codes: codes,
		Text: model.Text{En: fmt.Sprintf("test payment of %s approved (receipt %d) and reversed", amt.En, p.Receipt),
			Zh: fmt.Sprintf("测试交易 %s已批准（凭条号 %d）并已冲正", amt.Zh, p.Receipt)}}
}

// recordEntry journals one step of a payment: base with its kind set, then
// changed by mod (nil for none).
func recordEntry(j *Journal, base Entry, kind EntryKind, mod func(*Entry)) error {
	en := base
	en.Kind = kind
	if mod != nil {
		mod(&en)
	}
	return j.Record(en)
}

// resolveTimeout bounds each resolution command, even after a cancel.
const resolveTimeout = 60 * time.Second

// reverse reverses an approved payment and journals it; on an unknown
// outcome it resolves through Repeat Receipt.
func (r *run) reverse(ctx context.Context, base Entry, p terminal.Payment) (string, model.Text) {
	return reverseWith(ctx, r.e.d, r.e.j, base, p, r.money, r.e.cfg.Timeouts.Transaction)
}

// resolve finds out, after an unknown outcome, whether the terminal booked
// the payment, and reverses it if so.
func (r *run) resolve(ctx context.Context, base Entry) (string, model.Text) {
	return resolveWith(ctx, r.e.d, r.e.j, base, r.money, r.e.cfg.Timeouts.Transaction, 0)
}

// noMoney is the money-event sink of recovery, which runs before any engine.
func noMoney(string) {}

func reverseWith(ctx context.Context, d terminal.Driver, j *Journal, base Entry, p terminal.Payment, money func(string), t time.Duration) (string, model.Text) {
	rec := func(kind EntryKind, mod func(*Entry)) { _ = recordEntry(j, base, kind, mod) }
	pp := p
	rec(EntryReversalIntent, func(en *Entry) { en.Payment = &pp })
	// The reversal runs even when the caller canceled: money comes first.
	rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), min(t, resolveTimeout))
	rv, err := d.Reverse(rctx, p.Receipt, base.Amount)
	cancel()
	if err == nil {
		rec(EntryReversalResult, func(en *Entry) { en.Payment = &rv })
		if rv.Approved {
			rec(EntryTxnClosed, func(en *Entry) { en.Text = TxnReversed })
			money(MoneyReversed)
			return TxnReversed, tx("reversed", "已冲正")
		}
		if rv.Result.Code == 0xB4 { // already reversed
			rec(EntryTxnClosed, func(en *Entry) { en.Text = TxnAlreadyReversed })
			money(MoneyReversed)
			return TxnAlreadyReversed, tx("the terminal had already reversed it", "终端此前已将其冲正")
		}
		instr := unresolvedText(base, p.Receipt, cat(tx("the terminal refused the reversal with ", "终端拒绝冲正，"), resultTexts(rv.Result)))
		rec(EntryTxnUnresolved, func(en *Entry) { en.Text = instr.En })
		money(MoneyUnresolved)
		return TxnUnresolved, instr
	}
	if errors.Is(err, terminal.ErrNoAnswer) || errors.Is(err, terminal.ErrRejected) {
		// The reversal was not taken; register again and retry once.
		time.Sleep(200 * time.Millisecond)
		rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), min(t, resolveTimeout))
		_, _ = d.Register(rctx)
		rv, err2 := d.Reverse(rctx, p.Receipt, base.Amount)
		cancel()
		if err2 == nil && rv.Approved {
			rec(EntryReversalResult, func(en *Entry) { en.Payment = &rv })
			rec(EntryTxnClosed, func(en *Entry) { en.Text = TxnReversed })
			money(MoneyReversed)
			return TxnReversed, tx("reversed", "已冲正")
		}
		if err2 != nil {
			err = err2
		}
	}
	// The reversal's outcome is unknown: ask the terminal.
	rec(EntryTxnUnknown, func(en *Entry) { en.Text = "reversal: " + ScrubString(err.Error()) })
	return resolveWith(ctx, d, j, base, money, t, p.Receipt)
}

// resolveWith asks the terminal for its last transaction and reverses it if
// it is the approved test payment. known is the payment's receipt when it
// was heard (0 if not), for the operator's instructions.
func resolveWith(ctx context.Context, d terminal.Driver, j *Journal, base Entry, money func(string), t time.Duration, known int) (string, model.Text) {
	rec := func(kind EntryKind, mod func(*Entry)) { _ = recordEntry(j, base, kind, mod) }
	var last terminal.Payment
	var err error
	for attempt := 0; attempt < 2; attempt++ {
		// The link may have been reopened: register first (best effort).
		rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), min(t, resolveTimeout))
		_, _ = d.Register(rctx)
		last, err = d.RepeatReceipt(rctx)
		cancel()
		if err == nil {
			break
		}
		time.Sleep(200 * time.Millisecond)
	}
	if err != nil {
		why := describeErr(tx("Repeat Receipt", "重打凭条"), err, min(t, resolveTimeout))
		instr := unresolvedText(base, known, cat(tx("it could not be checked: ", "无法核实："), why))
		rec(EntryTxnUnresolved, func(en *Entry) { en.Text = instr.En })
		money(MoneyUnresolved)
		return TxnUnresolved, instr
	}
	lp := last
	rec(EntryTxnResult, func(en *Entry) { en.Payment = &lp; en.Text = "repeat_receipt" })
	if !last.Approved || last.Amount != base.Amount || last.Receipt == 0 {
		rec(EntryTxnClosed, func(en *Entry) { en.Text = TxnNotBooked })
		money(MoneyNotBooked)
		return TxnNotBooked, tx("the terminal's last receipt shows no approved test payment, so nothing was charged", "终端最后一笔凭条里没有已批准的测试交易，没有产生扣款")
	}
	// The terminal booked it: reverse it (a second unknown ends as unresolved).
	rec(EntryReversalIntent, func(en *Entry) { en.Payment = &lp })
	rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), min(t, resolveTimeout))
	rv, err := d.Reverse(rctx, last.Receipt, base.Amount)
	cancel()
	switch {
	case err == nil && rv.Approved:
		rec(EntryReversalResult, func(en *Entry) { en.Payment = &rv })
		rec(EntryTxnClosed, func(en *Entry) { en.Text = TxnReversed })
		money(MoneyReversed)
		return TxnReversed, txf("the terminal had booked it (receipt %d); it is now reversed", "终端已记账（凭条号 %d），现已冲正", last.Receipt)
	case err == nil && rv.Result.Code == 0xB4:
		rec(EntryReversalResult, func(en *Entry) { en.Payment = &rv })
		rec(EntryTxnClosed, func(en *Entry) { en.Text = TxnAlreadyReversed })
		money(MoneyReversed)
		return TxnAlreadyReversed, txf("the terminal had already reversed it (receipt %d)", "终端此前已将其冲正（凭条号 %d）", last.Receipt)
	}
	var detail model.Text
	if err != nil {
		detail = describeErr(tx("reversal", "冲正"), err, min(t, resolveTimeout))
	} else {
		detail = resultTexts(rv.Result)
	}
	why := model.Text{En: "the reversal did not go through (" + detail.En + ")", Zh: "冲正没有成功（" + detail.Zh + "）"}
	instr := unresolvedText(base, last.Receipt, why)
	rec(EntryTxnUnresolved, func(en *Entry) { en.Text = instr.En })
	money(MoneyUnresolved)
	return TxnUnresolved, instr
}

// unresolvedText tells the operator exactly what to do with a payment that
// is still open.
func unresolvedText(base Entry, receipt int, why model.Text) model.Text {
	rc := tx("the last receipt", "最后一笔交易")
	if receipt != 0 {
		rc = txf("receipt %d", "凭条号 %d 的交易", receipt)
	}
	amt := formatAmounts(base.Amount, base.Currency)
	return model.Text{
		En: fmt.Sprintf("test payment %s of %s on %s may still be booked: %s. Reverse %s on the terminal's menu (Storno/撤销), or run posdoctor check --target %s again to retry; the journal keeps it open until then",
			base.TxnRef, amt.En, base.Target, why.En, rc.En, base.Target),
		Zh: fmt.Sprintf("终端 %s 上的测试交易 %s，金额 %s，可能仍已记账：%s。请在终端菜单中撤销%s（Storno/撤销），或再次运行 posdoctor check --target %s 重试；在此之前日志会一直保留这笔未了结的交易",
			base.Target, base.TxnRef, amt.Zh, why.Zh, rc.Zh, base.Target),
	}
}
