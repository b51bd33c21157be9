package ui

import (
	"context"
	"errors"
	"slices"
	"strconv"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/posdoctor/posdoctor/checks"
	"github.com/posdoctor/posdoctor/model"
	"github.com/posdoctor/posdoctor/terminal"
)

// Messages that carry the results of commands back into Update.
type (
	loadedMsg struct {
		ports     []Port
		portErr   error
		recent    []string
		scenarios []Scenario
	}
	connectedMsg struct {
		gen    int
		target string
		sess   Session
		events <-chan checks.Event
		unsub  func()
		err    error
	}
	eventMsg struct {
		events <-chan checks.Event
		ev     checks.Event
		ok     bool
	}
	runDoneMsg struct {
		gen     int
		ids     []model.CheckID
		purpose runPurpose
		results []checks.Result
		aborted bool
	}
	fixDoneMsg struct {
		step string
		res  terminal.Result
		err  error
	}
	exportDoneMsg struct {
		path string
		err  error
	}
	recordedMsg struct{ err error }
)

// connectTimeout bounds a connect attempt (the link has its own timeouts too).
const connectTimeout = 20 * time.Second

func (m *Model) loadCmd() tea.Cmd {
	b := m.opts.Backend
	if b == nil {
		return nil
	}
	return func() tea.Msg {
		ports, err := b.Ports()
		return loadedMsg{ports: ports, portErr: err, recent: b.Recent(), scenarios: b.Scenarios()}
	}
}

// startConnect begins connecting to target (I/O in the returned Cmd).
func (m *Model) startConnect(target string) tea.Cmd {
	if m.opts.Backend == nil || target == "" {
		return nil
	}
	if m.fromRemote() {
		m.say(true, "share.noconnect")
		return nil
	}
	if m.cancelConn != nil {
		m.cancelConn()
	}
	m.disconnect()
	m.connGen++
	gen := m.connGen
	m.connecting = true
	m.target = target
	m.connect.state = connBusy
	m.connect.err = nil
	m.setToast("", false)
	ctx, cancel := context.WithTimeout(context.Background(), connectTimeout)
	m.cancelConn = cancel
	b := m.opts.Backend
	steps := make(chan string, 16)
	conn := func() tea.Msg {
		defer cancel()
		defer close(steps)
		var s Session
		var err error
		if pc, ok := b.(ProgressConnector); ok {
			s, err = pc.ConnectProgress(ctx, target, func(step string) {
				select {
				case steps <- step:
				default:
				}
			})
		} else {
			s, err = b.Connect(ctx, target)
		}
		if err != nil {
			return connectedMsg{gen: gen, target: target, err: err}
		}
		ch, unsub := s.Subscribe()
		return connectedMsg{gen: gen, target: target, sess: s, events: ch, unsub: unsub}
	}
	m.connect.steps = nil
	return tea.Batch(conn, listenSteps(gen, steps), m.startTicking())
}

// connStepMsg is one step of a connect in progress.
type connStepMsg struct {
	gen   int
	step  string
	steps <-chan string
}

func listenSteps(gen int, ch <-chan string) tea.Cmd {
	return func() tea.Msg {
		s, ok := <-ch
		if !ok {
			return nil
		}
		return connStepMsg{gen: gen, step: s, steps: ch}
	}
}

func (m *Model) disconnect() {
	if m.unsub != nil {
		m.unsub()
		m.unsub = nil
	}
	if m.sess != nil {
		s := m.sess
		m.sess = nil
		go s.Close() // closing may wait on the link; never in Update's path
	}
	m.events = nil
	m.results = map[model.CheckID]checks.Result{}
	m.identity = terminal.Status{}
	m.frames = nil
	m.dash.reset()
}

func (m *Model) onConnected(msg connectedMsg) tea.Cmd {
	if msg.gen != m.connGen {
		if msg.sess != nil { // a connect that was superseded
			if msg.unsub != nil {
				msg.unsub()
			}
			go msg.sess.Close()
		}
		return nil
	}
	m.connecting = false
	m.cancelConn = nil
	if msg.err != nil && errors.Is(msg.err, context.Canceled) {
		m.connect.state = connIdle
		m.say(false, "toast.conncancel")
		m.active = scrConnect
		return nil
	}
	if msg.err != nil {
		m.connect.state = connFailed
		m.connect.err = msg.err
		m.active = scrConnect
		return nil
	}
	m.connect.state = connIdle
	if m.caseTarget != "" && m.caseTarget != msg.target {
		// Another terminal is another case (issue 9): nothing of the last
		// one's symptom, checks, diagnosis or wizard carries over, unless
		// the technician kept the symptom on purpose.
		m.newCase(m.keepSymptom)
		m.symptom.reset()
		if m.haveInput {
			m.rediagnose()
		}
	}
	m.keepSymptom = false
	m.caseTarget = msg.target
	m.sess, m.events, m.unsub = msg.sess, msg.events, msg.unsub
	m.identity = msg.sess.Identity()
	m.say(false, "toast.connected", msg.target)
	// Something the backend did on connecting that the operator must know
	// (e.g. an open test payment from an earlier session was resolved).
	// A session says it in both languages (NoticeTexts) or in one (Notices).
	var notices []model.Text
	switch n := msg.sess.(type) {
	case interface{ NoticeTexts() []model.Text }:
		notices = n.NoticeTexts()
	case interface{ Notices() []string }:
		for _, s := range n.Notices() {
			notices = append(notices, model.Text{En: s})
		}
	}
	if len(notices) > 0 {
		m.notices = notices
		m.overlay = ovNotice
		m.say(true, "notice.title")
	}
	m.history = nil
	if m.haveInput {
		m.active = scrDashboard
		m.dash.propose()
	} else {
		m.active = scrSymptom
	}
	return listen(m.events)
}

