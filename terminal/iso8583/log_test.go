package iso8583_test

import (
	"io/fs"
	"strings"
	"testing"
	"time"

	"github.com/posdoctor/posdoctor/fixtures"
	"github.com/posdoctor/posdoctor/terminal/iso8583"
)

func readFixtureLog(t testing.TB) *iso8583.Log {
	t.Helper()
	b, err := fs.ReadFile(fixtures.FS, "traces/iso8583-host.log")
	if err != nil {
		t.Fatal(err)
	}
	l, err := iso8583.ReadLog(strings.NewReader(string(b)))
	if err != nil {
		t.Fatal(err)
	}
	return l
}

// TestReadLogPairs reads the interleaved host log: requests pair with their
// answers by TID and STAN, latencies come from the timestamps, unanswered
// requests and an answer without its request stand alone.
func TestReadLogPairs(t *testing.T) {
	t.Parallel()
	l := readFixtureLog(t)
	if len(l.Entries) != 12 {
		t.Fatalf("%d entries, want 12", len(l.Entries))
	}
	if e := l.Entries[11]; e.Err == nil || e.Line != 13 || !strings.HasPrefix(e.Label, "RECV") {
		t.Errorf("last entry %+v: want an error on line 13", e)
	}
	type want struct {
		req, ans int
		latency  time.Duration
	}
	wants := []want{
		{0, 1, 410 * time.Millisecond},  // 0800 → 0810
		{2, 5, 1420 * time.Millisecond}, // 0200 000123 → 0210 00, answered after the other terminal's
		{3, 4, 650 * time.Millisecond},  // 0200 000124 TID 87654321 → 0210 55
		{6, -1, 0},                      // 0200 000125: no answer
		{7, 8, 800 * time.Millisecond},  // 0400 → 0410
		{9, -1, 0},                      // 0200 000126 TID 12345678: no answer
		{-1, 10, 0},                     // 0210 000126 TID 87654321: its request is not in the log
	}
	if len(l.Exchanges) != len(wants) {
		t.Fatalf("%d exchanges %+v, want %d", len(l.Exchanges), l.Exchanges, len(wants))
	}
	for i, w := range wants {
		x := l.Exchanges[i]
		if x.Request != w.req || x.Answer != w.ans || x.Latency != w.latency || x.HasLatency != (w.req >= 0 && w.ans >= 0) {
			t.Errorf("exchange %d = %+v, want %+v", i, x, w)
		}
	}
	if u := l.Unanswered(); len(u) != 2 || u[0].Request != 6 || u[1].Request != 9 {
		t.Errorf("unanswered %+v", u)
	}
	if got := iso8583.ExchangeText(l, l.Exchanges[1], "en"); got != "0210 39=00 after 1420 ms" {
		t.Errorf("exchange text %q", got)
	}
	if l.Entries[0].Direction() != iso8583.ToHost || l.Entries[1].Direction() != iso8583.FromHost {
		t.Errorf("directions %q %q", l.Entries[0].Direction(), l.Entries[1].Direction())
	}
}

// TestReadLogForms: timestamps with and without a date or zone, labels,
// messages split over lines, annotated vectors and blank lines.
func TestReadLogForms(t *testing.T) {
	t.Parallel()
	signIn := hexOf(vector(t, "0800-sign-in.hex"))
	answer := hexOf(vector(t, "0810-sign-in-answer.hex"))
	tests := []struct {
		name    string
		text    string
		entries int
		latency time.Duration
	}{
		{"time only", "14:29:57.900 " + signIn + "\n14:29:58.010 " + answer + "\n", 2, 110 * time.Millisecond},
		{"across midnight", "23:59:59.900 " + signIn + "\n00:00:00.100 " + answer + "\n", 2, 200 * time.Millisecond},
		{"bracketed zone", "[2026-12-02T14:29:57.900+08:00] send: " + signIn + "\n[2026-12-02T06:29:58.000Z] recv: " + answer + "\n", 2, 100 * time.Millisecond},
		{"comma millis", "2026/12/02 14:29:57,900 -> " + signIn + "\n2026/12/02 14:29:58,900 <- " + answer + "\n", 2, time.Second},
		{"split over lines", "14:29:57 " + signIn[:40] + "\n  " + signIn[40:] + "\n14:29:59 " + answer + "\n", 2, 2 * time.Second},
		{"no timestamps", signIn + "\n\n" + answer + "\n", 2, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			l, err := iso8583.ReadLog(strings.NewReader(tt.text))
			if err != nil {
				t.Fatal(err)
			}
			if len(l.Entries) != tt.entries {
				t.Fatalf("%d entries, want %d: %+v", len(l.Entries), tt.entries, l.Entries)
			}
			for _, e := range l.Entries {
				if e.Err != nil || e.Msg.Err() != nil {
					t.Errorf("line %d: %v %v", e.Line, e.Err, e.Msg.Problems)
				}
			}
			if len(l.Exchanges) != 1 || l.Exchanges[0].Answer != 1 || l.Exchanges[0].Latency != tt.latency {
				t.Errorf("exchanges %+v, want one with latency %v", l.Exchanges, tt.latency)
			}
		})
	}
	// The annotated vectors themselves, one after the other.
	var sb strings.Builder
	for _, n := range []string{"0800-sign-in.hex", "0810-sign-in-answer.hex"} {
		b, _ := fs.ReadFile(fixtures.FS, "vectors/iso8583/"+n)
		sb.Write(b)
	}
	l, err := iso8583.ReadLog(strings.NewReader(sb.String()))
	if err != nil || len(l.Entries) != 2 || len(l.Exchanges) != 1 || l.Exchanges[0].Answer != 1 {
		t.Errorf("annotated vectors: %v, %+v", err, l)
	}
}

func TestReadLogLongLine(t *testing.T) {
	t.Parallel()
	_, err := iso8583.ReadLog(strings.NewReader(strings.Repeat("0", iso8583.MaxLogLine+1)))
	if err == nil || !strings.Contains(err.Error(), "line 1 is longer") {
		t.Errorf("err = %v", err)
	}
}
