package sim_test

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/posdoctor/posdoctor/fixtures"
	"github.com/posdoctor/posdoctor/terminal/sim"
)

const goodScenario = `name: mine
description: my terminal
source: research/codes.md §1
identity:
  model: "Ingenico Move/5000"
  serial: "1234"
  tid: "52599999"
  software_version: "2.31.4"
cards:
  - pan: "6228480000000000018"
    expiry: "2812"
`

// TestLoadErrors: a bad scenario file fails with file:line, the field and a
// hint that says how to fix it.
func TestLoadErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		yaml     string
		wantLine int
		want     []string // substrings of the error
	}{
		{"missing field", strings.Replace(goodScenario, "  tid: \"52599999\"\n", "", 1), 5,
			[]string{"identity.tid: missing required field", "hint: add `tid:`"}},
		{"missing cards", goodScenario[:strings.Index(goodScenario, "cards:")], 1,
			[]string{"cards: missing required field"}},
		{"wrong type", strings.Replace(goodScenario, `tid: "52599999"`, "tid: [5, 2]", 1), 7,
			[]string{"identity.tid: want a text value, got a list"}},
		{"wrong type byte", goodScenario + "diagnosis:\n  result: loud\n", 13,
			[]string{"diagnosis.result: want a byte", "hint: write a code byte in hex"}},
		{"unknown fault", goodScenario + "faults:\n  - never-ak\n", 13,
			[]string{`faults[0]: unknown fault "never-ak"`, "did you mean never-ack?", "valid faults are", "zvt-disabled"}},
		{"fault without argument", goodScenario + "faults:\n  - drop-after\n", 13,
			[]string{"fault drop-after needs an argument", "drop-after=N"}},
		{"unknown field", strings.Replace(goodScenario, "description:", "descripton:", 1), 2,
			[]string{"descripton: unknown field", "did you mean description?"}},
		{"bad PAN", strings.Replace(goodScenario, "6228480000000000018", "62284800x", 1), 10,
			[]string{"cards[0].pan: want 12 to 19 digits"}},
		{"bad expiry", strings.Replace(goodScenario, `"2812"`, `"2813"`, 1), 11,
			[]string{"cards[0].expiry: want YYMM"}},
		{"unknown card in host rule", goodScenario + "host:\n  - card: visa\n    host_code: \"05\"\n", 13,
			[]string{`host[0].card: no card named "visa"`, "cards in this file: default"}},
		{"host code", goodScenario + "host:\n  - host_code: 5\n", 13,
			[]string{"host[0].host_code: want 2 characters"}},
		{"bad duration", goodScenario + "latency:\n  host: soon\n", 13,
			[]string{"latency.host: want a duration", "250ms"}},
		{"bad latency key", goodScenario + "latency:\n  hots: 1s\n", 13,
			[]string{"latency.hots: unknown field", "did you mean host?"}},
		{"bad device state", strings.Replace(goodScenario, "cards:", "  device_state: broken\ncards:", 1), 9,
			[]string{`identity.device_state: unknown device state "broken"`, "no_keys"}},
		{"not YAML", "name: [\n", 1, []string{"not valid YAML"}},
		{"empty", "", 1, []string{"empty file"}},
		{"top level list", "- a\n", 1, []string{"want a mapping of fields"}},
	}
	dir := t.TempDir()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			path := filepath.Join(dir, strings.ReplaceAll(tt.name, " ", "-")+".yaml")
			if err := os.WriteFile(path, []byte(tt.yaml), 0o600); err != nil {
				t.Fatal(err)
			}
			_, err := sim.Load(path)
			var le *sim.LoadError
			if !errors.As(err, &le) || !errors.Is(err, sim.ErrScenario) {
				t.Fatalf("got %v, want a *LoadError", err)
			}
			if le.File != path || le.Line != tt.wantLine {
				t.Errorf("position: got %s:%d, want %s:%d (%v)", le.File, le.Line, path, tt.wantLine, err)
			}
			msg := err.Error()
			if !strings.HasPrefix(msg, path+":") {
				t.Errorf("error %q does not start with the file name", msg)
			}
			for _, w := range tt.want {
				if !strings.Contains(msg, w) {
					t.Errorf("error %q lacks %q", msg, w)
				}
			}
		})
	}
}

func TestLoadGoodFileAndUnknownName(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "mine.yaml")
	if err := os.WriteFile(path, []byte(goodScenario), 0o600); err != nil {
		t.Fatal(err)
	}
	sc, err := sim.Load(path)
	if err != nil {
		t.Fatal(err)
	}
	if sc.Password != "000000" || sc.Currency != 156 || sc.Cards[0].Name != "default" || !sc.Cards[0].Readable {
		t.Errorf("defaults: %+v", sc)
	}
	_, err = sim.Load("helthy")
	if err == nil || !strings.Contains(err.Error(), "valid names are") || !strings.Contains(err.Error(), "healthy") {
		t.Errorf("unknown name: %v", err)
	}
}

// FuzzLoadScenario: no input makes the loader panic or hang, errors are
// *LoadError, and a loaded scenario can be served.
func FuzzLoadScenario(f *testing.F) {
	ents, _ := fs.ReadDir(fixtures.FS, "scenarios")
	for _, e := range ents {
		if b, err := fs.ReadFile(fixtures.FS, "scenarios/"+e.Name()); err == nil && strings.HasSuffix(e.Name(), ".yaml") {
			f.Add(b)
		}
	}
	f.Add([]byte(goodScenario))
	f.Add([]byte("a: &x [*x]\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		sc, err := sim.Parse("fuzz.yaml", b)
		if err != nil {
			var le *sim.LoadError
			if !errors.As(err, &le) {
				t.Fatalf("error is %T, want *LoadError: %v", err, err)
			}
			return
		}
		if len(sc.Cards) == 0 || sc.Name == "" {
			t.Fatalf("loaded scenario without cards or name: %+v", sc)
		}
		// Every command can be answered for any scenario that loads.
		term := sim.New(sc, sim.Options{})
		for _, c := range [][]byte{cmdRegister, cmdStatus, cmdReadCard, cmdDiagnosis, cmdAuth(100), cmdAuth(9900),
			cmdReversal(1), cmdRepeat, cmdInit, cmdAuth(100), {0x06, 0x50, 0x03, 0x00, 0x00, 0x00}} {
			if sim.Handle(term, c) == 0 {
				t.Fatalf("no answer to % X", c)
			}
		}
	})
}

// TestReadmeExample: the documented example in fixtures/README.md loads.
func TestReadmeExample(t *testing.T) {
	t.Parallel()
	b, err := os.ReadFile("../../fixtures/README.md")
	if err != nil {
		t.Fatal(err)
	}
	s := string(b)
	i := strings.Index(s, "```yaml\n")
	j := -1
	if i >= 0 {
		j = strings.Index(s[i+8:], "```")
	}
	if j < 0 {
		t.Fatal("no yaml example in fixtures/README.md")
	}
	sc, err := sim.Parse("README.md", []byte(s[i+8:i+8+j]))
	if err != nil {
		t.Fatal(err)
	}
	if sc.Name != "wrong-pin" || len(sc.Host) != 1 || sc.Host[0].HostCode != "55" || len(sc.Faults) != 1 {
		t.Errorf("example: %+v", sc)
	}
	for _, name := range sim.Required {
		if !strings.Contains(s, "| "+name+" |") {
			t.Errorf("fixtures/README.md does not list %s", name)
		}
	}
	for _, f := range sim.FaultNames() {
		if !strings.Contains(s, "`"+f) {
			t.Errorf("fixtures/README.md does not document fault %s", f)
		}
	}
}
