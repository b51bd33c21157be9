package checks

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync/atomic"
	"time"

	"github.com/posdoctor/posdoctor/terminal"
)

// The open-payment index: what recovery needs at start-up, found without
// reading the history. Each test payment that has an intent and no
// txn_closed has one small file, <journal_dir>/open/<txn_ref>.json, written
// before its txn_intent line, so before the Authorization is sent (write a
// temp file, fsync, rename, fsync the directory: a kill at any point
// leaves the old state or the new, never a torn file), and removed when
// the payment is closed. A marker whose journal has no intent (killed in
// between) is resolved like any unknown outcome: nothing was sent. The
// journal stays the record: recovery re-reads a payment's own journal
// before it acts, so a marker left behind by a crash between the
// journal's txn_closed and the removal is dropped, not acted on.
//
// A journal dir from before the index has no open/INDEX stamp: the first
// start reads every journal once, writes the markers, then the stamp.

// openDirName is the index's directory inside the journal dir.
const openDirName = "open"

// indexStamp marks an index that covers every journal in the dir.
const indexStamp = "INDEX"

// fullScans counts reads of the whole journal dir (tests).
var fullScans atomic.Int64

// openMarker is one open payment in the index.
type openMarker struct {
	// Intent is the payment's txn_intent entry.
	Intent Entry `json:"intent"`
	// Journal is the journal file's name inside the journal dir.
	Journal string `json:"journal"`
	// Approved is the terminal's approval when it was heard: recovery
	// reverses it rather than asking with Repeat Receipt.
	Approved *terminal.Payment `json:"approved,omitempty"`
}

// markerName is the file name of ref's marker: ref with anything but
// letters, digits, '-', '_' and '.' written as %XX, so a ref can never
// name a path.
func markerName(ref string) string {
	var b strings.Builder
	for i := 0; i < len(ref); i++ {
		c := ref[i]
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9', c == '-', c == '_', c == '.' && i > 0:
			b.WriteByte(c)
		default:
			fmt.Fprintf(&b, "%%%02X", c)
		}
	}
	return b.String() + ".json"
}

// writeFileAtomic writes b to path so that a crash leaves either the old
// file or the new one: a temp file in the same dir, fsync, rename, fsync
// the dir.
func writeFileAtomic(path string, b []byte) error {
	dir := filepath.Dir(path)
	f, err := os.CreateTemp(dir, ".tmp-*")
	if err != nil {
		return err
	}
	tmp := f.Name()
	_, err = f.Write(b)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp, path)
	}
	if err != nil {
		_ = os.Remove(tmp)
		return err
	}
	syncDir(dir)
	return nil
}

// indexDir creates dir/open (0700) and returns it.
func indexDir(dir string) (string, error) {
	od := filepath.Join(dir, openDirName)
	if _, err := os.Stat(od); err == nil {
		return od, nil
	}
	if err := os.MkdirAll(od, 0o700); err != nil {
		return "", err
	}
	syncDir(dir)
	return od, nil
}

// putMarker writes m durably.
func putMarker(dir string, m openMarker) error {
	od, err := indexDir(dir)
	if err != nil {
		return err
	}
	b, err := json.Marshal(m)
	if err != nil {
		return err
	}
	return writeFileAtomic(filepath.Join(od, markerName(m.Intent.TxnRef)), ScrubPAN(b))
}

// readMarker reads ref's marker; ok is false when there is none.
func readMarker(dir, ref string) (openMarker, bool) {
	b, err := os.ReadFile(filepath.Join(dir, openDirName, markerName(ref)))
	if err != nil {
		return openMarker{}, false
	}
	var m openMarker
	if json.Unmarshal(b, &m) != nil || m.Intent.TxnRef != ref {
		return openMarker{}, false
	}
	return m, true
}

// dropMarker removes ref's marker. Not fsynced: a removal lost in a crash
// leaves a marker that recovery finds closed in the journal and drops.
func dropMarker(dir, ref string) {
	_ = os.Remove(filepath.Join(dir, openDirName, markerName(ref)))
}

