package checks

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/posdoctor/posdoctor/model"
	"github.com/posdoctor/posdoctor/terminal"
)

// EntryKind says what a journal [Entry] records.
type EntryKind string

// Journal entry kinds. The txn_* kinds are the write-ahead log of a test
// payment; the journal is fsynced after each of them.
const (
	EntrySessionStart EntryKind = "session_start" // Text: the command line's purpose; Config summary
	EntryIdentity     EntryKind = "identity"      // Identity
	EntryCheck        EntryKind = "check"         // Result (with masked trace)
	EntryDiagnosis    EntryKind = "diagnosis"     // Diagnosis, Symptom
	EntryStepState    EntryKind = "step_state"    // Step: a playbook step done, skipped or failed, with a note (TUI)
	EntryNote         EntryKind = "note"          // Text: a free note from the operator
	EntryError        EntryKind = "error"         // Text: the run could not go on
	EntrySessionEnd   EntryKind = "session_end"   // Verdict

	// The case as the console works it ([CaseLog]): what the operator
	// entered, each note on a step, each fix run on the terminal, each
	// verification of a step by a check, and the end of a solved case.
	EntrySymptom  EntryKind = "symptom"     // Symptom, Codes, Text: what the operator entered
	EntryStepNote EntryKind = "step_note"   // Step (ID, Note): a note on a step, without a mark
	EntryFix      EntryKind = "fix"         // Fix: a fix action started, done, refused or failed
	EntryVerify   EntryKind = "step_verify" // Verify: a step's verifying check ran again
	EntrySolved   EntryKind = "case_solved" // Verify: the verifying check passes, the case is solved

	EntryTxnIntent      EntryKind = "txn_intent"      // TxnRef, Amount, Currency: about to send Authorization (fsync before sending)
	EntryTxnResult      EntryKind = "txn_result"      // TxnRef, Payment: the terminal answered the Authorization
	EntryTxnUnknown     EntryKind = "txn_unknown"     // TxnRef, Text: the outcome was not heard
	EntryReversalIntent EntryKind = "reversal_intent" // TxnRef, Payment (receipt): about to send Reversal
	EntryReversalResult EntryKind = "reversal_result" // TxnRef, Payment: the Reversal's answer
	EntryTxnClosed      EntryKind = "txn_closed"      // TxnRef, Text: nothing of this payment is left open (state in Text)
	EntryTxnUnresolved  EntryKind = "txn_unresolved"  // TxnRef, Text: what the operator must do by hand
)

// moneyKinds are fsynced.
var moneyKinds = map[EntryKind]bool{
	EntryTxnIntent: true, EntryTxnResult: true, EntryTxnUnknown: true,
	EntryReversalIntent: true, EntryReversalResult: true, EntryTxnClosed: true,
	EntryTxnUnresolved: true, EntryStepState: true,
	EntryFix: true, EntrySolved: true,
}

// Step states recorded with [EntryStepState].
const (
	StepDone    = "done"
	StepSkipped = "skipped"
	StepFailed  = "failed"
)

// StepRecord is what the operator did with one playbook step.
type StepRecord struct {
	ID    string `json:"id"`
	State string `json:"state"` // done, skipped, failed
	Note  string `json:"note,omitempty"`
}

// Entry is one line of the journal. Seq, Time and Session are filled by
// [Journal.Record]; the rest depends on Kind.
type Entry struct {
	Seq     int64     `json:"seq"`
	Time    time.Time `json:"ts"`
	Session string    `json:"session_id"`
	Kind    EntryKind `json:"kind"`
	// Target is the terminal this entry is about (a fleet session has many).
	Target string `json:"target,omitempty"`
	Name   string `json:"name,omitempty"` // inventory name of the terminal
	TID    string `json:"tid,omitempty"`
	TxnRef string `json:"txn_ref,omitempty"`

	Text     string            `json:"text,omitempty"`
	Amount   int64             `json:"amount,omitempty"`
	Currency int               `json:"currency,omitempty"`
	Payment  *terminal.Payment `json:"payment,omitempty"`
	Identity *terminal.Status  `json:"identity,omitempty"`
	Result   *Result           `json:"result,omitempty"`
	// SummaryZh is Result's summary in Chinese (Result.Text.Zh, which the
	// Result's own JSON leaves out), so a report in zh can show it.
	SummaryZh string            `json:"summary_zh,omitempty"`
	Symptom   model.SymptomID   `json:"symptom,omitempty"`
	Diagnosis *model.Diagnosis  `json:"diagnosis,omitempty"`
	Step      *StepRecord       `json:"step,omitempty"`
	Codes     []model.Code      `json:"codes,omitempty"`
	Fix       *FixRecord        `json:"fix,omitempty"`
	Verify    *VerifyRecord     `json:"verify,omitempty"`
	Verdict   model.Status      `json:"verdict,omitempty"`
	Info      map[string]string `json:"info,omitempty"`
}

