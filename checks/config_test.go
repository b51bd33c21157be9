package checks

import (
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/posdoctor/posdoctor/model"
)

func TestLoadConfig(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "config.yaml")
	os.WriteFile(p, []byte(`password: "123456"
amount: 5
baselines:
  - model: "Ingenico *"
    min_version: "3.0"
acquirer_hosts:
  - name: cups
    addr: 127.0.0.1:443
    tls: true
timeouts:
  card: 90s
`), 0o600)
	t.Setenv("POSDOCTOR_AMOUNT", "7")
	t.Setenv("POSDOCTOR_JOURNAL_DIR", filepath.Join(dir, "j"))
	cfg, err := LoadConfig(p)
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Password != "123456" || cfg.Amount != 7 || cfg.Currency != DefaultCurrency || cfg.JournalDir != filepath.Join(dir, "j") {
		t.Errorf("cfg %+v", cfg)
	}
	if len(cfg.Baselines) != 1 || cfg.Baselines[0].MinVersion != "3.0" || !cfg.AcquirerHosts[0].TLS {
		t.Errorf("baselines %v hosts %v", cfg.Baselines, cfg.AcquirerHosts)
	}
	if cfg.Timeouts.Card != 90*time.Second || cfg.Timeouts.Command != DefaultConfig().Timeouts.Command {
		t.Errorf("timeouts %+v", cfg.Timeouts)
	}
}

// TestTimeoutsAllListsEveryField: merge and fill reach the timeouts only
// through all, so a new Timeouts field must be listed there.
func TestTimeoutsAllListsEveryField(t *testing.T) {
	t.Parallel()
	var to Timeouts
	seen := map[*time.Duration]bool{}
	for _, p := range to.all() {
		seen[p] = true
	}
	if got, want := len(seen), reflect.TypeOf(to).NumField(); got != want {
		t.Errorf("Timeouts.all lists %d distinct fields, Timeouts has %d", got, want)
	}
}

func TestLoadConfigErrors(t *testing.T) {
	dir := t.TempDir()
	tests := []struct {
		name, body, env, want string
	}{
		{"unknown key", "pasword: 1\n", "", ":1: pasword: unknown key: did you mean `password`?"},
		{"bad password", "password: abc\n", "", `:1: password: want 6 digits such as "000000"`},
		{"bad env amount", "", "x", "POSDOCTOR_AMOUNT"},
		{"bad host", "acquirer_hosts:\n  - addr: nohost\n", "", "want HOST:PORT"},
		{"bad baseline", "baselines:\n  - model: x\n    min_version: abc\n", "", "has no version number"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := filepath.Join(dir, tt.name+".yaml")
			os.WriteFile(p, []byte(tt.body), 0o600)
			t.Setenv("POSDOCTOR_AMOUNT", tt.env)
			_, err := LoadConfig(p)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("err %v, want %q", err, tt.want)
			}
		})
	}
	if _, err := LoadConfig(filepath.Join(dir, "missing.yaml")); err == nil {
		t.Errorf("an explicit missing config file is not an error")
	}
	t.Setenv("POSDOCTOR_CONFIG", "")
	t.Setenv("XDG_CONFIG_HOME", filepath.Join(dir, "nothing"))
	t.Setenv("HOME", filepath.Join(dir, "nothing"))
	if _, err := LoadConfig(""); err != nil {
		t.Errorf("missing default config: %v", err)
	}
}

func TestParseEnvLists(t *testing.T) {
	t.Parallel()
	bs, err := ParseBaselines("Move*=3.1, *=2.0")
	if err != nil || len(bs) != 2 || bs[0].Model != "Move*" || bs[1].MinVersion != "2.0" {
		t.Errorf("%v %v", bs, err)
	}
	if _, err := ParseBaselines("Move"); err == nil {
		t.Error("want error")
	}
	hs, err := ParseAcquirerHosts("tls://host.example:443,10.0.0.1:5000")
	if err != nil || len(hs) != 2 || !hs[0].TLS || hs[1].Addr != "10.0.0.1:5000" {
		t.Errorf("%v %v", hs, err)
	}
}

