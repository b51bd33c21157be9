package exporter

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/posdoctor/posdoctor/checks"
	"github.com/posdoctor/posdoctor/terminal"
)

// watchedDriver counts what a probe does on a terminal.
type watchedDriver struct {
	terminal.Driver
	w *watch
	t string
}

type watch struct {
	mu          sync.Mutex
	active      map[string]int // sessions open per target
	maxPer      int            // most sessions open at once on one target
	total, maxT int            // sessions open at once on all targets
	authorize   []int64
	readCard    int
	openHook    func()
}

func newWatch() *watch { return &watch{active: map[string]int{}} }

func (w *watch) open(next checks.Opener) checks.Opener {
	return func(ctx context.Context, target string, cfg checks.Config) (terminal.Driver, error) {
		d, err := next(ctx, target, cfg)
		if err != nil {
			return nil, err
		}
		w.mu.Lock()
		w.active[target]++
		w.total++
		w.maxPer = max(w.maxPer, w.active[target])
		w.maxT = max(w.maxT, w.total)
		hook := w.openHook
		w.mu.Unlock()
		if hook != nil {
			hook()
		}
		return &watchedDriver{Driver: d, w: w, t: target}, nil
	}
}

func (d *watchedDriver) Close() error {
	d.w.mu.Lock()
	d.w.active[d.t]--
	d.w.total--
	d.w.mu.Unlock()
	return d.Driver.Close()
}

func (d *watchedDriver) Authorize(ctx context.Context, amount int64) (terminal.Payment, error) {
	d.w.mu.Lock()
	d.w.authorize = append(d.w.authorize, amount)
	d.w.mu.Unlock()
	return d.Driver.Authorize(ctx, amount)
}

func (d *watchedDriver) ReadCard(ctx context.Context, timeout time.Duration) (terminal.Card, error) {
	d.w.mu.Lock()
	d.w.readCard++
	d.w.mu.Unlock()
	return d.Driver.ReadCard(ctx, timeout)
}

func TestConcurrentProbesOfOneTargetAreSerialised(t *testing.T) {
	t.Parallel()
	w := newWatch()
	srv, _ := newTestExporter(t, nil, w.open(dialOpen), nil)
	target := simFleet(t, "healthy", 1, 5*time.Millisecond)[0]
	const n = 5
	var wg sync.WaitGroup
	ok := make([]float64, n)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, _, s := scrape(t, srv.Client(), probeURL(srv, target, ""), nil)
			ok[i] = s["posdoctor_probe_success"]
		}()
	}
	wg.Wait()
	for i, v := range ok {
		if v != 1 {
			t.Errorf("probe %d: success %v, want 1 (each waits for the one before)", i, v)
		}
	}
	if w.maxPer != 1 {
		t.Errorf("%d sessions were open on one terminal at once, want 1", w.maxPer)
	}
}

func TestProbesOfDifferentTargetsRunTogether(t *testing.T) {
	t.Parallel()
	w := newWatch()
	// Each opened session waits until the other is open too: with a lock
	// wider than one terminal the second never opens and both time out.
	var both sync.WaitGroup
	both.Add(2)
	w.openHook = func() {
		both.Done()
		done := make(chan struct{})
		go func() { both.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(10 * time.Second):
		}
	}
	srv, _ := newTestExporter(t, nil, w.open(dialOpen), nil)
	targets := simFleet(t, "healthy", 2, 0)
	var wg sync.WaitGroup
	for _, tg := range targets {
		wg.Add(1)
		go func() { defer wg.Done(); scrape(t, srv.Client(), probeURL(srv, tg, ""), nil) }()
	}
	wg.Wait()
	if w.maxT != 2 {
		t.Errorf("at most %d sessions were open at once on 2 terminals, want 2", w.maxT)
	}
}

func TestMaxConcurrentProbesBoundsProbes(t *testing.T) {
	t.Parallel()
	w := newWatch()
	srv, _ := newTestExporter(t, testConfig(t, "max_concurrent_probes: 2\nallow: {cidrs: [127.0.0.0/8]}\n"), w.open(dialOpen), nil)
	targets := simFleet(t, "healthy", 6, 5*time.Millisecond)
	var wg sync.WaitGroup
	for _, tg := range targets {
		wg.Add(1)
		go func() { defer wg.Done(); scrape(t, srv.Client(), probeURL(srv, tg, ""), nil) }()
	}
	wg.Wait()
	if w.maxT > 2 {
		t.Errorf("%d probes ran at once, want at most max_concurrent_probes 2", w.maxT)
	}
}

