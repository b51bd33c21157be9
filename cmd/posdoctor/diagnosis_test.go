package main

import (
	"encoding/json"
	"testing"

	"github.com/posdoctor/posdoctor/model"
)

// checkDoc is the part of `check --format json` these tests read.
type checkDoc struct {
	Verdict   string          `json:"verdict"`
	Diagnosis model.Diagnosis `json:"diagnosis"`
	Checks    []struct {
		ID     string       `json:"id"`
		Status string       `json:"status"`
		Codes  []model.Code `json:"codes"`
	} `json:"checks"`
}

// checkJSON runs `check --format json` against a simulator scenario with a
// card at the terminal and returns the exit code and the document.
func checkJSON(t *testing.T, scenario string) (int, checkDoc) {
	t.Helper()
	t.Setenv("LANG", "C")
	cfg := writeConfig(t, "timeouts:\n  command: 5s\n  transaction: 10s\n")
	code, out, errOut := runCLI(t, "check", "--target", "sim://"+scenario, "--with-card",
		"--journal-dir", t.TempDir(), "--config", cfg, "--format", "json")
	var doc checkDoc
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatalf("exit %d, not JSON: %v\n%s\nstderr: %s", code, err, out, errOut)
	}
	return code, doc
}

// TestKeysOutOfSyncStandInCountedOnce (issue 9): on keys-out-of-sync the
// terminal carries the host's A0 as ZVT result FF. The checks see both, but
// no cause is supported by the FF stand-in: the terminal's keys lead and the
// hardware fault FF would point at is not a cause at all.
func TestKeysOutOfSyncStandInCountedOnce(t *testing.T) {
	code, doc := checkJSON(t, "keys-out-of-sync")
	if code != 2 {
		t.Errorf("exit %d, want 2 (a check failed)", code)
	}
	sawFF := false
	for _, c := range doc.Checks {
		for _, k := range c.Codes {
			sawFF = sawFF || k == (model.Code{Scheme: model.SchemeZVT, Value: "FF"})
		}
	}
	if !sawFF {
		t.Fatal("the transaction check no longer reports ZVT FF: the test checks nothing")
	}
	d := doc.Diagnosis
	if len(d.Causes) == 0 || d.Causes[0].ID != "terminal_keys" {
		t.Fatalf("top cause %v, want terminal_keys", d.Causes)
	}
	for _, c := range d.Causes {
		if c.ID == "terminal_fault" {
			t.Errorf("terminal_fault is a cause (score %d, %+v): only the FF stand-in points there", c.Score, c.For)
		}
		for _, r := range append(c.For, c.Against...) {
			if r.Code != nil && r.Code.Scheme == model.SchemeZVT && r.Code.Value == "FF" {
				t.Errorf("cause %s has a reason from the ZVT FF stand-in: %q", c.ID, r.Text.En)
			}
		}
	}
}
