package ui

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/posdoctor/posdoctor/checks"
	"github.com/posdoctor/posdoctor/model"
)

type checkPhase int

const (
	phaseNone checkPhase = iota // never run
	phaseWaiting
	phaseRunning
	phaseDone
)

type checkRow struct {
	phase   checkPhase
	started time.Time
	// prompt is what the running check is doing now: the engine's text in
	// both languages, or the terminal's prompt as it sent it (both fields).
	prompt model.Text
	result checks.Result
	hasRes bool
	// aborted: the operator aborted the run before this check could end;
	// that is not the check's failure.
	aborted bool
}

type moneyLine struct {
	at   time.Time
	text string
}

// dashboard shows the terminal's identity and every check with its live
// state; it runs all, one, the proposed set, re-runs, and aborts.
// The rows, the proposed checks and the money log are the case's (board,
// shared by every view); the cursor is this view's.
type dashboard struct {
	m *Model
	*board
	w, h   int
	cursor int
}

// board is the live state of the checks: part of the shared case.
type board struct {
	rows          map[model.CheckID]*checkRow
	proposed      []model.CheckID
	finishedInRun map[model.CheckID]struct{}
	moneyLog      []moneyLine
	lastRun       []model.CheckID
}

func newBoard() *board {
	b := &board{}
	b.reset()
	return b
}

func newDashboard(m *Model) *dashboard { return &dashboard{m: m, board: m.Case.board} }

func (d *board) reset() {
	d.rows = map[model.CheckID]*checkRow{}
	for _, id := range model.CheckOrder {
		d.rows[id] = &checkRow{}
	}
	d.finishedInRun = map[model.CheckID]struct{}{}
	d.moneyLog = nil
}

func (d *dashboard) SetSize(w, h int) { d.w, d.h = w, h }
func (d *dashboard) Title() string    { return d.m.T("dash.title") }
func (d *dashboard) Capturing() bool  { return false }

// propose marks the checks that tell the diagnosed causes apart.
func (d *dashboard) propose() {
	d.proposed = nil
	seen := map[model.CheckID]bool{}
	for _, st := range d.m.diagnosis.Playbook {
		if st.Verify != "" {
			seen[st.Verify] = true
		}
	}
	for _, c := range d.m.diagnosis.Causes {
		for _, r := range append(slices.Clone(c.For), c.Against...) {
			if r.Check != "" {
				seen[r.Check] = true
			}
		}
	}
	for _, id := range model.CheckOrder {
		if seen[id] {
			d.proposed = append(d.proposed, id)
		}
	}
	if len(d.proposed) > 0 && !slices.Contains(d.proposed, model.CheckLink) {
		d.proposed = append([]model.CheckID{model.CheckLink}, d.proposed...)
	}
}

func (d *board) startRun(ids []model.CheckID) {
	d.lastRun = ids
	d.finishedInRun = map[model.CheckID]struct{}{}
	for _, id := range ids {
		r := d.rows[id]
		*r = checkRow{phase: phaseWaiting}
	}
}

func (d *dashboard) started(id model.CheckID, at time.Time) {
	if r := d.rows[id]; r != nil && r.phase != phaseDone {
		r.phase, r.started, r.prompt = phaseRunning, at, model.Text{}
	}
}

func (d *dashboard) progress(id model.CheckID, text model.Text) {
	if r := d.rows[id]; r != nil && r.phase != phaseDone {
		if r.phase == phaseWaiting {
			r.phase, r.started = phaseRunning, d.m.now()
		}
		r.prompt = text
	}
}

func (d *dashboard) finished(res checks.Result) {
	r := d.rows[res.ID]
	if r == nil {
		return
	}
	r.phase, r.result, r.hasRes, r.prompt = phaseDone, res, true, model.Text{}
	if d.m.running {
		d.finishedInRun[res.ID] = struct{}{}
	}
}

func (d *board) endRun() {
	for _, r := range d.rows {
		if r.phase == phaseWaiting || r.phase == phaseRunning {
			if r.hasRes {
				r.phase = phaseDone
			} else {
				r.phase = phaseNone
			}
		}
	}
	d.finishedInRun = map[model.CheckID]struct{}{}
}

