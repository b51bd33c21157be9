package ui

import (
	"fmt"
	"slices"
	"strings"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/posdoctor/posdoctor/model"
)

// Actor is who gives an input to the case: the technician at the keyboard
// (Remote false) or an SSH viewer.
type Actor struct {
	// ID is unique per viewer connection ("" for the technician).
	ID string
	// Name is what the technician's screen shows: the SSH user and, for a
	// key, its SHA256 fingerprint.
	Name string
	// Remote is true for an SSH viewer.
	Remote bool
}

// Viewer is someone watching the case over SSH.
type Viewer struct {
	Actor
	Lang  model.Lang
	Addr  string // the viewer's address as the SSH server saw it
	Since time.Time
}

// ShareInfo is what the technician's screen shows while the case is
// shared: where, the host key's fingerprint, the one-time join code.
type ShareInfo struct {
	Addr        string // e.g. ssh -p 2222 HOST, or the relay's port
	Fingerprint string // SHA256:...
	JoinCode    string // "" when none is open
	CodeExpires time.Time
}

// shareState is who watches the case and who may drive it.
type shareState struct {
	info     ShareInfo
	sharing  bool
	viewers  []Viewer
	control  string   // the viewer ID in control; "" is the technician
	requests []string // viewer IDs asking for control, oldest first
	pending  []journalEntry
	// inputs are the keys of the co-pilot in control, turned into the same
	// inputs as the technician's own keys in the technician's view.
	inputs chan remoteKey
}

// remoteKey is one key of a co-pilot for the technician's view.
type remoteKey struct {
	by  Actor
	key tea.KeyPressMsg
}

// Journal kinds of the sharing events (Session.Record).
const (
	RecShareStart   = "share_start"
	RecViewerJoin   = "viewer_join"
	RecViewerLeave  = "viewer_leave"
	RecControlAsk   = "control_request"
	RecControlGrant = "control_grant"
	RecControlDeny  = "control_refuse"
	RecControlTake  = "control_revoke"
	RecRemoteAction = "remote_action"
)

// maxRemoteKeys is how many co-pilot keys may wait for the technician's
// view; more are dropped (a paste of a long note arrives as one paste).
const maxRemoteKeys = 64

// SetSharing shows info on the technician's screen (sharing on) and
// journals the start once.
func (c *Case) SetSharing(info ShareInfo) {
	c.mu.Lock()
	first := !c.share.sharing
	c.share.sharing, c.share.info = true, info
	c.changed(EvViewers)
	c.mu.Unlock()
	if first {
		_ = c.record(RecShareStart, map[string]string{"addr": info.Addr, "fingerprint": info.Fingerprint})
	}
}

// Sharing reports whether the case is shared, and how.
func (c *Case) Sharing() (ShareInfo, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.share.info, c.share.sharing
}

// Join adds a viewer (read-only) and journals it.
func (c *Case) Join(v Viewer) {
	c.mu.Lock()
	if v.Since.IsZero() {
		v.Since = c.now()
	}
	c.share.viewers = append(c.share.viewers, v)
	c.changed(EvViewers)
	c.mu.Unlock()
	_ = c.record(RecViewerJoin, map[string]string{"viewer": v.Name, "id": v.ID, "addr": v.Addr, "lang": string(v.Lang)})
}

// Leave removes a viewer; its control and request end with it.
func (c *Case) Leave(id string) {
	c.mu.Lock()
	var v Viewer
	c.share.viewers = slices.DeleteFunc(c.share.viewers, func(x Viewer) bool {
		if x.ID == id {
			v = x
			return true
		}
		return false
	})
	c.share.requests = slices.DeleteFunc(c.share.requests, func(x string) bool { return x == id })
	hadControl := c.share.control == id
	if hadControl {
		c.share.control = ""
	}
	c.changed(EvViewers)
	c.mu.Unlock()
	if v.ID == "" {
		return
	}
	f := map[string]string{"viewer": v.Name, "id": id}
	if hadControl {
		f["had_control"] = "true"
	}
	_ = c.record(RecViewerLeave, f)
}

// Viewers lists who is watching, in order of arrival.
func (c *Case) Viewers() []Viewer {
	c.mu.Lock()
	defer c.mu.Unlock()
	return slices.Clone(c.share.viewers)
}

// Controller is the viewer ID in control, "" when the technician drives.
func (c *Case) Controller() string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.share.control
}

// RequestControl asks the technician for control on behalf of viewer id;
// the technician's screen asks them at once.
func (c *Case) RequestControl(id string) {
	c.mu.Lock()
	e, ok := c.requestControl(id)
	c.mu.Unlock()
	if ok {
		_ = c.record(e.kind, e.fields)
	}
}

// viewer finds a viewer by id; c.mu is held.
func (c *Case) viewer(id string) (Viewer, bool) {
	for _, v := range c.share.viewers {
		if v.ID == id {
			return v, true
		}
	}
	return Viewer{}, false
}

// answerRequest grants or refuses the oldest request (the technician's
// y or n); it returns the journal entry to write. c.mu is held.
func (c *Case) answerRequest(grant bool) (journalEntry, bool) {
	if len(c.share.requests) == 0 {
		return journalEntry{}, false
	}
	id := c.share.requests[0]
	c.share.requests = c.share.requests[1:]
	v, ok := c.viewer(id)
	if !ok {
		return journalEntry{}, false
	}
	kind := RecControlDeny
	if grant {
		kind = RecControlGrant
		c.share.control = id
		c.share.requests = nil // one controller at a time
	}
	c.changed(EvControl)
	return journalEntry{kind, map[string]string{"viewer": v.Name, "id": id}}, true
}

