package ui

import (
	"slices"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
)

// caseMsg is an event of the shared case, for this view.
type caseMsg struct{ ev Event }

// deskMsg is a key of the co-pilot in control, for the technician's view.
type deskMsg struct{ rk remoteKey }

// listenCase waits for the case's next event (until the view closes).
func (m *Model) listenCase() tea.Cmd {
	ch, done := m.caseCh, m.ctx.Done()
	if ch == nil {
		return nil
	}
	return func() tea.Msg {
		select {
		case ev := <-ch:
			return caseMsg{ev: ev}
		case <-done:
			return nil
		}
	}
}

// listenDesk waits for the co-pilot's next key.
func (m *Model) listenDesk() tea.Cmd {
	ch, done := m.deskCh, m.ctx.Done()
	if ch == nil {
		return nil
	}
	return func() tea.Msg {
		select {
		case rk := <-ch:
			return deskMsg{rk: rk}
		case <-done:
			return nil
		}
	}
}

// onCase re-renders after a change by another view: a viewer follows the
// technician's screen; the technician's view asks about control requests.
func (m *Model) onCase(msg caseMsg) tea.Cmd {
	m.resize() // the watchers line comes and goes
	if m.who.Remote {
		if m.active != m.front && m.overlay != ovHelp {
			m.active = m.front
		}
		if m.active == scrTrace {
			m.trace.refresh()
		}
	} else if len(m.share.requests) > 0 && m.overlay == ovNone {
		m.overlay = ovControlReq
	}
	if msg.ev.Kind == EvEnded && m.who.Remote {
		return tea.Batch(m.listenCase(), m.startTickingIfBusy())
	}
	return tea.Batch(m.listenCase(), m.startTickingIfBusy())
}

// startTickingIfBusy starts this view's spinner while the case works.
func (m *Model) startTickingIfBusy() tea.Cmd {
	if !m.Busy() {
		return nil
	}
	return m.startTicking()
}

// viewerLocalKeys are the keys a viewer handles in its own view: help,
// language, theme, leaving, asking for control. Every other key of a
// viewer in control goes to the technician's view.
var viewerLocalKeys = []string{"?", "f1", "L", "T", "q", "ctrl+c", "R"}

// viewerKey handles a key of a remote viewer's own keyboard.
func (m *Model) viewerKey(k string, msg tea.KeyPressMsg) (tea.Cmd, bool) {
	if !m.who.Remote {
		return nil, false
	}
	if m.overlay == ovHelp || slices.Contains(viewerLocalKeys, k) {
		if k == "R" {
			e, ok := m.Case.requestControl(m.who.ID)
			if ok {
				m.setToast(m.T("share.asked"), false)
				return m.recordCmd(e), true
			}
			return nil, true
		}
		return nil, false // the view's own handling
	}
	if m.share.control == m.who.ID {
		select {
		case m.Case.inputs() <- remoteKey{by: m.who, key: msg}:
		default:
			m.setToast(m.T("share.toofast"), true)
		}
		return nil, true
	}
	m.setToast(m.T("share.readonly"), true)
	return nil, true
}

// onRemoteKey turns a co-pilot's key into the same command as the
// technician's own key, in the technician's view. It refuses what only
// the technician may do: quit, switch the technician's language or theme,
// connect elsewhere, confirm a test payment.
func (m *Model) onRemoteKey(rk remoteKey) tea.Cmd {
	if m.share.control != rk.by.ID {
		return nil // control was taken back
	}
	k := rk.key.String()
	if slices.Contains(viewerLocalKeys, k) || k == "ctrl+t" {
		return nil
	}
	screen := m.Screen()
	m.fromDesk = &rk.by
	defer func() { m.fromDesk = nil }()
	cmd := m.handleKey(rk.key)
	return tea.Batch(cmd, m.remoteActionCmd(rk.by, k, screen))
}

// requestControl is RequestControl with c.mu held; it returns the entry
// to journal.
func (c *Case) requestControl(id string) (journalEntry, bool) {
	v, ok := c.viewer(id)
	if !ok || c.share.control == id || slices.Contains(c.share.requests, id) {
		return journalEntry{}, false
	}
	c.share.requests = append(c.share.requests, id)
	c.changed(EvControl)
	return journalEntry{RecControlAsk, map[string]string{"viewer": v.Name, "id": id}}, true
}

// shareKeys are the sharing keys the help lists: for a viewer, asking for
// control; at the technician's keyboard, sharing (when this front end can)
// and taking control back whenever someone may hold it (a share, or
// watchers of a serve --ssh console). c.mu is held (View).
func (m *Model) shareKeys() []key.Binding {
	if m.who.Remote {
		return []key.Binding{m.bind("R", "key.askcontrol", "R")}
	}
	var out []key.Binding
	if m.opts.Share != nil {
		out = append(out, m.bind("S", "key.share", "S"))
	}
	if m.opts.Share != nil || m.Case.share.sharing || len(m.Case.share.viewers) > 0 {
		out = append(out, m.bind("ctrl+t", "key.takeback", "ctrl+t"))
	}
	return out
}

// fromRemote reports whether the key being handled came from a co-pilot.
func (m *Model) fromRemote() bool { return m.fromDesk != nil }

// controlKey handles the technician's answer to a control request and the
// take-back key (ctrl+t, in every screen and field).
func (m *Model) controlKey(k string) (tea.Cmd, bool) {
	if m.who.Remote || m.fromRemote() {
		return nil, false
	}
	if k == "ctrl+t" {
		if e, ok := m.Case.revoke(); ok {
			m.setToast(m.T("share.tookback"), false)
			return m.recordCmd(e), true
		}
		return nil, true
	}
	if m.overlay != ovControlReq {
		return nil, false
	}
	switch k {
	case "y", "Y", "n", "N", "esc":
		e, ok := m.Case.answerRequest(k == "y" || k == "Y")
		if len(m.share.requests) == 0 {
			m.overlay = ovNone
		}
		if ok {
			return m.recordCmd(e), true
		}
	}
	return nil, true
}
