package main

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/posdoctor/posdoctor/checks"
	"github.com/posdoctor/posdoctor/model"
)

func TestFleetProgress(t *testing.T) {
	t.Parallel()
	clock := time.Date(2026, 12, 2, 8, 0, 0, 0, time.UTC)
	now := func() time.Time { return clock }
	var b bytes.Buffer
	p := newFleetProgress(&b, 4, model.LangEn, now)
	p.width = 8
	clock = clock.Add(time.Second)
	p.add(checks.TerminalReport{Verdict: model.StatusOK})
	if got := b.String(); got != eraseLine+"[##......] 1/4 terminals, about 3s left" {
		t.Errorf("first draw %q", got)
	}
	// Within redrawEvery: not redrawn.
	b.Reset()
	clock = clock.Add(10 * time.Millisecond)
	p.add(checks.TerminalReport{Verdict: model.StatusFail})
	if b.Len() != 0 {
		t.Errorf("redrawn after 10ms: %q", b.String())
	}
	clock = clock.Add(time.Second)
	p.add(checks.TerminalReport{Verdict: model.StatusError})
	if got := b.String(); !strings.HasSuffix(got, "[######..] 3/4 terminals, 1 fail, 1 error, about 1s left") {
		t.Errorf("third draw %q", got)
	}
	// The last terminal is always drawn, then clear erases the line.
	b.Reset()
	p.add(checks.TerminalReport{Verdict: model.StatusWarn})
	if got := b.String(); !strings.HasSuffix(got, "[########] 4/4 terminals, 1 fail, 1 error, 1 warn") {
		t.Errorf("last draw %q", got)
	}
	b.Reset()
	p.clear()
	p.clear()
	if b.String() != eraseLine {
		t.Errorf("clear wrote %q, want one erase", b.String())
	}

	zh := newFleetProgress(&b, 2, model.LangZh, now)
	zh.bad[model.StatusFail] = 1
	if got := zh.line(); !strings.Contains(got, "已检查 0/2 台") || !strings.Contains(got, "失败 1 台") {
		t.Errorf("zh line %q", got)
	}
}

func TestFleetTextEndsWithTable(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	inv := dir + "/inv.csv"
	writeTestFile(t, inv, "target,name\nsim://healthy,h1\nsim://keys-out-of-sync,k1\nsim://slow-network,w1\n")
	for _, errTTY := range []bool{false, true} {
		io, out, errOut := testIO()
		io.ErrTTY = errTTY
		opts := &CheckOptions{IO: io, Inventory: inv, Format: "text", Concurrency: 4, Timeout: time.Minute, JournalDir: t.TempDir(), ConfigPath: writeEmptyConfig(t)}
		if err := opts.validate(); err != nil {
			t.Fatal(err)
		}
		err := checkRun(t.Context(), opts)
		if exitCode(err) != exitFail {
			t.Fatalf("exit %d (%v), want 2", exitCode(err), err)
		}
		got := out.String()
		i := strings.Index(got, "Fleet: 3 terminals in ")
		if i < 0 || !strings.Contains(got[i:], "  status         1 (1 fail)") || !strings.Contains(got[i:], "Worst terminals first:\n  FAIL k1 (sim://keys-out-of-sync) TID 52500019: 1 fail, 1 warn, 2 ok, 2 skip (status)\n  WARN w1") {
			t.Errorf("no summary table at the end:\n%s", got)
		}
		if !strings.HasSuffix(got, "FAIL fleet: 3 terminals: 1 ok, 1 warn, 1 fail, 0 error\n") {
			t.Errorf("last line:\n%s", got)
		}
		bar := strings.Contains(errOut.String(), "3/3 terminals")
		if bar != errTTY {
			t.Errorf("stderr TTY %v: progress bar shown %v: %q", errTTY, bar, errOut.String())
		}
		if errTTY && !strings.HasSuffix(errOut.String(), eraseLine) {
			t.Errorf("the bar is not erased at the end: %q", errOut.String())
		}
	}
}

func writeEmptyConfig(t *testing.T) string {
	t.Helper()
	p := t.TempDir() + "/config.yaml"
	writeTestFile(t, p, "locale: en\n")
	return p
}
