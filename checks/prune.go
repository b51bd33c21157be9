package checks

import (
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"
)

// Journal retention defaults (config keys journal_keep_days and
// journal_max_mb).
const (
	DefaultJournalKeepDays = 90
	DefaultJournalMaxMB    = 500
)

// pruneEvery is how often a start looks at the whole journal dir to prune
// it: start-up must not grow with history.
const pruneEvery = 24 * time.Hour

// prunedStamp is the file (in the index dir) whose time says when the
// journal dir was last pruned.
const prunedStamp = "PRUNED"

// Retention says how much journal history is kept: sessions older than
// MaxAge go first, then the oldest until the dir holds at most MaxBytes.
// A session with an open test payment, or that a running posdoctor holds,
// is never removed.
type Retention struct {
	MaxAge   time.Duration
	MaxBytes int64
}

// Retention is the config's journal retention.
func (c Config) Retention() Retention {
	days, mb := c.JournalKeepDays, c.JournalMaxMB
	if days <= 0 {
		days = DefaultJournalKeepDays
	}
	if mb <= 0 {
		mb = DefaultJournalMaxMB
	}
	return Retention{MaxAge: time.Duration(days) * 24 * time.Hour, MaxBytes: int64(mb) << 20}
}

// OpenSessionJournal opens a new session's journal in cfg.JournalDir and,
// at most once a day, prunes the dir to cfg's retention. Every front end
// opens its journal with it (Connect does for the console).
func OpenSessionJournal(cfg Config, sessionID string) (*Journal, error) {
	if cfg.JournalDir == "" {
		cfg.JournalDir = DefaultJournalDir()
	}
	j, err := OpenJournal(cfg.JournalDir, sessionID)
	if err != nil {
		return nil, err
	}
	maybePrune(cfg.JournalDir, cfg.Retention(), time.Now())
	return j, nil
}

// maybePrune prunes dir when it was last pruned more than pruneEvery ago.
func maybePrune(dir string, r Retention, now time.Time) {
	stamp := filepath.Join(dir, openDirName, prunedStamp)
	if st, err := os.Stat(stamp); err == nil && now.Sub(st.ModTime()) < pruneEvery {
		return
	}
	if _, err := PruneJournals(dir, r, now); err != nil {
		return
	}
	if od, err := indexDir(dir); err == nil {
		_ = os.WriteFile(filepath.Join(od, prunedStamp), []byte("posdoctor: journals last pruned "+now.UTC().Format(time.RFC3339)+"\n"), 0o600)
		_ = os.Chtimes(filepath.Join(od, prunedStamp), now, now)
	}
}

// sessionFiles are one session's files in the journal dir: its journal
// and the reports made from it (<session>-report.md, .html).
type sessionFiles struct {
	id    string
	files []string
	size  int64
	mod   time.Time // newest file
}

// PruneJournals removes the sessions in dir beyond r, oldest first, and
// returns the files removed. Sessions with an open test payment (in the
// index) and sessions a running posdoctor holds are kept.
func PruneJournals(dir string, r Retention, now time.Time) ([]string, error) {
	groups, err := listSessionFiles(dir)
	if err != nil {
		return nil, err
	}
	keep := map[string]bool{}
	open, err := openIndex(dir)
	if err != nil {
		return nil, err // without the index nothing is known safe to remove
	}
	for _, t := range open {
		keep[strings.TrimSuffix(filepath.Base(t.journal), JournalExt)] = true
	}
	var total int64
	for _, g := range groups {
		total += g.size
	}
	var removed []string
	for _, g := range groups { // oldest first
		old := r.MaxAge > 0 && now.Sub(g.mod) > r.MaxAge
		big := r.MaxBytes > 0 && total > r.MaxBytes
		if !old && !big {
			break
		}
		if keep[g.id] || journalInUse(filepath.Join(dir, g.id+JournalExt)) {
			continue
		}
		for _, f := range g.files {
			if os.Remove(f) == nil {
				removed = append(removed, f)
			}
		}
		total -= g.size
	}
	return removed, nil
}

// listSessionFiles groups dir's journals and reports by session, oldest
// first.
func listSessionFiles(dir string) ([]*sessionFiles, error) {
	ents, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	by := map[string]*sessionFiles{}
	var out []*sessionFiles
	for _, de := range ents {
		name := de.Name()
		id, ok := strings.CutSuffix(name, JournalExt)
		if !ok {
			id, _, ok = strings.Cut(name, "-report.")
		}
		if !ok || !de.Type().IsRegular() {
			continue
		}
		info, err := de.Info()
		if err != nil {
			continue
		}
		g := by[id]
		if g == nil {
			g = &sessionFiles{id: id}
			by[id] = g
			out = append(out, g)
		}
		g.files = append(g.files, filepath.Join(dir, name))
		g.size += info.Size()
		if info.ModTime().After(g.mod) {
			g.mod = info.ModTime()
		}
	}
	sort.Slice(out, func(i, j int) bool {
		if !out[i].mod.Equal(out[j].mod) {
			return out[i].mod.Before(out[j].mod)
		}
		return out[i].id < out[j].id
	})
	return out, nil
}
