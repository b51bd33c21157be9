package ui

import (
	"fmt"
	"strings"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/posdoctor/posdoctor/checks"
	"github.com/posdoctor/posdoctor/model"
)

// Quitting while a test payment is in flight (DESIGN.md §Safety): the
// console cancels the run, the engine finishes the payment (it reverses an
// approved one even after a cancel), the console says so and only then
// exits. A second ctrl+c leaves at once and says what stays open.

// moneyOpen are the money states after which a payment is not closed yet.
var moneyOpen = map[string]bool{checks.MoneyIntent: true, checks.MoneyApproved: true, checks.MoneyUnknown: true}

// paymentInFlight reports whether a run holds a test payment that was sent
// and is not closed yet.
func (m *Model) paymentInFlight() bool {
	return m.running && moneyOpen[m.moneyState]
}

// interruptMsg is a ctrl+c that came as a signal (SIGINT, SIGTERM) rather
// than as a key.
type interruptMsg struct{}

// Filter is the program's message filter (tea.WithFilter): a SIGINT or
// SIGTERM becomes the same request as ctrl+c, so a payment in flight is
// finished first. Only the console's own quit ends the program.
func (m *Model) Filter(_ tea.Model, msg tea.Msg) tea.Msg {
	switch msg.(type) {
	case tea.InterruptMsg:
		return interruptMsg{}
	case tea.QuitMsg:
		if !m.quitting {
			return interruptMsg{}
		}
	}
	return msg
}

// quit ends the console, after a test payment in flight is finished.
func (m *Model) quit() tea.Cmd {
	if m.who.Remote { // a viewer leaves; the case goes on
		m.quitting = true
		return tea.Quit
	}
	switch {
	case m.stopping:
		// The operator does not wait: leave now and say what stays open.
		m.exitNote = m.F("stop.forced", m.amount())
		return m.leave()
	case m.paymentInFlight():
		m.stopping, m.stopSince = true, m.now()
		m.overlay = ovStopping
		if m.cancelRun != nil {
			m.cancelRun()
		}
		return m.startTicking()
	}
	return m.leave()
}

// leave cancels what runs and ends the program.
func (m *Model) leave() tea.Cmd {
	if m.cancelRun != nil {
		m.cancelRun()
	}
	if m.cancelConn != nil {
		m.cancelConn()
	}
	m.quitting = true
	return tea.Quit
}

// closedAs maps how the transaction check closed the payment (its
// "resolution" evidence, or the money event) to what the console says.
var closedAs = map[string]string{
	checks.TxnReversed: "stop.reversed", checks.TxnAlreadyReversed: "stop.reversed", // = MoneyReversed
	checks.TxnDeclined: "stop.nomoney", checks.TxnNotBooked: "stop.nomoney", checks.TxnNotSent: "stop.nomoney", // = MoneyDeclined, MoneyNotBooked
}

// stopped is called when the run ends while the console is stopping: it
// says how the payment ended and exits. The transaction's result says it
// (the money events may come after the run's end).
func (m *Model) stopped(results []checks.Result) tea.Cmd {
	state, what := m.moneyState, ""
	for _, r := range results {
		if r.ID != model.CheckTransaction {
			continue
		}
		what = m.plainText(r.SummaryIn(m.lang))
		if res := r.Evidence["resolution"]; res != "" {
			state = res
		} else if r.Status == model.StatusOK {
			state = checks.TxnReversed // approved and reversed
		}
	}
	if k, ok := closedAs[state]; ok {
		m.exitNote = m.F(k, m.amount())
	} else {
		m.exitNote = m.F("stop.open", m.amount(), what)
	}
	return m.leave()
}

// ExitNote is what the console says on the normal screen after it ended
// (the alternate screen is gone by then): how a test payment in flight
// ended, or what stays open. Empty when there is nothing to say.
func (m *Model) ExitNote() string { return m.exitNote }

func (m *Model) amount() string { return formatAmount(m.opts.Amount, m.opts.Currency) }

// stoppingView says what the console is doing before it exits.
func (m *Model) stoppingView() string {
	w := min(70, m.w-8)
	var b strings.Builder
	b.WriteString(m.th.Title.Render(m.spinner()+" "+m.T("stop.title")) + "\n\n")
	b.WriteString(wrap(m.F("stop.body", m.amount()), w-4) + "\n\n")
	el := m.now().Sub(m.stopSince).Round(time.Second)
	b.WriteString(m.th.Muted.Render(m.F("stop.elapsed", fmt.Sprintf("%ds", int(el.Seconds())))) + "\n\n")
	b.WriteString(wrap(m.T("stop.force"), w-4))
	return m.th.Box.Width(w).Render(b.String())
}