func TestVersions(t *testing.T) {
	t.Parallel()
	tests := []struct {
		a, b string
		want int
	}{
		{"2.31.4", "2.20.0", 1}, {"1.08.2", "2.20.0", -1}, {"GP-2.20", "2.20.0", 0}, {"v3", "2.99", 1}, {"2.9", "2.10", -1},
	}
	for _, tt := range tests {
		a, _ := parseVersion(tt.a)
		b, _ := parseVersion(tt.b)
		if got := compareVersions(a, b); got != tt.want {
			t.Errorf("compare(%s, %s) = %d, want %d", tt.a, tt.b, got, tt.want)
		}
	}
	if _, ok := matchBaseline(DefaultBaselines, "Ingenico Move/5000"); !ok {
		t.Error("Ingenico Move/5000 has no default baseline")
	}
	if _, ok := matchBaseline(DefaultBaselines, "Castles S1F2"); ok {
		t.Error("unknown model matched a default baseline")
	}
}

func TestInventory(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, file, body string
		want             int
		wantErr          string
	}{
		{"csv", "a.csv", "target,name,amount,checks\ntcp://10.0.0.1:20007,shop 1,5,link;status\n# comment\ntcp://10.0.0.2,shop 2,,\n", 2, ""},
		{"yaml list", "a.yaml", "- target: tcp://10.0.0.1:20007\n  name: a\n  checks: [link, status]\n- target: sim://healthy\n", 2, ""},
		{"yaml terminals", "a.yml", "terminals:\n  - target: sim://healthy\n", 1, ""},
		{"sniff yaml", "inv", "- target: sim://healthy\n", 1, ""},
		{"csv bad scheme", "a.csv", "target,name\ntcp://10.0.0.1:20007,a\nftp://x,b\n", 0, `a.csv:3: target "ftp://x": unknown scheme`},
		{"csv no target col", "a.csv", "name\nx\n", 0, "a.csv:1: the header has no target column"},
		{"csv unknown col", "a.csv", "target,colour\n", 0, `a.csv:1: unknown column "colour"`},
		{"csv empty target", "a.csv", "target,name\n,shop\n", 0, "a.csv:2: no target"},
		{"csv bad amount", "a.csv", "target,amount\nsim://healthy,lots\n", 0, `a.csv:2: amount "lots"`},
		{"csv quote", "a.csv", "target,name\nsim://healthy,\"unterminated\n", 0, "a.csv:2:"},
		{"csv duplicate", "a.csv", "target\nsim://healthy\nsim://healthy\n", 0, "a.csv:3: target sim://healthy is already listed on line 2"},
		{"yaml unknown key", "a.yaml", "- target: sim://healthy\n  colour: red\n", 0, `a.yaml:2: unknown key "colour"`},
		{"yaml bad check", "a.yaml", "- target: sim://healthy\n  checks: [pin]\n", 0, `a.yaml:1: unknown check "pin"`},
		{"yaml syntax", "a.yaml", "- target: [\n", 0, "a.yaml: line"},
		{"empty", "a.csv", "", 0, "lists no terminals"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			es, err := ParseInventory(tt.file, []byte(tt.body))
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err %v, want %q", err, tt.wantErr)
				}
				return
			}
			if err != nil || len(es) != tt.want {
				t.Fatalf("got %d entries, err %v", len(es), err)
			}
		})
	}
	es, _ := ParseInventory("a.csv", []byte("target,name,amount,checks\ntcp://10.0.0.1:20007,shop 1,5,link;status\n"))
	if e := es[0]; e.Name != "shop 1" || e.Amount != 5 || len(e.Checks) != 2 || e.Checks[1] != model.CheckStatus || e.Line != 2 {
		t.Errorf("entry %+v", e)
	}
}

func TestShard(t *testing.T) {
	t.Parallel()
	var es []InventoryEntry
	for i := 0; i < 10; i++ {
		es = append(es, InventoryEntry{Target: string(rune('a' + i))})
	}
	seen := map[string]int{}
	for i := 1; i <= 3; i++ {
		for _, e := range Shard(es, i, 3) {
			seen[e.Target]++
		}
	}
	if len(seen) != 10 {
		t.Errorf("shards cover %d of 10", len(seen))
	}
	for k, n := range seen {
		if n != 1 {
			t.Errorf("%s in %d shards", k, n)
		}
	}
	for _, bad := range []string{"0/3", "4/3", "x", "1/0", "2"} {
		if _, _, err := ParseShard(bad); err == nil {
			t.Errorf("ParseShard(%q) accepted", bad)
		}
	}
}

func TestSampleInventories(t *testing.T) {
	t.Parallel()
	for _, f := range []string{"../fixtures/inventory/shops.csv", "../fixtures/inventory/shops.yaml"} {
		es, err := LoadInventory(f)
		if err != nil || len(es) != 4 || es[2].Password != "123456" || es[2].Amount != 5 || len(es[1].Checks) != 3 {
			t.Errorf("%s: %+v %v", f, es, err)
		}
	}
}