func listen(ch <-chan checks.Event) tea.Cmd {
	if ch == nil {
		return nil
	}
	return func() tea.Msg {
		ev, ok := <-ch
		return eventMsg{events: ch, ev: ev, ok: ok}
	}
}

func (m *Model) onEvent(msg eventMsg) tea.Cmd {
	if msg.events != m.events || !msg.ok {
		return nil // from a closed session
	}
	m.applyEvent(msg.ev)
	return listen(m.events)
}

func (m *Model) applyEvent(ev checks.Event) {
	at := ev.Time
	if at.IsZero() {
		at = m.now()
	}
	switch ev.Kind {
	case checks.IdentityKnown:
		if ev.Identity != nil {
			m.identity = *ev.Identity
		}
	case checks.CheckStarted:
		if m.running && slices.Contains(m.runIDs, ev.Check) {
			m.dash.started(ev.Check, at)
		}
	case checks.CheckProgress:
		if ev.Prompt != nil && ev.Prompt.Kind == terminal.EventFrame && ev.Prompt.Frame != nil {
			m.addFrame(ev.Check, at, *ev.Prompt.Frame, true)
			return
		}
		if m.running && slices.Contains(m.runIDs, ev.Check) {
			// The engine's own texts come in both languages; the
			// terminal's prompts only as the terminal sent them.
			zh := ev.TextZh
			if zh == "" {
				zh = ev.Text
			}
			m.dash.progress(ev.Check, model.Text{En: ev.Text, Zh: zh})
		}
	case checks.CheckFinished:
		// After the run's end its results came with runDoneMsg already; a
		// late event would only add the check's trace a second time.
		if ev.Result != nil && m.running {
			m.finish(*ev.Result)
			if m.haveInput || len(m.diagnosis.Causes) > 0 {
				m.rediagnose() // the playbook re-ranks as evidence arrives
			}
		}
	case checks.MoneyEvent:
		m.dash.money(at, ev.Text)
		m.moneyState = ev.Text
	}
}

func (m *Model) finish(r checks.Result) {
	if _, done := m.dash.finishedInRun[r.ID]; done {
		return
	}
	m.results[r.ID] = r
	m.dash.finished(r)
	live := 0
	for _, f := range m.frames {
		if f.check == r.ID && f.live {
			live++
		}
	}
	if live == 0 {
		for _, fr := range r.Trace {
			m.addFrame(r.ID, time.Time{}, fr, false)
		}
	}
}

func (m *Model) addFrame(id model.CheckID, at time.Time, f terminal.Frame, live bool) {
	m.frames = append(m.frames, traceFrame{check: id, at: at, f: f, live: live})
	if m.active == scrTrace {
		m.trace.refresh()
	}
}

// canStart reports whether a run or a fix may start: connected and idle. When
// not, a toast says why.
func (m *Model) canStart() bool {
	switch {
	case m.sess == nil:
		m.setToast(m.T("err.notconnected"), true)
	case m.Busy():
		m.setToast(m.T("err.busy"), true)
	default:
		return true
	}
	return false
}

// startRun asks for confirmation first when the run holds the test
// transaction; otherwise it starts at once.
func (m *Model) startRun(ids []model.CheckID, p runPurpose) tea.Cmd {
	if !m.canStart() {
		return nil
	}
	if slices.Contains(ids, model.CheckTransaction) && m.noMoney {
		// Money is confirmed only at the counter: this console is served
		// over SSH, so the run goes on without the test payment.
		ids = slices.DeleteFunc(slices.Clone(ids), func(id model.CheckID) bool { return id == model.CheckTransaction })
		m.setToast(m.T("txn.counteronly"), true)
		if len(ids) == 0 {
			return nil
		}
		return m.run(ids, p)
	}
	if slices.Contains(ids, model.CheckTransaction) {
		m.pending, m.pendingFor = ids, p
		m.overlay = ovConfirmTxn
		return nil
	}
	return m.run(ids, p)
}

func (m *Model) confirmTxnKey(k string) tea.Cmd {
	switch k {
	case "y", "Y":
		if m.fromRemote() {
			// The co-pilot may ask for a payment, never confirm one.
			m.say(true, "txn.counteronly")
			return nil
		}
		m.overlay = ovNone
		return m.run(m.pending, m.pendingFor)
	case "n", "N":
		m.overlay = ovNone
		rest := slices.DeleteFunc(slices.Clone(m.pending), func(id model.CheckID) bool { return id == model.CheckTransaction })
		m.say(false, "txn.skipped")
		if len(rest) == 0 {
			return nil
		}
		return m.run(rest, m.pendingFor)
	case "esc", "q":
		m.overlay = ovNone
		m.say(false, "txn.cancelled")
	}
	return nil
}