// indexEntry keeps the index in step with a money entry just made durable
// in journal (a file in dir).
func indexEntry(dir, journal string, e Entry) error {
	if e.TxnRef == "" {
		return nil
	}
	switch e.Kind {
	case EntryTxnIntent:
		if err := putMarker(dir, openMarker{Intent: e, Journal: journal}); err != nil {
			return fmt.Errorf("journal: open-payment index: %w", err)
		}
	case EntryTxnResult:
		m, ok := readMarker(dir, e.TxnRef)
		if ok && m.Approved == nil && approvedFor(e, m.Intent) {
			p := *e.Payment
			m.Approved = &p
			// Best effort: without it recovery asks with Repeat Receipt.
			_ = putMarker(dir, m)
		}
	case EntryTxnClosed:
		dropMarker(dir, e.TxnRef)
	}
	return nil
}

// approvedFor reports whether result e approves the payment of intent.
func approvedFor(e, intent Entry) bool {
	return e.Payment != nil && e.Payment.Approved && e.Payment.Receipt != 0 && e.Payment.Amount == intent.Amount
}

// openIndex returns the open payments of dir's journals, oldest first,
// from the index (building it once from the journals when the dir has
// none yet).
func openIndex(dir string) ([]*openTxn, error) {
	od := filepath.Join(dir, openDirName)
	if _, err := os.Stat(filepath.Join(od, indexStamp)); err != nil {
		if err := buildIndex(dir); err != nil {
			return nil, err
		}
	}
	ents, err := os.ReadDir(od)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var out []*openTxn
	for _, de := range ents {
		name := de.Name()
		if !strings.HasSuffix(name, ".json") || strings.HasPrefix(name, ".") {
			continue
		}
		b, err := os.ReadFile(filepath.Join(od, name))
		if err != nil {
			continue
		}
		var m openMarker
		if json.Unmarshal(b, &m) != nil || m.Intent.TxnRef == "" || m.Journal == "" || strings.ContainsAny(m.Journal, `/\`) {
			continue // written atomically: only a hand-edited file is bad
		}
		p := filepath.Join(dir, m.Journal)
		t := &openTxn{base: m.Intent, approved: m.Approved, journal: p, session: m.Intent.Session, live: journalInUse(p)}
		if t.session == "" {
			t.session = strings.TrimSuffix(m.Journal, JournalExt)
		}
		out = append(out, t)
	}
	sort.Slice(out, func(i, j int) bool {
		a, b := out[i].base, out[j].base
		if !a.Time.Equal(b.Time) {
			return a.Time.Before(b.Time)
		}
		return a.TxnRef < b.TxnRef
	})
	return out, nil
}

// buildIndex reads every journal in dir once and writes a marker for each
// open payment, then the stamp. Running it twice (two processes at once)
// writes the same markers.
func buildIndex(dir string) error {
	if _, err := os.Stat(dir); errors.Is(err, fs.ErrNotExist) {
		return nil // no journals: nothing open, and nothing to stamp yet
	}
	fullScans.Add(1)
	txns, err := foldOpen(dir)
	if err != nil {
		return err
	}
	for _, t := range txns {
		m := openMarker{Intent: t.base, Journal: filepath.Base(t.journal), Approved: t.approved}
		if m.Intent.Session == "" {
			m.Intent.Session = t.session
		}
		if err := putMarker(dir, m); err != nil {
			return fmt.Errorf("open-payment index: %w", err)
		}
	}
	od, err := indexDir(dir)
	if err != nil {
		return fmt.Errorf("open-payment index: %w", err)
	}
	stamp := fmt.Sprintf("posdoctor open-payment index; built %s from %d open payments\n", time.Now().UTC().Format(time.RFC3339), len(txns))
	return writeFileAtomic(filepath.Join(od, indexStamp), []byte(stamp))
}

// confirmOpen re-reads t's own journal before recovery acts on it: a
// payment closed there (its marker outlived a crash) is dropped from the
// index and reported closed; an approval the marker missed is taken.
func confirmOpen(dir string, t *openTxn) (open bool) {
	s, err := ReadSession(t.journal)
	if err != nil && len(s.Entries) == 0 {
		if errors.Is(err, fs.ErrNotExist) {
			dropMarker(dir, t.base.TxnRef) // its journal is gone (deleted by hand)
			return false
		}
		return true // unreadable: keep it open, the operator is told
	}
	for _, e := range s.Entries {
		if e.TxnRef != t.base.TxnRef {
			continue
		}
		switch {
		case e.Kind == EntryTxnClosed:
			dropMarker(dir, t.base.TxnRef)
			return false
		case e.Kind == EntryTxnResult && t.approved == nil && approvedFor(e, t.base):
			p := *e.Payment
			t.approved = &p
		}
	}
	return true
}