// aborted marks the checks of an aborted run that did not get to a result
// of their own (they could not run, or were skipped by the cancel).
func (d *board) aborted(results []checks.Result) {
	for _, res := range results {
		if r := d.rows[res.ID]; r != nil && (res.Status == model.StatusError || res.Status == model.StatusSkip) {
			r.aborted = true
		}
	}
}

func (d *board) money(at time.Time, text string) {
	d.moneyLog = append(d.moneyLog, moneyLine{at: at, text: text})
}

type dashKeys struct {
	Up, Down, RunAll, RunOne, Proposed, Rerun, Abort, Diag, Trace, Export, Symptom, Connect key.Binding
}

func (d *dashboard) keys() dashKeys {
	m := d.m
	k := dashKeys{
		Up:       m.bind("up/k", "key.up", "up", "k"),
		Down:     m.bind("down/j", "key.down", "down", "j"),
		RunAll:   m.bind("a", "key.runall", "a"),
		RunOne:   m.bind("enter", "key.runone", "enter"),
		Proposed: m.bind("p", "key.proposed", "p"),
		Rerun:    m.bind("r", "key.rerun", "r"),
		Abort:    m.bind("x", "key.abort", "x"),
		Diag:     m.bind("d", "key.diag", "d"),
		Trace:    m.bind("t", "key.trace", "t"),
		Export:   m.bind("e", "key.export", "e"),
		Symptom:  m.bind("/", "key.lookup2", "/"),
		Connect:  m.bind("o", "key.reconnect", "o"),
	}
	running := m.running
	k.Abort.SetEnabled(running)
	for _, b := range []*key.Binding{&k.RunAll, &k.RunOne, &k.Proposed, &k.Rerun} {
		b.SetEnabled(!running)
	}
	k.Proposed.SetEnabled(!running && len(d.proposed) > 0)
	k.Rerun.SetEnabled(!running && len(d.lastRun) > 0)
	return k
}

func (d *dashboard) ShortHelp() []key.Binding {
	k := d.keys()
	if d.m.running {
		return []key.Binding{k.Abort, k.Trace}
	}
	return []key.Binding{k.RunAll, k.RunOne, k.Proposed, k.Rerun, k.Diag, k.Trace, k.Export}
}

func (d *dashboard) FullHelp() [][]key.Binding {
	k := d.keys()
	return [][]key.Binding{
		{k.Up, k.Down, k.RunOne, k.RunAll, k.Proposed},
		{k.Rerun, k.Abort, k.Diag, k.Trace},
		{k.Export, k.Symptom, k.Connect},
	}
}

func (d *dashboard) Update(msg tea.Msg) tea.Cmd {
	km, ok := msg.(tea.KeyPressMsg)
	if !ok {
		return nil
	}
	k := d.keys()
	m := d.m
	switch {
	case key.Matches(km, k.Up):
		d.cursor = (d.cursor - 1 + len(model.CheckOrder)) % len(model.CheckOrder)
	case key.Matches(km, k.Down):
		d.cursor = (d.cursor + 1) % len(model.CheckOrder)
	case key.Matches(km, k.RunAll):
		return m.startRun(model.CheckOrder, runPurpose{kind: "all"})
	case key.Matches(km, k.RunOne):
		return m.startRun([]model.CheckID{model.CheckOrder[d.cursor]}, runPurpose{kind: "one"})
	case key.Matches(km, k.Proposed):
		return m.startRun(d.proposed, runPurpose{kind: "proposed"})
	case key.Matches(km, k.Rerun):
		return m.startRun(d.lastRun, runPurpose{kind: "all"})
	case key.Matches(km, k.Abort):
		m.abort()
	case key.Matches(km, k.Diag):
		m.rediagnose()
		m.show(scrDiagnosis)
	case key.Matches(km, k.Trace):
		m.show(scrTrace)
	case key.Matches(km, k.Export):
		m.overlay = ovExport
	case key.Matches(km, k.Symptom):
		return m.lookup()
	case key.Matches(km, k.Connect):
		m.show(scrConnect)
	case km.String() == "esc":
		m.back()
	}
	return nil
}

