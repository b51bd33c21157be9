package checks

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/posdoctor/posdoctor/model"
)

// Journal history of BenchmarkStartup: 10,000 journaled terminal runs, as
// 50 fleet sessions of 200 terminals each.
const (
	historySessions = 50
	historyRuns     = 200
)

var (
	historyOnce sync.Once
	historyDir  string
	historyErr  error
)

// journalHistory returns a journal dir holding 10,000 terminal runs. Each
// run is a copy of a real run on sim://healthy with every check and a test
// payment (approved, reversed, closed), its txn_ref made unique. The dir
// was indexed from its start, as one written by this version is.
func journalHistory(b *testing.B) string {
	historyOnce.Do(func() {
		historyDir, historyErr = os.MkdirTemp("", "posdoctor-history-")
		if historyErr != nil {
			return
		}
		historyErr = writeHistory(historyDir)
	})
	if historyErr != nil {
		b.Fatal(historyErr)
	}
	return historyDir
}

func writeHistory(dir string) error {
	tmpl, ref, err := oneRunLines()
	if err != nil {
		return err
	}
	if _, err := OpenPayments(dir); err != nil { // the index, from the start
		return err
	}
	for s := 0; s < historySessions; s++ {
		id := fmt.Sprintf("20261101T%06dZ-%04x", s, s)
		f, err := os.OpenFile(filepath.Join(dir, id+JournalExt), os.O_CREATE|os.O_WRONLY|os.O_TRUNC, 0o600)
		if err != nil {
			return err
		}
		w := bufio.NewWriterSize(f, 1<<20)
		fmt.Fprintf(w, `{"seq":0,"ts":"2026-11-01T00:00:00Z","session_id":%q,"kind":"session_start","text":"check"}`+"\n", id)
		for r := 0; r < historyRuns; r++ {
			run := bytes.ReplaceAll(tmpl, []byte(ref), []byte(fmt.Sprintf("%s-%x", id, r)))
			w.Write(bytes.ReplaceAll(run, []byte(`"session_id":"template"`), []byte(`"session_id":"`+id+`"`)))
		}
		// On disk before the timing starts: dirty pages of the history
		// would slow the first fsyncs of the runs measured.
		err = w.Flush()
		if err == nil {
			err = f.Sync()
		}
		if err != nil {
			f.Close()
			return err
		}
		if err := f.Close(); err != nil {
			return err
		}
	}
	return nil
}

// oneRunLines runs every check with a test payment on sim://healthy and
// returns the journal lines of that terminal run and its txn_ref.
func oneRunLines() ([]byte, string, error) {
	dir, err := os.MkdirTemp("", "posdoctor-run-")
	if err != nil {
		return nil, "", err
	}
	defer os.RemoveAll(dir)
	cfg := DefaultConfig()
	cfg.JournalDir = dir
	j, err := OpenJournal(dir, "template")
	if err != nil {
		return nil, "", err
	}
	rep := CheckOne(context.Background(), InventoryEntry{Target: "sim://healthy"}, CheckOptions{Config: cfg, Open: benchOpen, Journal: j, Run: RunOptions{WithCard: true}})
	j.Close()
	if rep.Verdict != model.StatusOK {
		return nil, "", fmt.Errorf("template run: %s", SummaryLine(rep))
	}
	s, err := ReadSession(j.Path())
	if err != nil {
		return nil, "", err
	}
	var ref string
	for _, e := range s.Entries {
		if e.Kind == EntryTxnIntent {
			ref = e.TxnRef
		}
	}
	b, err := os.ReadFile(j.Path())
	if err != nil || ref == "" {
		return nil, "", fmt.Errorf("template run: no payment journaled (%v)", err)
	}
	return b, ref, nil
}

// startOnce is the start-up of one `check --target sim://healthy` (the
// checks a check without a card runs) on journal dir dir: open the session
// journal, start through Connect with recovery, run, diagnose.
func startOnce(b *testing.B, dir string, i int) {
	cfg := DefaultConfig()
	cfg.JournalDir = dir
	j, err := OpenSessionJournal(cfg, fmt.Sprintf("bench-%d-%d", time.Now().UnixNano(), i))
	if err != nil {
		b.Fatal(err)
	}
	rep := CheckOne(context.Background(), InventoryEntry{Target: "sim://healthy"}, CheckOptions{Config: cfg, Open: benchOpen, Journal: j, Recover: true})
	j.Close()
	if rep.Verdict != model.StatusOK {
		b.Fatalf("%s", SummaryLine(rep))
	}
}

// BenchmarkStartup (issue 9): one check's start-up on an empty journal dir
// and on one with 10,000 journaled terminal runs. Metrics: empty-ms,
// history-ms, ratio (history/empty, target ≤ 1.5), history-MB (the
// journals' size), scan-all-ms (reading every journal for open payments,
// what each start did before the open-payment index) and prune-ms (the
// once-a-day look over the whole dir for journals to prune).
func BenchmarkStartup(b *testing.B) {
	hist := journalHistory(b)
	empty := b.TempDir()
	startOnce(b, hist, -1) // the day's prune and the sim's first load
	startOnce(b, empty, -1)
	b.ResetTimer()
	var emptyT, histT time.Duration
	for i := 0; i < b.N; i++ {
		// Alternate which goes first, so neither pays for the other's
		// garbage more often.
		for k := 0; k < 2; k++ {
			dir, sum := empty, &emptyT
			if (i+k)%2 == 1 {
				dir, sum = hist, &histT
			}
			t0 := time.Now()
			startOnce(b, dir, i)
			*sum += time.Since(t0)
		}
	}
	b.StopTimer()
	n := float64(b.N)
	b.ReportMetric(float64(emptyT.Microseconds())/1000/n, "empty-ms")
	b.ReportMetric(float64(histT.Microseconds())/1000/n, "history-ms")
	b.ReportMetric(float64(histT)/float64(emptyT), "ratio")

	var size int64
	files, _ := ListSessions(hist)
	for _, f := range files {
		if st, err := os.Stat(f); err == nil {
			size += st.Size()
		}
	}
	b.ReportMetric(float64(size)/(1<<20), "history-MB")
	t0 := time.Now()
	if _, err := foldOpen(hist); err != nil {
		b.Fatal(err)
	}
	b.ReportMetric(float64(time.Since(t0).Microseconds())/1000, "scan-all-ms")
	t0 = time.Now()
	if _, err := PruneJournals(hist, Retention{MaxAge: 1 << 62, MaxBytes: 1 << 62}, time.Now()); err != nil {
		b.Fatal(err)
	}
	b.ReportMetric(float64(time.Since(t0).Microseconds())/1000, "prune-ms")
}
