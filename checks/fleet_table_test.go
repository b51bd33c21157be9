package checks

import (
	"bytes"
	"fmt"
	"strings"
	"testing"

	"github.com/posdoctor/posdoctor/model"
)

func fleetReport(name string, verdict model.Status, checks ...string) TerminalReport {
	r := TerminalReport{Target: "tcp://10.0.0.1:20007", Name: name, Verdict: verdict}
	for _, c := range checks {
		id, st, _ := strings.Cut(c, "=")
		r.Checks = append(r.Checks, CheckReport{ID: model.CheckID(id), Status: model.Status(st)})
	}
	return r
}

func TestFleetTable(t *testing.T) {
	t.Parallel()
	var tb FleetTable
	var sum FleetSummary
	for _, r := range []TerminalReport{
		fleetReport("ok-1", model.StatusOK, "link=ok", "status=ok"),
		fleetReport("warn-1", model.StatusWarn, "link=warn", "status=ok"),
		fleetReport("fail-one", model.StatusFail, "link=ok", "status=fail", "version=ok"),
		fleetReport("fail-two", model.StatusFail, "link=ok", "status=fail", "version=fail"),
		{Target: "tcp://10.0.0.9:20007", Name: "gone", Verdict: model.StatusError, Error: "could not connect"},
		fleetReport("ok-2", model.StatusOK, "link=ok", "status=ok"),
	} {
		tb.Add(r)
		sum.Add(r)
	}
	sum.Summary.DurationMS = 2500
	var b bytes.Buffer
	if err := tb.Write(&b, sum, model.LangEn); err != nil {
		t.Fatal(err)
	}
	got := b.String()
	for _, want := range []string{
		"Fleet: 6 terminals in 2.5s\n",
		"  ok             2\n",
		"  status         2 (2 fail)\n",
		"  link           1 (1 warn)\n",
		"  version        1 (1 fail)\n",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("no %q in\n%s", want, got)
		}
	}
	// Worst first: more failed checks, then error, then warn.
	order := []string{"fail-two", "fail-one", "gone", "warn-1"}
	last := -1
	for _, n := range order {
		i := strings.Index(got, "  "+strings.ToUpper(map[string]string{"fail-two": "fail", "fail-one": "fail", "gone": "error", "warn-1": "warn"}[n])+" "+n)
		if i < 0 || i < last {
			t.Fatalf("worst list not in the order %v:\n%s", order, got)
		}
		last = i
	}
	if strings.Contains(got[strings.Index(got, "Worst"):], "ok-1") {
		t.Errorf("an ok terminal is in the worst list:\n%s", got)
	}

	b.Reset()
	if err := tb.Write(&b, sum, model.LangZh); err != nil {
		t.Fatal(err)
	}
	zh := b.String()
	for _, want := range []string{"终端汇总：6 台", "问题最重的终端：", "（失败 2 台）"} {
		if !strings.Contains(zh, want) {
			t.Errorf("zh: no %q in\n%s", want, zh)
		}
	}
}

func TestFleetTableBounded(t *testing.T) {
	t.Parallel()
	var tb FleetTable
	var sum FleetSummary
	for i := range 25 {
		r := fleetReport(fmt.Sprintf("t%02d", i), model.StatusFail, "status=fail")
		tb.Add(r)
		sum.Add(r)
	}
	var b bytes.Buffer
	_ = tb.Write(&b, sum, model.LangEn)
	if n := strings.Count(b.String(), "  FAIL t"); n != MaxWorst {
		t.Errorf("%d terminals listed, want %d", n, MaxWorst)
	}
	if !strings.Contains(b.String(), "… and 15 more not ok") {
		t.Errorf("no count of the rest:\n%s", b.String())
	}
	// Nothing failing: says so.
	var empty FleetTable
	b.Reset()
	empty.Add(fleetReport("a", model.StatusOK, "link=ok"))
	_ = empty.Write(&b, FleetSummary{}, model.LangEn)
	if !strings.Contains(b.String(), "every check passed") || strings.Contains(b.String(), "Worst") {
		t.Errorf("all ok:\n%s", b.String())
	}
}