// revoke takes control back for the technician. c.mu is held.
func (c *Case) revoke() (journalEntry, bool) {
	id := c.share.control
	if id == "" {
		return journalEntry{}, false
	}
	c.share.control = ""
	v, _ := c.viewer(id)
	c.changed(EvControl)
	return journalEntry{RecControlTake, map[string]string{"viewer": v.Name, "id": id}}, true
}

// Grant gives control to the oldest requester (for tests and front ends
// without a keyboard); Revoke takes it back.
func (c *Case) Grant() {
	c.mu.Lock()
	e, ok := c.answerRequest(true)
	c.mu.Unlock()
	if ok {
		_ = c.record(e.kind, e.fields)
	}
}

// Revoke takes control back for the technician.
func (c *Case) Revoke() {
	c.mu.Lock()
	e, ok := c.revoke()
	c.mu.Unlock()
	if ok {
		_ = c.record(e.kind, e.fields)
	}
}

// Input hands a key of viewer by to the technician's view, where it becomes
// the same command as the technician's own key. It reports false when the
// viewer is not in control (read-only) or the queue is full.
func (c *Case) Input(by Actor, k tea.KeyPressMsg) bool {
	c.mu.Lock()
	ok := by.Remote && by.ID != "" && c.share.control == by.ID && c.share.inputs != nil
	ch := c.share.inputs
	c.mu.Unlock()
	if !ok {
		return false
	}
	select {
	case ch <- remoteKey{by: by, key: k}:
		return true
	default:
		return false
	}
}

// desk makes the channel of co-pilot keys; the technician's view reads it.
func (c *Case) desk() chan remoteKey {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.inputs()
}

// inputs is desk with c.mu held.
func (c *Case) inputs() chan remoteKey {
	if c.share.inputs == nil {
		c.share.inputs = make(chan remoteKey, maxRemoteKeys)
	}
	return c.share.inputs
}

// watchers is the line on the technician's screen that says who is
// watching, who drives and what to press; "" when nobody shares.
func (m *Model) watchers() string {
	sh := m.share
	if !sh.sharing && len(sh.viewers) == 0 {
		return ""
	}
	var names []string
	for _, v := range sh.viewers {
		n := v.Name
		if v.ID == sh.control {
			n += " [" + m.T("share.incontrol") + "]"
		}
		names = append(names, n)
	}
	who := m.T("share.nobody")
	if len(names) > 0 {
		who = strings.Join(names, ", ")
	}
	line := m.F("share.watching", len(sh.viewers), who)
	if sh.control != "" {
		line += "  " + m.T("share.takeback")
	}
	if sh.info.JoinCode != "" && m.now().Before(sh.info.CodeExpires) {
		line += "  " + m.F("share.code", sh.info.JoinCode, sh.info.CodeExpires.Format("15:04"))
	}
	if sh.info.Addr != "" {
		line += "  " + m.F("share.addr", sh.info.Addr)
	}
	if sh.info.Fingerprint != "" {
		line += "  " + sh.info.Fingerprint
	}
	return line
}

// viewerLine is a viewer's own status: read-only or in control, and how to
// ask.
func (m *Model) viewerLine() string {
	if m.share.control == m.who.ID {
		return m.T("share.youdrive")
	}
	if slices.Contains(m.share.requests, m.who.ID) {
		return m.T("share.asked")
	}
	return m.T("share.readonly")
}

// requestView asks the technician to grant control.
func (m *Model) requestView() string {
	id := m.share.requests[0]
	v, _ := m.Case.viewer(id)
	w := min(64, m.w-8)
	var b strings.Builder
	b.WriteString(m.th.Title.Render(m.T("share.reqtitle")) + "\n\n")
	b.WriteString(wrap(m.F("share.reqbody", v.Name), w-4) + "\n\n")
	b.WriteString(m.th.Key.Render("y") + " " + m.T("share.allow") + "    " +
		m.th.Key.Render("n") + " " + m.T("share.refuse"))
	return m.th.Box.Width(w).Render(b.String())
}

// remoteActionCmd journals a co-pilot's key that may change the case.
func (m *Model) remoteActionCmd(by Actor, k string, screen string) tea.Cmd {
	c := m.Case
	f := map[string]string{"viewer": by.Name, "id": by.ID, "key": k, "screen": screen}
	return func() tea.Msg { return recordedMsg{err: c.record(RecRemoteAction, f)} }
}

// recordCmd writes a journal entry in a Cmd.
func (m *Model) recordCmd(e journalEntry) tea.Cmd {
	c := m.Case
	return func() tea.Msg { return recordedMsg{err: c.record(e.kind, e.fields)} }
}

func (v Viewer) String() string { return fmt.Sprintf("%s (%s)", v.Name, v.Lang) }

// sharedMsg is the outcome of starting to share (the S key).
type sharedMsg struct {
	info ShareInfo
	err  error
}

// shareCmd starts sharing through Options.Share (listening is I/O: a Cmd),
// or, when the case is shared already, shows a new join code.
func (m *Model) shareCmd() tea.Cmd {
	// Already shared: S issues a new join code.
	c, f := m.Case, m.opts.Share
	m.setToast(m.T("share.starting"), false)
	return func() tea.Msg {
		info, err := f(c)
		return sharedMsg{info: info, err: err}
	}
}

func (m *Model) onShared(msg sharedMsg) {
	if msg.err != nil {
		m.setToast(m.F("share.failed", msg.err), true)
		return
	}
	m.setToast(m.F("share.started", msg.info.Addr), false)
	m.resize()
}

// shareLine is the line above the status line: who watches (technician),
// or this viewer's role.
func (m *Model) shareLine() string {
	if m.who.Remote {
		return m.th.Title.Render(cut(" "+m.viewerLine(), m.w))
	}
	return m.th.Title.Render(cut(" "+m.watchers(), m.w))
}