// ErrJournalInUse means another running posdoctor has the journal open.
var ErrJournalInUse = errors.New("in use by a running posdoctor")

// journalInUse reports whether a running process holds path's lock.
func journalInUse(path string) bool {
	f, err := os.OpenFile(path, os.O_RDONLY, 0)
	if err != nil {
		return false
	}
	defer f.Close()
	return !lockFile(f)
}

// Journal is a session's JSON Lines journal, safe for concurrent use. The
// file is created with mode 0600 and appended to; entries of money kinds
// are fsynced before Record returns.
type Journal struct {
	mu      sync.Mutex
	cond    *sync.Cond // signals the end of a write
	f       *os.File
	path    string
	session string
	seq     int64
	now     func() time.Time

	// Group commit: entries are appended to buf; whoever needs them on disk
	// writes everything pending at once, so concurrent sessions of a fleet
	// sweep do not queue behind one write (or fsync) each.
	buf             []byte
	spare           []byte // a written buf, kept for the next entries
	gen             int64  // entries appended
	written, synced int64  // entries written, and fsynced
	writing         bool
}

// JournalExt is the journal files' extension.
const JournalExt = ".jsonl"

// NewSessionID returns a sortable session id for now, e.g.
// 20261121T162645Z-3f9a.
func NewSessionID(now time.Time) string {
	return fmt.Sprintf("%s-%04x", now.UTC().Format("20060102T150405Z"), now.Nanosecond()&0xffff)
}