func TestScrapeTimeoutHeader(t *testing.T) {
	t.Parallel()
	cfg := testConfig(t, `
allow: {cidrs: [127.0.0.0/8]}
timeout_offset: 500ms
modules:
  default: {timeout: 30s}
  short: {timeout: 1s}
`)
	srv, logs := newTestExporter(t, cfg, nil, nil)
	fast := simFleet(t, "healthy", 1, 0)[0]
	tests := []struct {
		name, module, header string
		want                 float64
	}{
		{"header less offset", "default", "2.5", 2},
		{"no header: the module's timeout", "default", "", 30},
		{"module timeout is shorter", "short", "10", 1},
		{"header below the offset is kept", "default", "0.4", 0.4},
	}
	for _, tt := range tests {
		h := map[string]string{}
		if tt.header != "" {
			h[scrapeTimeoutHeader] = tt.header
		}
		code, body, s := scrape(t, srv.Client(), probeURL(srv, fast, tt.module), h)
		if code != 200 {
			t.Fatalf("%s: HTTP %d %s", tt.name, code, body)
		}
		wantSample(t, s, "posdoctor_probe_timeout_seconds", tt.want)
	}

	// A terminal slower than the deadline: each of its ~8 answers takes
	// 300 ms, the probe has 1.5 s - 0.5 s.
	slow := simFleet(t, "healthy", 1, 300*time.Millisecond)[0]
	_, _, s := scrape(t, srv.Client(), probeURL(srv, slow, ""), map[string]string{scrapeTimeoutHeader: "1.5"})
	wantSample(t, s, "posdoctor_probe_success", 0)
	if d := s["posdoctor_probe_duration_seconds"]; d >= 30 {
		t.Errorf("probe took %vs: the header's deadline was not used", d)
	}
	if !strings.Contains(logs.String(), "ran out of its 1s") {
		t.Errorf("log does not say the probe ran out of time:\n%s", logs.String())
	}
}

func TestNoTestPaymentWithoutAmount(t *testing.T) {
	t.Parallel()
	for _, bad := range []struct{ text, want string }{
		{"modules: {m: {checks: [link, transaction]}}", "add test_payment: {amount: N}"},
		{"modules: {m: {checks: [transaction], test_payment: {}}}", "test_payment amount 0"},
		{"modules: {m: {checks: [reader]}}", "never reads a card"},
		{"modules: {m: {checks: [reader], test_payment: {amount: 1}}}", "never reads a card"},
	} {
		_, err := ParseConfig("x.yaml", []byte("allow: {targets: ['sim://*']}\n"+bad.text))
		if err == nil || !strings.Contains(err.Error(), bad.want) {
			t.Errorf("%s: err = %v, want it to say %q", bad.text, err, bad.want)
		}
	}

	// An inventory asking for a payment and a card read does not get them:
	// the module decides.
	dir := t.TempDir()
	targets := simFleet(t, "healthy", 2, 0)
	inv := fmt.Sprintf("target,name,amount,checks\n%s,till-1,500,link;reader;transaction\n%s,till-2,,\n", targets[0], targets[1])
	writeFile(t, dir+"/fleet.csv", inv)
	cfg, err := LoadConfig(writeFile(t, dir+"/exporter.yaml", `
allow: {inventory: fleet.csv}
modules:
  default: {}
  all: {checks: [link, status, version, network]}
  pay: {checks: [link, transaction], test_payment: {amount: 7}}
`))
	if err != nil {
		t.Fatal(err)
	}
	j, err := checks.OpenJournal(t.TempDir(), "exporter-test")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { j.Close() })
	w := newWatch()
	srv, _ := newTestExporter(t, cfg, w.open(dialOpen), j)
	for _, m := range []string{"default", "all"} {
		_, body, s := scrape(t, srv.Client(), probeURL(srv, "till-1", m), nil)
		wantSample(t, s, "posdoctor_probe_success", 1)
		if strings.Contains(body, `check="transaction"`) || strings.Contains(body, `check="reader"`) {
			t.Errorf("module %s ran a card check:\n%s", m, body)
		}
	}
	if len(w.authorize) != 0 || w.readCard != 0 {
		t.Fatalf("modules without test_payment sent %d Authorizations and %d Read Cards", len(w.authorize), w.readCard)
	}
	// The module that names an amount pays exactly that (and reverses it).
	_, body, s := scrape(t, srv.Client(), probeURL(srv, "till-2", "pay"), nil)
	wantSample(t, s, `posdoctor_check_status{check="transaction"}`, 0)
	if len(w.authorize) != 1 || w.authorize[0] != 7 || w.readCard != 0 {
		t.Errorf("pay module: authorizations %v, read cards %d; want [7], 0", w.authorize, w.readCard)
	}
	// No card data in the metrics: not the PAN, not its masked form.
	for _, pan := range []string{"6228480000000019190", "622848", "9190"} {
		if strings.Contains(body, pan) {
			t.Errorf("card data %s in the metrics:\n%s", pan, body)
		}
	}
}