// TestConfigFileErrors (issue 9): each problem in a config file is one line
// naming the file and line, the key, what is wrong and what is wanted, like
// the inventory and scenario loaders.
func TestConfigFileErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, body, want string
	}{
		{"unknown key", "locale: zh\nlocal: zh\n",
			"config F:2: local: unknown key: did you mean `locale`? (valid keys: password, currency, amount, locale, journal_dir, journal_keep_days, journal_max_mb, host_scheme, baselines, acquirer_hosts, timeouts)"},
		{"unknown nested key", "timeouts:\n  conect: 5s\n",
			"config F:2: timeouts.conect: unknown key: did you mean `connect`? (valid keys: connect, command, card, transaction, probe, clock_skew, cert_expiry, slow_host)"},
		{"unknown key far from all", "colour: red\n",
			"config F:1: colour: unknown key (valid keys: password, currency, amount, locale, journal_dir, journal_keep_days, journal_max_mb, host_scheme, baselines, acquirer_hosts, timeouts)"},
		{"duration as a number", "timeouts:\n  connect: 10\n", `config F:2: timeouts.connect: want a duration such as 10s, got "10"`},
		{"number as text", "currency: CNY\n", `config F:1: currency: want an ISO 4217 numeric code such as 156, got "CNY"`},
		{"number out of range", "amount: 0\n", "config F:1: amount: want minor units from 1 to 999999, got 0"},
		{"bool as text", "acquirer_hosts:\n  - addr: h:443\n    tls: yes please\n", `config F:3: acquirer_hosts[0].tls: want true or false, got "yes please"`},
		{"map as a list", "timeouts:\n  - 10s\n", "config F:2: timeouts: want a mapping such as {connect: 10s, command: 30s}, got a list"},
		{"list as text", "baselines: Ingenico\n", `config F:1: baselines: want a list such as - {model: "Ingenico *", min_version: "2.20.0"}, got "Ingenico"`},
		{"missing list key", "baselines:\n  - model: \"PAX *\"\n", `config F:2: baselines[0].min_version: missing: want a version such as "2.20.0"`},
		{"bad scheme", "host_scheme: visa\n", `config F:1: host_scheme: "visa": valid values are unionpay, iso`},
		{"given twice", "amount: 1\namount: 2\n", "config F:2: amount: given twice: remove one"},
		{"bad YAML", "amount: 5\n  locale: [\n", "config F:2: not valid YAML: mapping values are not allowed in this context"},
		{"not a mapping", "- a\n", "config F:1: want `key: value` lines, got a list"},
		{"tab indent", "timeouts:\n\tconnect: 5s\n", "config F:2: not valid YAML: found character that cannot start any token"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var cfg Config
			err := decodeConfig("F", []byte(tt.body), &cfg)
			if err == nil {
				t.Fatalf("no error, want %q", tt.want)
			}
			var ce *ConfigError
			if !errors.As(err, &ce) {
				t.Errorf("%T is not a *ConfigError", err)
			}
			if got := err.Error(); got != tt.want {
				t.Errorf("got  %s\nwant %s", got, tt.want)
			}
			if strings.Contains(err.Error(), "\n") || strings.Contains(err.Error(), "unmarshal") || strings.Contains(err.Error(), "!!") {
				t.Errorf("not one plain line: %q", err)
			}
		})
	}
}

// Values the walk accepts decode as before (nulls keep the default).
func TestConfigFileAccepts(t *testing.T) {
	t.Parallel()
	cfg := DefaultConfig()
	body := "password: \"123456\"\nlocale: zh\njournal_keep_days: 30\njournal_max_mb: 100\ncurrency:\ntimeouts: {connect: 5s, card: 2m}\nacquirer_hosts:\n  - {name: cups, addr: \"h.example:443\", tls: true}\n"
	if err := decodeConfig("F", []byte(body), &cfg); err != nil {
		t.Fatal(err)
	}
	if cfg.Password != "123456" || cfg.Locale != "zh" || cfg.JournalKeepDays != 30 || cfg.JournalMaxMB != 100 || cfg.Currency != DefaultCurrency ||
		cfg.Timeouts.Connect != 5*time.Second || cfg.Timeouts.Card != 2*time.Minute || len(cfg.AcquirerHosts) != 1 || !cfg.AcquirerHosts[0].TLS {
		t.Errorf("cfg %+v", cfg)
	}
	for _, empty := range []string{"", "# only a comment\n", "---\n"} {
		if err := decodeConfig("F", []byte(empty), &cfg); err != nil {
			t.Errorf("%q: %v", empty, err)
		}
	}
}
