package checks

import (
	"bytes"
	"fmt"
	"io"
	"sort"
	"strings"
	"time"

	"github.com/posdoctor/posdoctor/model"
)

// FleetTable collects a sweep's reports for the table that ends the text
// output of a fleet: terminals per verdict, terminals per failing check,
// and the worst terminals first. It keeps one short line per terminal that
// is not ok, so a sweep of thousands stays small.
type FleetTable struct {
	verdicts map[model.Status]int
	failing  map[model.CheckID]map[model.Status]int
	worst    []fleetRow
}

// fleetRow is one terminal that is not ok, in the order of its badness.
type fleetRow struct {
	rank int // of its verdict: fail first
	bad  int // checks that failed or could not run
	who  string
	sum  TerminalReport // only the fields SummaryLineIn reads
}

// MaxWorst is how many terminals the table lists.
const MaxWorst = 10

// verdictRank orders verdicts worst first, as the exit code does.
var verdictRank = map[model.Status]int{model.StatusFail: 0, model.StatusError: 1, model.StatusWarn: 2, model.StatusSkip: 3, model.StatusOK: 4}

// verdictOrder is the table's order of verdict rows.
var verdictOrder = []model.Status{model.StatusFail, model.StatusError, model.StatusWarn, model.StatusOK, model.StatusSkip}

// Add counts one terminal's report.
func (t *FleetTable) Add(r TerminalReport) {
	if t.verdicts == nil {
		t.verdicts, t.failing = map[model.Status]int{}, map[model.CheckID]map[model.Status]int{}
	}
	t.verdicts[r.Verdict]++
	bad := 0
	for _, c := range r.Checks {
		if c.Status == model.StatusFail || c.Status == model.StatusError || c.Status == model.StatusWarn {
			if t.failing[c.ID] == nil {
				t.failing[c.ID] = map[model.Status]int{}
			}
			t.failing[c.ID][c.Status]++
		}
		if c.Status == model.StatusFail || c.Status == model.StatusError {
			bad++
		}
	}
	if r.Verdict == model.StatusOK || r.Verdict == model.StatusSkip {
		return
	}
	// Keep what the summary line needs, not evidence and traces.
	slim := TerminalReport{Target: r.Target, Name: r.Name, Terminal: TerminalInfo{TID: r.Terminal.TID}, Verdict: r.Verdict, Error: r.Error}
	for _, c := range r.Checks {
		slim.Checks = append(slim.Checks, CheckReport{ID: c.ID, Status: c.Status})
	}
	t.worst = append(t.worst, fleetRow{rank: verdictRank[r.Verdict], bad: bad, who: r.Name + r.Target, sum: slim})
}

// Fleet table words.
var (
	wFleetHead    = model.Text{En: "Fleet: %d terminals in %s", Zh: "终端汇总：%d 台，用时 %s"}
	wFleetShard   = model.Text{En: " (shard %s)", Zh: "（分片 %s）"}
	wVerdictCol   = model.Text{En: "verdict", Zh: "结论"}
	wTermsCol     = model.Text{En: "terminals", Zh: "终端数"}
	wCheckCol     = model.Text{En: "check not ok", Zh: "未通过的检查"}
	wWorstHead    = model.Text{En: "Worst terminals first:", Zh: "问题最重的终端："}
	wWorstMore    = model.Text{En: "  … and %d more not ok", Zh: "  …… 另有 %d 台未通过"}
	wFailingNone  = model.Text{En: "  every check passed", Zh: "  所有检查均通过"}
	wStatusCounts = model.Text{En: "%d %s", Zh: "%s %d 台"}
)

// Write writes the table in lang, headed by the sweep's size and time.
func (t *FleetTable) Write(w io.Writer, sum FleetSummary, lang model.Lang) error {
	var b bytes.Buffer
	s := sum.Summary
	head := fmt.Sprintf(wFleetHead.In(lang), s.Terminals, fmtDuration(time.Duration(s.DurationMS)*time.Millisecond, s.DurationMS))
	if s.Shard != "" {
		head += fmt.Sprintf(wFleetShard.In(lang), s.Shard)
	}
	fmt.Fprintln(&b, head)
	fmt.Fprintf(&b, "  %s %s\n", padWidth(wVerdictCol.In(lang), 14), wTermsCol.In(lang))
	for _, v := range verdictOrder {
		if n := t.verdicts[v]; n > 0 || v != model.StatusSkip {
			fmt.Fprintf(&b, "  %s %d\n", padWidth(Label(model.KindStatus, string(v), lang), 14), n)
		}
	}
	t.writeFailing(&b, lang)
	t.writeWorst(&b, lang)
	_, err := w.Write(ScrubPAN(b.Bytes()))
	return err
}

// writeFailing lists each check that was not ok, the most terminals first.
func (t *FleetTable) writeFailing(b *bytes.Buffer, lang model.Lang) {
	fmt.Fprintf(b, "  %s %s\n", padWidth(wCheckCol.In(lang), 14), wTermsCol.In(lang))
	type row struct {
		id    model.CheckID
		total int
		by    map[model.Status]int
	}
	var rows []row
	for id, by := range t.failing {
		n := 0
		for _, c := range by {
			n += c
		}
		rows = append(rows, row{id, n, by})
	}
	if len(rows) == 0 {
		fmt.Fprintln(b, wFailingNone.In(lang))
		return
	}
	order := map[model.CheckID]int{}
	for i, id := range model.CheckOrder {
		order[id] = i
	}
	sort.Slice(rows, func(i, j int) bool {
		if rows[i].total != rows[j].total {
			return rows[i].total > rows[j].total
		}
		return order[rows[i].id] < order[rows[j].id]
	})
	for _, r := range rows {
		var parts []string
		for _, v := range verdictOrder {
			if n := r.by[v]; n > 0 {
				if lang == model.LangZh {
					parts = append(parts, fmt.Sprintf(wStatusCounts.Zh, Label(model.KindStatus, string(v), lang), n))
				} else {
					parts = append(parts, fmt.Sprintf(wStatusCounts.En, n, v))
				}
			}
		}
		fmt.Fprintf(b, "  %s %d"+wordIn(wParen, lang)+"\n", padWidth(checkName(r.id, lang), 14), r.total, strings.Join(parts, wordIn(wComma, lang)))
	}
}

// writeWorst lists up to MaxWorst terminals: fail, then error, then warn;
// more failed checks first; then by name.
func (t *FleetTable) writeWorst(b *bytes.Buffer, lang model.Lang) {
	if len(t.worst) == 0 {
		return
	}
	sort.SliceStable(t.worst, func(i, j int) bool {
		a, c := t.worst[i], t.worst[j]
		if a.rank != c.rank {
			return a.rank < c.rank
		}
		if a.bad != c.bad {
			return a.bad > c.bad
		}
		return a.who < c.who
	})
	fmt.Fprintln(b, wWorstHead.In(lang))
	for _, r := range t.worst[:min(len(t.worst), MaxWorst)] {
		fmt.Fprintf(b, "  %s\n", SummaryLineIn(r.sum, lang))
	}
	if n := len(t.worst) - MaxWorst; n > 0 {
		fmt.Fprintf(b, wWorstMore.In(lang)+"\n", n)
	}
}
