package exporter

import (
	"bufio"
	"bytes"
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/posdoctor/posdoctor/checks"
	"github.com/posdoctor/posdoctor/internal/buildinfo"
	"github.com/posdoctor/posdoctor/terminal"
	"github.com/posdoctor/posdoctor/terminal/dial"
	"github.com/posdoctor/posdoctor/terminal/sim"
)

// simFleet serves n simulated terminals of scenario on loopback and
// returns their tcp:// targets.
func simFleet(t testing.TB, scenario string, n int, latency time.Duration) []string {
	t.Helper()
	sc, err := sim.Load(scenario)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	fl, err := sim.ListenTCP(ctx, "127.0.0.1:0", sc, sim.Options{Latency: latency}, n)
	if err != nil {
		cancel()
		t.Fatal(err)
	}
	t.Cleanup(func() { fl.Close(); cancel() })
	var out []string
	for _, a := range fl.Addrs() {
		out = append(out, "tcp://"+a)
	}
	return out
}

func dialOpen(ctx context.Context, target string, cfg checks.Config) (terminal.Driver, error) {
	return dial.Open(ctx, target, dial.Options{Password: cfg.Password, Currency: cfg.Currency, ConnectTimeout: cfg.Timeouts.Connect})
}

// testConfig is cfg text parsed, or the default config when empty.
func testConfig(t testing.TB, text string) *Config {
	t.Helper()
	if text == "" {
		return DefaultConfig()
	}
	c, err := ParseConfig("exporter.yaml", []byte(text))
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// syncBuffer is a log sink safe for the handler's goroutines.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}
func (s *syncBuffer) String() string { s.mu.Lock(); defer s.mu.Unlock(); return s.b.String() }

// newTestExporter serves an exporter over httptest; open may be nil
// (dial.Open). It returns the server and the exporter's log.
func newTestExporter(t testing.TB, cfg *Config, open checks.Opener, j *checks.Journal) (*httptest.Server, *syncBuffer) {
	srv, logs, _ := newTestExporterDir(t, cfg, open, j)
	return srv, logs
}

// newTestExporterDir is newTestExporter, also returning the journal dir
// of the posdoctor config.
func newTestExporterDir(t testing.TB, cfg *Config, open checks.Opener, j *checks.Journal) (*httptest.Server, *syncBuffer, string) {
	t.Helper()
	if open == nil {
		open = dialOpen
	}
	base := checks.DefaultConfig()
	base.JournalDir = t.TempDir()
	logs := &syncBuffer{}
	x, err := New(Options{Config: cfg, Base: base, Open: open, Journal: j, Build: buildinfo.Info{Version: "v9.9.9", Revision: "abc"},
		Logger: slog.New(slog.NewTextHandler(logs, nil))})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(x.Handler())
	t.Cleanup(srv.Close)
	return srv, logs, base.JournalDir
}

// scrape GETs path and returns the status, the body and the samples of a
// text exposition ("name{labels}" → value).
func scrape(t testing.TB, c *http.Client, u string, header map[string]string) (int, string, map[string]float64) {
	t.Helper()
	req, err := http.NewRequest("GET", u, nil)
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range header {
		req.Header.Set(k, v)
	}
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b), samples(string(b))
}

func samples(text string) map[string]float64 {
	out := map[string]float64{}
	sc := bufio.NewScanner(strings.NewReader(text))
	for sc.Scan() {
		line := sc.Text()
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		i := strings.LastIndexByte(line, ' ')
		if i < 0 {
			continue
		}
		if v, err := strconv.ParseFloat(line[i+1:], 64); err == nil {
			out[line[:i]] = v
		}
	}
	return out
}

func probeURL(srv *httptest.Server, target, module string) string {
	q := url.Values{"target": {target}}
	if module != "" {
		q.Set("module", module)
	}
	return srv.URL + "/probe?" + q.Encode()
}

func wantSample(t *testing.T, got map[string]float64, key string, want float64) {
	t.Helper()
	v, ok := got[key]
	if !ok {
		t.Errorf("no sample %s", key)
		return
	}
	if v != want {
		t.Errorf("%s = %v, want %v", key, v, want)
	}
}

