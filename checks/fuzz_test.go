package checks

import (
	"bytes"
	"errors"
	"strings"
	"testing"

	"github.com/posdoctor/posdoctor/terminal"
)

// FuzzParseInventory: any bytes give entries or an error naming the file,
// never a panic; every entry returned has a valid target.
func FuzzParseInventory(f *testing.F) {
	f.Add("inv.csv", []byte("target,name\ntcp://10.0.0.1:20007,shop\n"))
	f.Add("inv.yaml", []byte("- target: sim://healthy\n  checks: [link]\n"))
	f.Add("inv.yml", []byte("terminals:\n  - target: serial://COM3\n    amount: 5\n"))
	f.Add("inv", []byte("target,amount,checks\nsim://healthy,7,link;status\n"))
	f.Fuzz(func(t *testing.T, name string, b []byte) {
		es, err := ParseInventory(name, b)
		if err != nil {
			if !strings.Contains(err.Error(), name) {
				t.Fatalf("error does not name the file: %v", err)
			}
			return
		}
		for _, e := range es {
			if e.validate() != nil {
				t.Fatalf("invalid entry returned: %+v", e)
			}
		}
	})
}

// FuzzReadSession: a journal of any bytes reads without a panic, and what
// it returns re-reads the same.
func FuzzReadSession(f *testing.F) {
	f.Add([]byte(`{"seq":1,"ts":"2026-11-21T12:00:00Z","session_id":"s","kind":"txn_intent","txn_ref":"r","amount":1}` + "\n"))
	f.Add([]byte(`{"seq":1,"kind":"check","result":{"id":"link","status":"ok","duration_ms":2,"summary":"x"}}` + "\n{\"seq\":2,\"ki"))
	f.Add([]byte("\n\n{}\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		s, err := readSession(bytes.NewReader(b), "fuzz.jsonl")
		if err != nil {
			return
		}
		_ = FoldSession(s, "en")
		var out bytes.Buffer
		for _, format := range ReportFormats {
			out.Reset()
			if err := WriteReportLang(&out, s, format, "en"); err != nil {
				t.Fatalf("%s: %v", format, err)
			}
		}
	})
}

// FuzzScrubPAN: no Luhn-valid run of 13 to 19 digits survives a scrub (the
// journal's rule is terminal.ScrubPAN's: other digit runs are not card data
// and stay readable).
func FuzzScrubPAN(f *testing.F) {
	f.Add([]byte("pan 6228480000000001016 and 6228 4800 0000 0001 016"))
	f.Add([]byte("06 01 0C 04 00 00 00 00 01 23"))
	f.Add([]byte("TID 52500001, 1234 567 8901 2345"))
	f.Add([]byte("9f1a0276005a0862240000000001016f5f2403301231"))
	f.Fuzz(func(t *testing.T, b []byte) {
		out := ScrubPAN(append([]byte(nil), b...))
		if len(out) != len(b) {
			t.Fatalf("length changed: %d -> %d", len(b), len(out))
		}
		// ScrubString skips texts ScrubPAN would not change: same result.
		if got := ScrubString(string(b)); got != string(out) {
			t.Fatalf("ScrubString(%q) = %q, ScrubPAN gives %q", b, got, out)
		}
		if msg := terminal.LeftCardNumber(b, out); msg != "" {
			t.Fatalf("%s in %q", msg, out)
		}
	})
}

// FuzzDecodeConfig: a config file never panics the loader, and every
// problem is one *ConfigError line that names the file.
func FuzzDecodeConfig(f *testing.F) {
	f.Add([]byte("locale: zh\ntimeouts: {connect: 10s}\n"))
	f.Add([]byte("local: zh\n"))
	f.Add([]byte("timeouts:\n  connect: 10\n"))
	f.Add([]byte("baselines:\n  - {model: \"PAX *\", min_version: \"2.20\"}\nacquirer_hosts:\n  - addr: h:1\n    tls: true\n"))
	f.Add([]byte("a: &x [1]\nb: *x\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		cfg := DefaultConfig()
		err := decodeConfig("fuzz.yaml", b, &cfg)
		if err == nil {
			return
		}
		var ce *ConfigError
		if !errors.As(err, &ce) || !strings.HasPrefix(err.Error(), "config fuzz.yaml") || strings.Contains(err.Error(), "\n") {
			t.Fatalf("not one config line: %q", err)
		}
	})
}