func (d *dashboard) View() string {
	m, th := d.m, d.m.th
	var b strings.Builder
	id := m.identity
	dash := func(s string) string {
		if s == "" {
			return "-"
		}
		return s
	}
	state := "-"
	if id.TID != "" || id.Model != "" || id.Text != "" {
		text := id.Text
		if m.lang == model.LangZh || text == "" {
			// the knowledge base's words for the status byte
			text = model.Label(model.KindTerminalStatus, fmt.Sprintf("%02X", id.Code), m.lang)
		}
		state = fmt.Sprintf("%02X %s", id.Code, dash(text))
	}
	b.WriteString(" " + th.Title.Render(m.T("dash.terminal")) + "  " +
		cut(fmt.Sprintf("%s %s   %s %s   %s %s", m.T("id.model"), dash(id.Model), m.T("id.tid"), dash(id.TID),
			m.T("id.sw"), dash(id.SoftwareVersion)), d.w-14) + "\n")
	b.WriteString(strings.Repeat(" ", 2) + cut(fmt.Sprintf("%s %s   %s %s   %s %s", m.T("id.status"), state,
		m.T("id.device"), m.deviceState(), m.T("id.link"), dash(m.target)), d.w-4) + "\n\n")

	b.WriteString(d.table())
	if r := d.rows[model.CheckOrder[d.cursor]]; r.hasRes && r.phase == phaseDone {
		b.WriteString(d.detail(r.result))
	}
	if len(d.proposed) > 0 {
		ids := make([]string, len(d.proposed))
		for i, p := range d.proposed {
			ids[i] = m.checkName(p)
		}
		b.WriteString("\n  " + th.Muted.Render(cut(m.F("dash.proposed", m.subject(), strings.Join(ids, m.T("sep.list"))), d.w-4)) + "\n")
	}
	if len(d.moneyLog) > 0 {
		b.WriteString("\n  " + th.Title.Render(m.T("dash.money")) + "\n")
		start := max(0, len(d.moneyLog)-3)
		for _, ml := range d.moneyLog[start:] {
			b.WriteString("    " + cut(ml.at.Format("15:04:05")+"  "+d.moneyText(ml.text), d.w-6) + "\n")
		}
	}
	if !m.Connected() {
		b.WriteString("\n  " + th.Error.Render(m.T("err.notconnected")) + "\n")
	}
	return b.String()
}

// table is the checks, one row each: name, state, time and result; a
// result wider than the row goes on to a second line.
func (d *dashboard) table() string {
	m, th := d.m, d.m.th
	var b strings.Builder
	cw := []int{14, 22, 8}
	head := padRight(m.T("dash.col.check"), cw[0]) + padRight(m.T("dash.col.state"), cw[1]) + padRight(m.T("dash.col.time"), cw[2]) + m.T("dash.col.result")
	b.WriteString("  " + th.Muted.Render(cut(head, d.w-4)) + "\n")
	for i, cid := range model.CheckOrder {
		r := d.rows[cid]
		name := m.checkName(cid)
		if slices.Contains(d.proposed, cid) {
			name += " *"
		}
		badge, word, detail := d.stateOf(cid, r)
		dur := ""
		switch {
		case r.phase == phaseRunning:
			dur = fmtDur(m.now().Sub(r.started))
		case r.hasRes && r.phase == phaseDone:
			dur = fmtDur(r.result.Duration)
		}
		rest := padRight(name, cw[0])
		if strings.Contains(badge, word) {
			word = "" // the badge says it: [失败]
		}
		stateCell := padRight(badge+" "+word, cw[1])
		// The result wraps at spaces onto a second line rather than lose
		// its end (a masked PAN is compared against the card).
		lead := rest + stateCell + padRight(dur, cw[2])
		more := wrapWords(detail, d.w-4-ansi.StringWidth(lead))
		first := ""
		if len(more) > 0 {
			first, more = more[0], more[1:]
		}
		line := cut(lead+first, d.w-4)
		if i != d.cursor {
			// colour only the badge; the text stays readable without colour
			line = strings.Replace(line, badge, d.badgeStyle(r).Render(badge), 1)
		}
		b.WriteString(m.row(line, i == d.cursor) + "\n")
		if len(more) > 0 {
			b.WriteString("  " + strings.Repeat(" ", ansi.StringWidth(lead)) + cut(strings.Join(more, " "), d.w-4-ansi.StringWidth(lead)) + "\n")
		}
	}
	return b.String()
}