func TestProbeMetrics(t *testing.T) {
	t.Parallel()
	srv, logs, journalDir := newTestExporterDir(t, nil, nil, nil)
	keys := simFleet(t, "keys-out-of-sync", 1, 0)[0]
	healthy := simFleet(t, "healthy", 1, 0)[0]
	old := simFleet(t, "outdated-software", 1, 0)[0]

	code, body, s := scrape(t, srv.Client(), probeURL(srv, keys, ""), nil)
	if code != 200 {
		t.Fatalf("keys-out-of-sync: HTTP %d: %s", code, body)
	}
	wantSample(t, s, "posdoctor_probe_success", 1)
	wantSample(t, s, `posdoctor_check_status{check="status"}`, 2)
	wantSample(t, s, "posdoctor_terminal_status_code", 0x51)
	wantSample(t, s, `posdoctor_diagnosis_info{cause="terminal_keys",symptom="sign_in_failure"}`, 1)
	wantSample(t, s, `posdoctor_terminal_info{link="tcp",model="Ingenico Desk/3500",protocol="zvt",software_version="2.31.4",tid="52500019"}`, 1)
	if _, ok := s[`posdoctor_check_status{check="reader"}`]; ok {
		t.Error("the default module ran reader")
	}

	_, body, s = scrape(t, srv.Client(), probeURL(srv, healthy, "default"), nil)
	for _, c := range []string{"link", "status", "version", "network"} {
		wantSample(t, s, `posdoctor_check_status{check="`+c+`"}`, 0)
		if _, ok := s[`posdoctor_check_duration_seconds{check="`+c+`"}`]; !ok {
			t.Errorf("no duration for %s", c)
		}
	}
	wantSample(t, s, "posdoctor_probe_success", 1)
	wantSample(t, s, "posdoctor_software_below_baseline", 0)
	wantSample(t, s, "posdoctor_terminal_status_code", 0)
	if _, ok := s["posdoctor_host_latency_seconds"]; !ok {
		t.Error("no posdoctor_host_latency_seconds")
	}
	if strings.Contains(body, "posdoctor_diagnosis_info") {
		t.Errorf("a healthy terminal has a diagnosis: %s", body)
	}

	_, _, s = scrape(t, srv.Client(), probeURL(srv, old, ""), nil)
	wantSample(t, s, "posdoctor_software_below_baseline", 1)
	wantSample(t, s, `posdoctor_check_status{check="version"}`, 2)

	// A terminal that does not answer: probe_success 0, HTTP 200 (up stays
	// about the exporter), the reason in the log.
	code, _, s = scrape(t, srv.Client(), probeURL(srv, "tcp://127.0.0.1:1", ""), nil)
	if code != 200 {
		t.Errorf("unreachable: HTTP %d, want 200", code)
	}
	wantSample(t, s, "posdoctor_probe_success", 0)
	if l := logs.String(); !strings.Contains(l, "probe failed") || !strings.Contains(l, "could not connect") {
		t.Errorf("log lacks the reason:\n%s", l)
	}

	// The exporter's own metrics.
	_, body, s = scrape(t, srv.Client(), srv.URL+"/metrics", nil)
	wantSample(t, s, `posdoctor_build_info{revision="abc",version="v9.9.9"}`, 1)
	wantSample(t, s, `posdoctor_exporter_probes_total{module="default",result="success"}`, 3)
	wantSample(t, s, `posdoctor_exporter_probes_total{module="default",result="failure"}`, 1)
	if !strings.Contains(body, "go_goroutines") {
		t.Error("no Go collector on /metrics")
	}
	// Probes without a test payment write no journal (a fleet scraped
	// every 15 s would leave a file per probe).
	if des, _ := os.ReadDir(journalDir); len(des) != 0 {
		t.Errorf("probes wrote %d files into the journal dir", len(des))
	}
}

func writeFile(t testing.TB, path, text string) string {
	t.Helper()
	if err := os.WriteFile(path, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

func readAll(resp *http.Response) string {
	b, _ := io.ReadAll(resp.Body)
	return string(b)
}