// OpenJournal creates (or appends to) dir/sessionID.jsonl. dir is created
// with mode 0700.
func OpenJournal(dir, sessionID string) (*Journal, error) {
	if sessionID == "" || strings.ContainsAny(sessionID, `/\`) {
		return nil, fmt.Errorf("journal: bad session id %q", sessionID)
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("journal: %w (set journal_dir in the config or POSDOCTOR_JOURNAL_DIR)", err)
	}
	p := filepath.Join(dir, sessionID+JournalExt)
	f, err := os.OpenFile(p, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
	if err != nil {
		return nil, fmt.Errorf("journal: %w (set journal_dir in the config or POSDOCTOR_JOURNAL_DIR)", err)
	}
	// The lock says "this session is alive": recovery leaves its payments alone.
	if !lockFile(f) {
		f.Close()
		return nil, fmt.Errorf("journal %s: %w", p, ErrJournalInUse)
	}
	syncDir(dir)
	j := &Journal{f: f, path: p, session: sessionID, now: time.Now}
	j.cond = sync.NewCond(&j.mu)
	// Continue the sequence of an existing file.
	if s, err := ReadSession(p); err == nil && len(s.Entries) > 0 {
		j.seq = s.Entries[len(s.Entries)-1].Seq
	}
	return j, nil
}

// syncDir fsyncs a directory so a new file's name survives a crash (POSIX;
// a no-op where directories cannot be synced).
func syncDir(dir string) {
	if d, err := os.Open(dir); err == nil {
		_ = d.Sync()
		_ = d.Close()
	}
}

// Path is the journal file.
func (j *Journal) Path() string {
	if j == nil {
		return ""
	}
	return j.path
}

// SessionID is the journal's session.
func (j *Journal) SessionID() string {
	if j == nil {
		return ""
	}
	return j.session
}

// Record appends e (Seq, Time and Session are set here). Money entries
// (txn_*, reversal_*) and step states are written and fsynced before Record
// returns; session start and end, diagnoses, notes and errors are written
// at once; check results and identities may wait in memory until the next
// of those (or Flush, or Close). A nil Journal records nothing.
func (j *Journal) Record(e Entry) error {
	if j == nil {
		return nil
	}
	if e.Time.IsZero() {
		e.Time = j.now().UTC()
	}
	e.Session = j.session
	e.Seq = 0
	// Marshal outside the lock; the sequence number is spliced in under it.
	body, err := json.Marshal(e)
	if err != nil {
		return fmt.Errorf("journal: %w", err)
	}
	body = ScrubPAN(body)
	const head = `{"seq":0`
	if !bytes.HasPrefix(body, []byte(head)) {
		return errors.New("journal: unexpected entry encoding")
	}
	dir, name := filepath.Dir(j.path), filepath.Base(j.path)
	if e.Kind == EntryTxnIntent && e.TxnRef != "" {
		// The marker goes first: a kill between the two leaves a marker
		// (recovery finds nothing sent and closes it), never an intent the
		// index does not know.
		if err := indexEntry(dir, name, e); err != nil {
			return err
		}
	}
	j.mu.Lock()
	err = j.appendLocked(body, e.Kind)
	j.mu.Unlock()
	if err != nil {
		if e.Kind == EntryTxnIntent {
			dropMarker(dir, e.TxnRef) // no intent, so no payment is sent
		}
		return err
	}
	if !moneyKinds[e.Kind] || e.Kind == EntryTxnIntent {
		return nil
	}
	// The entry is on disk: bring the open-payment index in step.
	return indexEntry(dir, name, e)
}

// appendLocked adds one encoded entry (body without its seq) and writes it
// as its kind needs. j.mu is held.
func (j *Journal) appendLocked(body []byte, kind EntryKind) error {
	const head = `{"seq":0`
	if j.f == nil {
		return errors.New("journal: closed")
	}
	j.seq++
	if j.buf == nil {
		j.buf, j.spare = j.spare, nil
	}
	j.buf = append(j.buf, `{"seq":`...)
	j.buf = strconv.AppendInt(j.buf, j.seq, 10)
	j.buf = append(j.buf, body[len(head):]...)
	j.buf = append(j.buf, '\n')
	j.gen++
	durable := moneyKinds[kind]
	if !durable && !visibleKinds[kind] && len(j.buf) < maxPending {
		return nil
	}
	return j.flushLocked(j.gen, durable)
}

// visibleKinds are written at once (without fsync), so a reader of a live
// session (the console's report) sees them; others wait for the next write.
var visibleKinds = map[EntryKind]bool{
	EntrySessionStart: true, EntryDiagnosis: true, EntryNote: true, EntryError: true, EntrySessionEnd: true,
	EntrySymptom: true, EntryStepNote: true, EntryVerify: true,
}

// maxPending bounds what waits in memory before it is written.
const maxPending = 64 << 10

// flushLocked makes the first upto entries written (and fsynced when sync
// is set). j.mu is held; it is released during the write.
func (j *Journal) flushLocked(upto int64, sync bool) error {
	for {
		if j.written >= upto && (!sync || j.synced >= upto) {
			return nil
		}
		if j.writing {
			j.cond.Wait()
			continue
		}
		f := j.f
		if f == nil {
			return errors.New("journal: closed")
		}
		j.writing = true
		data, g := j.buf, j.gen
		j.buf = nil
		j.mu.Unlock()
		var err error
		if len(data) > 0 {
			_, err = f.Write(data)
		}
		if err == nil && sync {
			err = f.Sync()
		}
		j.mu.Lock()
		j.writing = false
		if cap(data) <= 2*maxPending {
			j.spare = data[:0]
		}
		j.cond.Broadcast()
		if err != nil {
			return fmt.Errorf("journal %s: %w", j.path, err)
		}
		j.written = g
		if sync {
			j.synced = g
		}
	}
}

// Flush writes every pending entry (without fsync), for a reader of a live
// session.
func (j *Journal) Flush() error {
	if j == nil {
		return nil
	}
	j.mu.Lock()
	defer j.mu.Unlock()
	if j.f == nil {
		return nil
	}
	return j.flushLocked(j.gen, false)
}

// RecordStep records what the operator did with a playbook step: state is
// StepDone, StepSkipped or StepFailed; note is free text.
func (j *Journal) RecordStep(target, stepID, state, note string) error {
	return j.Record(Entry{Kind: EntryStepState, Target: target, Step: &StepRecord{ID: stepID, State: state, Note: note}})
}

// Close syncs and closes the file.
func (j *Journal) Close() error {
	if j == nil {
		return nil
	}
	j.mu.Lock()
	defer j.mu.Unlock()
	if j.f == nil {
		return nil
	}
	err := j.flushLocked(j.gen, true)
	for j.writing {
		j.cond.Wait()
	}
	if cerr := j.f.Close(); err == nil {
		err = cerr
	}
	j.f = nil
	return err
}

// Session is a journal read back.
type Session struct {
	ID      string  `json:"session_id"`
	Path    string  `json:"path"`
	Entries []Entry `json:"entries"`
	// Torn is set when the last line was cut short (a crash mid-write) and
	// was skipped.
	Torn bool `json:"torn,omitempty"`
}

// maxLine bounds one journal line (a check with a long trace).
const maxLine = 8 << 20

// ReadSession reads a journal. A last line that is cut short or does not
// parse is skipped and Torn is set; a bad line before the last is an error
// that names the line.
func ReadSession(path string) (Session, error) {
	f, err := os.Open(path)
	if err != nil {
		return Session{}, fmt.Errorf("journal: %w", err)
	}
	defer f.Close()
	return readSession(f, path)
}

func readSession(r io.Reader, path string) (Session, error) {
	s := Session{Path: path, ID: strings.TrimSuffix(filepath.Base(path), JournalExt)}
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), maxLine)
	line := 0
	var pending error
	for sc.Scan() {
		line++
		b := bytes.TrimSpace(sc.Bytes())
		if len(b) == 0 {
			continue
		}
		if pending != nil {
			return s, pending
		}
		var e Entry
		if err := json.Unmarshal(b, &e); err != nil {
			pending = fmt.Errorf("journal %s:%d: %v", path, line, err)
			continue
		}
		if e.Session != "" {
			s.ID = e.Session
		}
		s.Entries = append(s.Entries, e)
	}
	if err := sc.Err(); err != nil {
		if errors.Is(err, bufio.ErrTooLong) {
			s.Torn = true
			return s, nil
		}
		return s, fmt.Errorf("journal %s: %w", path, err)
	}
	if pending != nil {
		s.Torn = true
	}
	return s, nil
}

// ListSessions returns the journal files in dir, newest first.
func ListSessions(dir string) ([]string, error) {
	m, err := filepath.Glob(filepath.Join(dir, "*"+JournalExt))
	if err != nil {
		return nil, err
	}
	sort.Sort(sort.Reverse(sort.StringSlice(m)))
	return m, nil
}

// FindSession resolves a session id or a path to a journal file: an
// existing path is taken as is, else dir/ID.jsonl, else the one file in dir
// whose name starts with ID.
func FindSession(dir, idOrPath string) (string, error) {
	if st, err := os.Stat(idOrPath); err == nil && !st.IsDir() {
		return idOrPath, nil
	}
	if strings.ContainsAny(idOrPath, `/\`) {
		return "", fmt.Errorf("no journal at %s", idOrPath)
	}
	p := filepath.Join(dir, strings.TrimSuffix(idOrPath, JournalExt)+JournalExt)
	if _, err := os.Stat(p); err == nil {
		return p, nil
	}
	all, _ := ListSessions(dir)
	var found []string
	for _, f := range all {
		if strings.HasPrefix(filepath.Base(f), idOrPath) {
			found = append(found, f)
		}
	}
	switch len(found) {
	case 1:
		return found[0], nil
	case 0:
		return "", fmt.Errorf("no session %q in %s (give a journal path, or set --journal-dir)", idOrPath, dir)
	default:
		return "", fmt.Errorf("session %q is ambiguous in %s: %d journals match", idOrPath, dir, len(found))
	}
}

// ScrubPAN masks anything in b that looks like a full card number to its
// first six and last four digits: [terminal.ScrubPAN], the rule the ZVT
// decoder applies to texts and traces too. Every writer in this package runs
// it as a last line of defence; PANs are masked long before. b may be
// modified and is returned.
func ScrubPAN(b []byte) []byte { return terminal.ScrubPAN(b) }

// ScrubString is ScrubPAN for strings ([terminal.ScrubString]).
func ScrubString(s string) string { return terminal.ScrubString(s) }