// detail is the selected check's full summary and evidence, so nothing cut
// from the table is out of reach.
func (d *dashboard) detail(r checks.Result) string {
	m, th := d.m, d.m.th
	var b strings.Builder
	name := m.checkName(r.ID)
	sum := wrapWords(m.plainText(r.SummaryIn(m.lang)), d.w-8-ansi.StringWidth(name))
	b.WriteString("\n  " + th.Title.Render(name+m.T("sep.colon")) + strings.Join(sum, "\n   "+strings.Repeat(" ", ansi.StringWidth(name))) + "\n")
	keys := make([]string, 0, len(r.Evidence))
	for k := range r.Evidence {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	var parts []string
	for _, k := range keys {
		v := m.plainText(r.Evidence[k])
		if m.lang == model.LangZh && inWords(v) {
			continue // an English phrase from the engine; the report has it
		}
		parts = append(parts, k+"="+v)
	}
	if len(parts) > 0 {
		// whole items per line: a value is never split
		lines := packItems(parts, "  ", d.w-8)
		if len(lines) > 2 && d.h < 30 { // two lines at most on a small screen
			lines = append(lines[:2:2], "...")
		}
		for _, l := range lines {
			b.WriteString("    " + th.Muted.Render(l) + "\n")
		}
	}
	return b.String()
}

func (m *Model) deviceState() string {
	if m.identity.TID == "" && m.identity.Model == "" {
		return "-"
	}
	return model.Label(model.KindDeviceState, m.identity.DeviceState.String(), m.lang)
}

func (d *dashboard) moneyText(t string) string {
	k := "money." + strings.ToLower(strings.Fields(t + " x")[0])
	amt := formatAmount(d.m.opts.Amount, d.m.opts.Currency)
	switch k {
	case "money.intent", "money.approved", "money.reversed", "money.unknown", "money.declined", "money.unresolved", "money.not_booked":
		return d.m.F(k, amt)
	}
	return t
}

func (d *dashboard) stateOf(id model.CheckID, r *checkRow) (badge, word, detail string) {
	m := d.m
	switch r.phase {
	case phaseWaiting:
		return m.T("badge.wait"), m.T("st.waiting"), ""
	case phaseRunning:
		p := r.prompt.In(m.lang)
		if p == "" {
			p = m.T("st.running")
		}
		return m.F("badge.run", m.spinner()), m.T("st.running"), p
	case phaseDone:
		if r.aborted {
			return m.T("badge.aborted"), m.T("st.aborted"), ""
		}
		return m.badge(r.result.Status), m.statusWord(r.result.Status), m.plainText(r.result.SummaryIn(m.lang))
	}
	if id.NeedsCard() {
		return "[ - ]", m.T("st.notrun"), m.T("dash.needscard")
	}
	return "[ - ]", m.T("st.notrun"), ""
}

func (d *dashboard) badgeStyle(r *checkRow) interface{ Render(...string) string } {
	th := d.m.th
	switch r.phase {
	case phaseWaiting:
		return th.Wait
	case phaseRunning:
		return th.Run
	case phaseDone:
		return statusStyle(th, r.result.Status)
	}
	return th.Muted
}

// badge is the text form of a status in the console's language, "[ - ]"
// when it has none: status is never shown by colour alone.
func (m *Model) badge(s model.Status) string {
	if s == "" {
		return "[ - ]"
	}
	return m.T("badge." + string(s))
}

// stateText is a status's badge and, where the badge is a short form of
// it, its word: "[OK] ok", "[失败]".
func (m *Model) stateText(s model.Status) string {
	b, w := m.badge(s), m.statusWord(s)
	if strings.Contains(b, w) {
		return b
	}
	return b + " " + w
}

func (m *Model) statusWord(s model.Status) string {
	if s == "" {
		return m.T("st.notrun")
	}
	return m.T("st." + string(s))
}

func formatAmount(minor int64, currency int) string {
	code := map[int]string{156: "CNY", 978: "EUR", 840: "USD", 826: "GBP", 756: "CHF", 344: "HKD"}[currency]
	if code == "" {
		code = fmt.Sprintf("(%03d)", currency)
	}
	return fmt.Sprintf("%d.%02d %s", minor/100, minor%100, code)
}

// checkName is how a check is named on screen: its id in English (the id
// scripts and the report use), its label in Chinese.
func (m *Model) checkName(id model.CheckID) string {
	if m.lang == model.LangZh {
		return model.Label(model.KindCheck, string(id), m.lang)
	}
	return string(id)
}