func (m *Model) run(ids []model.CheckID, p runPurpose) tea.Cmd {
	m.runGen++
	gen := m.runGen
	m.running = true
	m.moneyState = ""
	m.runIDs = ids
	m.runPurpose = p
	m.say(false, "")
	m.dash.startRun(ids)
	ctx, cancel := context.WithCancel(context.Background())
	m.cancelRun = cancel
	opts := RunOptions{Amount: m.opts.Amount}
	for _, id := range ids {
		if id.NeedsCard() {
			opts.WithCard = true
		}
	}
	s := m.sess
	r := func() tea.Msg {
		res := s.Run(ctx, ids, opts)
		return runDoneMsg{gen: gen, ids: ids, purpose: p, results: res, aborted: ctx.Err() != nil}
	}
	return tea.Batch(r, m.startTicking())
}

func (m *Model) abort() {
	if m.running && m.cancelRun != nil {
		m.cancelRun()
		m.say(false, "toast.aborting")
	}
}

func (m *Model) onRunDone(msg runDoneMsg) tea.Cmd {
	if msg.gen != m.runGen {
		return nil
	}
	for _, r := range msg.results {
		m.finish(r)
	}
	m.running = false
	if m.cancelRun != nil {
		m.cancelRun()
		m.cancelRun = nil
	}
	m.dash.endRun()
	if msg.aborted {
		m.dash.aborted(msg.results)
	}
	if m.stopping {
		return m.stopped(msg.results)
	}
	m.rediagnose()
	var cmds []tea.Cmd
	if msg.purpose.kind == "verify" {
		cmds = append(cmds, m.wiz.verified(msg.purpose.step))
	}
	failed, warned := 0, 0
	for _, r := range msg.results {
		switch r.Status {
		case model.StatusFail, model.StatusError:
			failed++
		case model.StatusWarn:
			warned++
		}
	}
	switch {
	case msg.aborted:
		m.say(false, "toast.aborted") // the operator's choice, not a failure
	case msg.purpose.kind != "verify":
		m.say(failed > 0, "toast.rundone", len(msg.results), failed, warned)
	}
	return tea.Batch(cmds...)
}

// rediagnose re-ranks causes with every result so far; the wizard keeps
// the operator's marks and its place.
func (m *Model) rediagnose() {
	if m.opts.Backend == nil {
		return
	}
	m.diagnosis = m.opts.Backend.Diagnose(m.input, m.Results())
	m.diag.reconcile()
	m.wiz.reconcile()
}

func (m *Model) fixCmd(step string) tea.Cmd {
	if !m.canStart() {
		return nil
	}
	m.fixing = true
	s := m.sess
	f := func() tea.Msg {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
		defer cancel()
		res, err := s.Initialise(ctx)
		return fixDoneMsg{step: step, res: res, err: err}
	}
	return tea.Batch(f, m.startTicking(), m.record("fix_action", map[string]string{"step": step, "action": "initialise"}))
}

func (m *Model) onFixDone(msg fixDoneMsg) tea.Cmd {
	m.fixing = false
	fields := map[string]string{"step": msg.step, "action": "initialise", "code": strconv.Itoa(int(msg.res.Code))}
	if msg.err != nil {
		fields["error"] = msg.err.Error()
		m.say(true, "fix.failed", errArg{msg.err})
		return m.record("fix_result", fields)
	}
	if !msg.res.OK() {
		m.say(true, "fix.refused", msg.res.Code, msg.res.Text)
		return m.record("fix_result", fields)
	}
	m.say(false, "fix.done")
	m.wiz.fixed[msg.step] = true
	// Re-run the step's verifying check at once: did the fix work?
	return tea.Batch(m.record("fix_result", fields), m.wiz.verify())
}

// record writes a journal entry (disk I/O, so in a Cmd).
func (m *Model) record(kind string, fields map[string]string) tea.Cmd {
	s := m.sess
	if s == nil {
		return nil
	}
	return func() tea.Msg { return recordedMsg{err: s.Record(kind, fields)} }
}

func (m *Model) exportCmd(format string) tea.Cmd {
	b := m.opts.Backend
	if b == nil {
		return nil
	}
	r := Report{Lang: m.lang, Target: m.target, Identity: m.identity, Input: m.input,
		Results: m.Results(), Diagnosis: m.diagnosis, Steps: m.wiz.records(), Time: m.now()}
	if m.solved != nil && len(m.diagnosis.Causes) == 0 {
		// Solved: the fix left no cause; the report says what was wrong.
		r.Diagnosis = m.solved.diag
	}
	if m.sess == nil {
		r.Target = ""
	}
	m.setToast(m.T("export.writing"), false)
	return func() tea.Msg {
		p, err := b.Export(r, format)
		return exportDoneMsg{path: p, err: err}
	}
}
