package checks

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/posdoctor/posdoctor/model"
	"github.com/posdoctor/posdoctor/terminal"
)

func sampleSession(t *testing.T) Session {
	t.Helper()
	dir := t.TempDir()
	j, err := OpenJournal(dir, "s-report")
	if err != nil {
		t.Fatal(err)
	}
	j.now = func() time.Time { return time.Date(2026, 11, 21, 12, 0, 0, 0, time.UTC) }
	tg := "tcp://127.0.0.1:20007"
	r := sampleReport()
	id := terminal.Status{TID: "52500001", Model: "PAX <A920>", SoftwareVersion: "1.0"}
	p := terminal.Payment{Approved: true, Amount: 1, Receipt: 4, PAN: terminal.NewPAN("6228480000000001016")}
	for _, e := range []Entry{
		{Kind: EntrySessionStart, Text: "check"},
		{Kind: EntryIdentity, Target: tg, Identity: &id},
		{Kind: EntryCheck, Target: tg, Result: &r.Results[0]},
		{Kind: EntryCheck, Target: tg, Result: &r.Results[2]},
		{Kind: EntryTxnIntent, Target: tg, TxnRef: "ref-1", Amount: 1, Currency: 156},
		{Kind: EntryTxnResult, Target: tg, TxnRef: "ref-1", Amount: 1, Payment: &p},
		{Kind: EntryTxnClosed, Target: tg, TxnRef: "ref-1", Amount: 1, Text: TxnReversed},
		{Kind: EntryDiagnosis, Target: tg, Diagnosis: &r.Diagnosis, Symptom: model.CardError},
		{Kind: EntryNote, Target: tg, Text: "merchant says <it> worked yesterday"},
	} {
		if err := j.Record(e); err != nil {
			t.Fatal(err)
		}
	}
	if err := j.RecordStep(tg, "update", StepSkipped, "no Wi-Fi at the shop"); err != nil {
		t.Fatal(err)
	}
	j.Close()
	s, err := ReadSession(j.Path())
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestWriteReport(t *testing.T) {
	t.Parallel()
	s := sampleSession(t)
	// A journal from an older build or edited by hand may hold a full PAN
	// in its text (OpenJournal's writer scrubs, so it is put in after
	// reading): the report masks it all the same.
	for i := range s.Entries {
		if s.Entries[i].Kind == EntryNote {
			s.Entries[i].Text += ", card 6228480000000001016"
		}
	}
	var md, html, js bytes.Buffer
	for f, b := range map[string]*bytes.Buffer{"md": &md, "html": &html, "json": &js} {
		if err := WriteReportLang(b, s, f, model.LangEn); err != nil {
			t.Fatalf("%s: %v", f, err)
		}
	}
	for _, want := range []string{"## Terminal tcp://127.0.0.1:20007", "- **Verdict: failed**", "| 1 | Update the software | operator on site | skipped | no Wi-Fi at the shop |",
		"`ref-1`: **reversed**", "authorization approved, receipt 4", "> Note: merchant says <it> worked yesterday", "-- link", "software 1.0 is older"} {
		if !strings.Contains(md.String(), want) {
			t.Errorf("markdown lacks %q:\n%s", want, md.String())
		}
	}
	if !strings.Contains(html.String(), "PAX &lt;A920&gt;") || strings.Contains(html.String(), "<A920>") {
		t.Errorf("html does not escape terminal text")
	}
	var d ReportData
	if err := json.Unmarshal(js.Bytes(), &d); err != nil || len(d.Terminals) != 1 || d.Terminals[0].Steps[0].State != StepSkipped {
		t.Errorf("json report: %+v %v", d, err)
	}
	if strings.Contains(md.String()+html.String()+js.String(), "6228480000000001016") {
		t.Error("full PAN in a report")
	}
	for f, b := range map[string]*bytes.Buffer{"md": &md, "html": &html, "json": &js} {
		if !strings.Contains(b.String(), "card 622848*********1016") {
			t.Errorf("%s report lacks the note's masked PAN:\n%s", f, b)
		}
	}
	if err := WriteReport(&md, s, "pdf"); err == nil || !strings.Contains(err.Error(), "valid values are md, html, json") {
		t.Errorf("unknown format: %v", err)
	}
}

func TestFindSession(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	for _, id := range []string{"20261121T100000Z-aaaa", "20261121T110000Z-bbbb"} {
		j, _ := OpenJournal(dir, id)
		j.Close()
	}
	if p, err := FindSession(dir, "20261121T11"); err != nil || !strings.HasSuffix(p, "bbbb.jsonl") {
		t.Errorf("prefix: %s %v", p, err)
	}
	if _, err := FindSession(dir, "20261121T"); err == nil || !strings.Contains(err.Error(), "ambiguous") {
		t.Errorf("ambiguous: %v", err)
	}
	if _, err := FindSession(dir, "nope"); err == nil || !strings.Contains(err.Error(), "no session") {
		t.Errorf("missing: %v", err)
	}
}
