package ui

import (
	"strings"

	"charm.land/lipgloss/v2"

	"github.com/posdoctor/posdoctor/model"
	"github.com/posdoctor/posdoctor/ui/theme"
)

func statusStyle(th theme.Theme, s model.Status) lipgloss.Style {
	switch s {
	case model.StatusOK:
		return th.OK
	case model.StatusWarn:
		return th.Warn
	case model.StatusFail, model.StatusError:
		return th.Fail
	}
	return th.Skip
}

// confirmTxnView states the amount and that it will be reversed at once.
func (m *Model) confirmTxnView() string {
	amt := formatAmount(m.opts.Amount, m.opts.Currency)
	w := min(64, m.w-8)
	var b strings.Builder
	b.WriteString(m.th.Title.Render(m.T("txn.title")) + "\n\n")
	b.WriteString(wrap(m.F("txn.body", amt), w-4) + "\n\n")
	b.WriteString(wrap(m.T("txn.card"), w-4) + "\n\n")
	b.WriteString(m.th.Key.Render("y") + " " + m.T("txn.yes") + "    " +
		m.th.Key.Render("n") + " " + m.T("txn.no") + "    " +
		m.th.Key.Render("esc") + " " + m.T("key.cancel"))
	return m.th.Box.Width(w).Render(b.String())
}

func (m *Model) exportView() string {
	w := min(60, m.w-8)
	var b strings.Builder
	b.WriteString(m.th.Title.Render(m.T("export.title")) + "\n\n")
	b.WriteString(wrap(m.T("export.body"), w-4) + "\n\n")
	b.WriteString(m.th.Key.Render("m") + " Markdown    " + m.th.Key.Render("h") + " HTML    " +
		m.th.Key.Render("esc") + " " + m.T("key.cancel"))
	return m.th.Box.Width(w).Render(b.String())
}

// noticeView shows what the operator must know before going on, e.g. a test
// payment of an earlier session that was resolved on connecting.
func (m *Model) noticeView() string {
	w := min(76, m.w-4)
	var b strings.Builder
	b.WriteString(m.th.Error.Render(m.T("notice.title")) + "\n\n")
	for _, n := range m.notices {
		b.WriteString(wrap("- "+n.In(m.lang), w-4) + "\n")
	}
	b.WriteString("\n" + m.th.Key.Render("enter") + " " + m.T("key.understood"))
	return m.th.Box.Width(w).Render(b.String())
}