func TestBadRequests(t *testing.T) {
	t.Parallel()
	srv, _ := newTestExporter(t, nil, nil, nil)
	good := simFleet(t, "healthy", 1, 0)[0]
	tests := []struct {
		name, query, header string
		code                int
		want                string
	}{
		{"no target", "module=default", "", 400, "no target"},
		{"empty target", "target=", "", 400, "no target"},
		{"two targets", "target=" + good + "&target=" + good, "", 400, "given 2 times"},
		{"bad scheme", "target=ftp://127.0.0.1:1", "", 400, "unknown scheme"},
		{"unknown module", "target=" + good + "&module=nope", "", 400, `unknown module "nope": valid modules are default`},
		{"two modules", "target=" + good + "&module=a&module=b", "", 400, "module is given 2 times"},
		{"bad timeout header", "target=" + good, "soon", 400, "want seconds"},
		{"outside the allowed set", "target=tcp://10.9.8.7:20007", "", 403, "not in the exporter's allowed set"},
		{"a host name is no address in a range", "target=tcp://localhost:20007", "", 403, "not in the exporter's allowed set"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req, _ := http.NewRequest("GET", srv.URL+"/probe?"+tt.query, nil)
			if tt.header != "" {
				req.Header.Set(scrapeTimeoutHeader, tt.header)
			}
			resp, err := srv.Client().Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			var b strings.Builder
			_, _ = fmt.Fprint(&b, readAll(resp))
			body := b.String()
			if resp.StatusCode != tt.code {
				t.Errorf("HTTP %d, want %d (%s)", resp.StatusCode, tt.code, body)
			}
			if !strings.Contains(body, tt.want) || strings.Count(strings.TrimSpace(body), "\n") != 0 {
				t.Errorf("body %q: want one line with %q", body, tt.want)
			}
		})
	}
}

func TestAllowedSet(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	writeFile(t, dir+"/inv.yaml", "- {target: 'tcp://192.168.7.20:20007', name: till-7, shop: shop-7}\n")
	cfg, err := LoadConfig(writeFile(t, dir+"/x.yaml", `
allow:
  inventory: inv.yaml
  targets: ["serial:///dev/ttyUSB?", "tcp://pos-*.shop.example:20007"]
  cidrs: [10.20.0.0/16, "fd00::/8"]
`))
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		target string
		ok     bool
	}{
		{"tcp://192.168.7.20:20007", true},
		{"till-7", true},
		{"tcp://192.168.7.21:20007", false},
		{"serial:///dev/ttyUSB0", true},
		{"serial:///dev/ttyUSB10", false},
		{"tcp://pos-12.shop.example:20007", true},
		{"tcp://pos-12.shop.example.evil:20007", false},
		{"tcp://10.20.255.1:20007", true},
		{"tls://10.20.0.9:20008", true},
		{"tcp://10.21.0.1:20007", false},
		{"tcp://[fd00::5]:20007", true},
		{"tcp://[::ffff:10.20.0.1]:20007", true},
		{"sim://healthy", false},
	}
	for _, tt := range tests {
		if _, ok := cfg.Allow.Resolve(tt.target); ok != tt.ok {
			t.Errorf("Resolve(%s) allowed %v, want %v", tt.target, ok, tt.ok)
		}
	}
	if e, _ := cfg.Allow.Resolve("till-7"); e.Target != "tcp://192.168.7.20:20007" || e.Shop != "shop-7" {
		t.Errorf("till-7 resolves to %+v", e)
	}
}

func TestGlobMatch(t *testing.T) {
	t.Parallel()
	tests := []struct {
		p, s string
		want bool
	}{
		{"*", "", true}, {"*", "tcp://a:1", true}, {"tcp://*:20007", "tcp://10.0.0.1:20007", true},
		{"tcp://*:20007", "tcp://10.0.0.1:20008", false}, {"a?c", "abc", true}, {"a?c", "ac", false},
		{"*a*b*c*", "xxaxxbxxcxx", true}, {"*a*b*c*", "xxaxxcxxbxx", false}, {"", "", true}, {"", "a", false},
	}
	for _, tt := range tests {
		if got := globMatch(tt.p, tt.s); got != tt.want {
			t.Errorf("globMatch(%q, %q) = %v, want %v", tt.p, tt.s, got, tt.want)
		}
	}
}

func TestConfigErrors(t *testing.T) {
	t.Parallel()
	tests := []struct{ text, want string }{
		{"allow: {cidrs: [10.0.0.0/33]}", `"10.0.0.0/33" is not an address range`},
		{"allow: {}", "allow lists no targets"},
		{"alow: {}", "field alow not found"},
		{"allow: {targets: ['*']}\nmax_concurrent_probes: -1", "max_concurrent_probes -1"},
		{"allow: {targets: ['*']}\nmodules: {m: {checks: [lnk]}}", `module m: unknown check "lnk"`},
		{"allow: {targets: ['*']}\nmodules: {m: {password: '12'}}", "password must be 6 digits"},
		{"allow: {inventory: /nonexistent/inv.csv}", "inventory"},
	}
	for _, tt := range tests {
		_, err := ParseConfig("x.yaml", []byte(tt.text))
		if err == nil || !strings.Contains(err.Error(), tt.want) || !strings.HasPrefix(err.Error(), "x.yaml") {
			t.Errorf("%q: err = %v, want x.yaml: …%s…", tt.text, err, tt.want)
		}
	}
}
