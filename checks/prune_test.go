package checks

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

// writeSession writes a journal file of size bytes for id, last written
// age ago.
func writeSession(t *testing.T, dir, name string, size int, age time.Duration, now time.Time) {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, []byte(strings.Repeat("x", size)), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Chtimes(p, now.Add(-age), now.Add(-age)); err != nil {
		t.Fatal(err)
	}
}

func TestPruneJournals(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	now := time.Now()
	day := 24 * time.Hour
	writeSession(t, dir, "a.jsonl", 100, 200*day, now)    // old: goes
	writeSession(t, dir, "a-report.md", 50, 199*day, now) // its report goes with it
	writeSession(t, dir, "b.jsonl", 100, 200*day, now)    // old, but has an open payment
	writeSession(t, dir, "d.jsonl", 2000, 10*day, now)    // recent, big: goes for size
	writeSession(t, dir, "e.jsonl", 100, 1*day, now)      // recent, small: stays
	writeSession(t, dir, "notes.txt", 5000, 300*day, now) // not ours: stays
	if err := putMarker(dir, openMarker{Intent: Entry{Kind: EntryTxnIntent, TxnRef: "b-1", Session: "b"}, Journal: "b.jsonl"}); err != nil {
		t.Fatal(err)
	}
	if err := writeFileAtomic(filepath.Join(dir, openDirName, indexStamp), []byte("test\n")); err != nil {
		t.Fatal(err)
	}
	live, err := OpenJournal(dir, "c") // held by a running posdoctor
	if err != nil {
		t.Fatal(err)
	}
	defer live.Close()
	_ = os.Chtimes(live.Path(), now.Add(-300*day), now.Add(-300*day))

	removed, err := PruneJournals(dir, Retention{MaxAge: 90 * day, MaxBytes: 1500}, now)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, r := range removed {
		names = append(names, filepath.Base(r))
	}
	slices.Sort(names)
	if want := []string{"a-report.md", "a.jsonl", "d.jsonl"}; !slices.Equal(names, want) {
		t.Errorf("removed %v, want %v", names, want)
	}
	for _, keep := range []string{"b.jsonl", "c.jsonl", "e.jsonl", "notes.txt"} {
		if _, err := os.Stat(filepath.Join(dir, keep)); err != nil {
			t.Errorf("%s removed: %v", keep, err)
		}
	}
	// report still finds a kept session by id, and says a pruned one is gone.
	if p, err := FindSession(dir, "e"); err != nil || filepath.Base(p) != "e.jsonl" {
		t.Errorf("FindSession(e) = %q, %v", p, err)
	}
	if _, err := FindSession(dir, "a"); err == nil {
		t.Error("FindSession found the pruned session a")
	}
}

// Pruning looks at the whole dir at most once a day.
func TestPruneOncePerDay(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	now := time.Now()
	r := Retention{MaxAge: 24 * time.Hour}
	writeSession(t, dir, "old1.jsonl", 10, 48*time.Hour, now)
	maybePrune(dir, r, now)
	if _, err := os.Stat(filepath.Join(dir, "old1.jsonl")); err == nil {
		t.Fatal("old1 not pruned")
	}
	writeSession(t, dir, "old2.jsonl", 10, 48*time.Hour, now)
	maybePrune(dir, r, now.Add(time.Hour))
	if _, err := os.Stat(filepath.Join(dir, "old2.jsonl")); err != nil {
		t.Fatal("pruned again within a day")
	}
	maybePrune(dir, r, now.Add(25*time.Hour))
	if _, err := os.Stat(filepath.Join(dir, "old2.jsonl")); err == nil {
		t.Fatal("old2 not pruned a day later")
	}
}

func TestRetentionDefaults(t *testing.T) {
	t.Parallel()
	r := DefaultConfig().Retention()
	if r.MaxAge != DefaultJournalKeepDays*24*time.Hour || r.MaxBytes != DefaultJournalMaxMB<<20 {
		t.Errorf("default retention %+v", r)
	}
	r = Config{JournalKeepDays: 7, JournalMaxMB: 10}.Retention()
	if r.MaxAge != 7*24*time.Hour || r.MaxBytes != 10<<20 {
		t.Errorf("retention %+v", r)
	}
}
