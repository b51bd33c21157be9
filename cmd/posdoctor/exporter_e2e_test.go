//go:build linux || darwin

package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

// startProcess runs bin with args, returns a scanner over its combined
// output lines (on a channel) and stops it at cleanup. stop ends it early.
func startProcess(t *testing.T, bin string, args ...string) (lines <-chan string, stop func()) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	cmd := exec.CommandContext(ctx, bin, args...)
	cmd.Env = append(os.Environ(), "NO_COLOR=1")
	pr, pw := io.Pipe()
	cmd.Stdout, cmd.Stderr = pw, pw
	if err := cmd.Start(); err != nil {
		cancel()
		t.Fatalf("%s %v: %v", bin, args, err)
	}
	ch := make(chan string, 256)
	go func() {
		sc := bufio.NewScanner(pr)
		for sc.Scan() {
			select {
			case ch <- sc.Text():
			default: // nobody reads any more: drop
			}
		}
	}()
	waited := make(chan struct{})
	go func() { _ = cmd.Wait(); pw.Close(); close(waited) }()
	stopped := false
	stop = func() {
		if stopped {
			return
		}
		stopped = true
		cancel()
		select {
		case <-waited:
		case <-time.After(10 * time.Second):
			t.Errorf("%s did not stop", filepath.Base(bin))
		}
	}
	t.Cleanup(stop)
	return ch, stop
}

// waitLine returns the first line matching re within d.
func waitLine(t *testing.T, lines <-chan string, re *regexp.Regexp, d time.Duration, what string) []string {
	t.Helper()
	deadline := time.After(d)
	for {
		select {
		case l := <-lines:
			if m := re.FindStringSubmatch(l); m != nil {
				return m
			}
		case <-deadline:
			t.Fatalf("%s: no line matching %s within %s", what, re, d)
		}
	}
}

// simTargets starts `posdoctor sim --count n --scenario s` and returns
// its tcp:// targets.
func simTargets(t *testing.T, bin, scenario string, n int) ([]string, func()) {
	t.Helper()
	lines, stop := startProcess(t, bin, "sim", "--listen", "127.0.0.1:0", "--count", fmt.Sprint(n), "--scenario", scenario)
	var out []string
	re := regexp.MustCompile(`^(tcp://127\.0\.0\.1:\d+)\t`)
	for range n {
		out = append(out, waitLine(t, lines, re, 20*time.Second, "posdoctor sim")[1])
	}
	return out, stop
}

func freePort(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

// promQuery runs an instant query and returns value by the label named key.
func promQuery(base, q, key string) (map[string]string, error) {
	resp, err := http.Get(base + "/api/v1/query?query=" + url.QueryEscape(q))
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	var r struct {
		Status string `json:"status"`
		Data   struct {
			Result []struct {
				Metric map[string]string `json:"metric"`
				Value  []any             `json:"value"`
			} `json:"result"`
		} `json:"data"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&r); err != nil {
		return nil, err
	}
	if r.Status != "success" {
		return nil, fmt.Errorf("query %s: status %s", q, r.Status)
	}
	out := map[string]string{}
	for _, s := range r.Data.Result {
		if len(s.Value) == 2 {
			out[s.Metric[key]], _ = s.Value[1].(string)
		}
	}
	return out, nil
}

// TestExporterWithRealPrometheus: Prometheus 2.x (Debian's package)
// discovers simulated terminals from `posdoctor inventory --format
// prometheus-sd`, scrapes them through `posdoctor exporter` every second
// with the relabelling of examples/prometheus.yml, and its query API shows
// the terminals' state.
func TestExporterWithRealPrometheus(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end: skipped with -short")
	}
	promBin, err := exec.LookPath("prometheus")
	if err != nil {
		t.Skip("prometheus is not installed (Debian: apt-get install prometheus; .ci/run installs it): the end-to-end exporter test needs a real Prometheus")
	}
	bin := posdoctorBinary(t)
	dir := t.TempDir()

	healthy, _ := simTargets(t, bin, "healthy", 2)
	keys, _ := simTargets(t, bin, "keys-out-of-sync", 1)
	old, _ := simTargets(t, bin, "outdated-software", 1)
	gone, stopGone := simTargets(t, bin, "healthy", 1)
	stopGone() // a terminal that was there and is now switched off

	inv := "target,name,shop\n" +
		healthy[0] + ",healthy-1,shop-1\n" + healthy[1] + ",healthy-2,shop-1\n" +
		keys[0] + ",keys,shop-2\n" + old[0] + ",old,shop-2\n" + gone[0] + ",stopped,shop-3\n"
	writeTestFile(t, filepath.Join(dir, "shops.csv"), inv)
	if out, err := exec.Command(bin, "inventory", filepath.Join(dir, "shops.csv"), "--format", "prometheus-sd",
		"--module", "default", "-o", filepath.Join(dir, "sd.json")).CombinedOutput(); err != nil {
		t.Fatalf("posdoctor inventory: %v\n%s", err, out)
	}
	writeTestFile(t, filepath.Join(dir, "exporter.yaml"), "allow: {inventory: shops.csv}\nmodules: {default: {timeout: 20s}}\n")
	exLines, _ := startProcess(t, bin, "exporter", "--listen", "127.0.0.1:0", "--config", filepath.Join(dir, "exporter.yaml"))
	exAddr := waitLine(t, exLines, regexp.MustCompile(`posdoctor exporter .*?(127\.0\.0\.1:\d+)`), 20*time.Second, "posdoctor exporter")[1]

	promAddr := freePort(t)
	writeTestFile(t, filepath.Join(dir, "prometheus.yml"), fmt.Sprintf(`global: {scrape_interval: 1s, scrape_timeout: 1s, evaluation_interval: 1s}
scrape_configs:
  - job_name: posdoctor
    metrics_path: /probe
    file_sd_configs: [{files: [%q]}]
    relabel_configs:
      - {source_labels: [__address__], target_label: __param_target}
      - {source_labels: [module], target_label: __param_module}
      - {source_labels: [__param_target], target_label: instance}
      - {target_label: __address__, replacement: %q}
  - job_name: posdoctor_exporter
    static_configs: [{targets: [%q]}]
`, filepath.Join(dir, "sd.json"), exAddr, exAddr))
	promLines, _ := startProcess(t, promBin, "--config.file="+filepath.Join(dir, "prometheus.yml"),
		"--storage.tsdb.path="+filepath.Join(dir, "data"), "--web.listen-address="+promAddr, "--log.level=warn")
	base := "http://" + promAddr

	want := map[string]map[string]string{ // query → name label → value
		`posdoctor_check_status{check="status"}`:          {"healthy-1": "0", "healthy-2": "0", "keys": "2", "old": "0"},
		`posdoctor_probe_success`:                         {"healthy-1": "1", "healthy-2": "1", "keys": "1", "old": "1", "stopped": "0"},
		`posdoctor_terminal_status_code`:                  {"keys": "81", "healthy-1": "0"},
		`posdoctor_software_below_baseline`:               {"old": "1", "healthy-1": "0"},
		`posdoctor_check_status{check="version"}`:         {"old": "2"},
		`posdoctor_diagnosis_info{cause="terminal_keys"}`: {"keys": "1"},
	}
	deadline := time.Now().Add(60 * time.Second)
	waitSeries := func(q, key string, byKey map[string]string) {
		t.Helper()
		for {
			got, err := promQuery(base, q, key)
			ok := err == nil
			for k, v := range byKey {
				ok = ok && got[k] == v
			}
			if ok {
				return
			}
			last := fmt.Sprintf("%s: got %v (err %v), want %v", q, got, err, byKey)
			if time.Now().After(deadline) {
				var logs []string
				for len(promLines) > 0 {
					logs = append(logs, <-promLines)
				}
				for len(exLines) > 0 {
					logs = append(logs, <-exLines)
				}
				t.Fatalf("Prometheus did not show the series within 60 s: %s\nlogs:\n%s", last, strings.Join(logs, "\n"))
			}
			time.Sleep(500 * time.Millisecond)
		}
	}
	for q, byName := range want {
		waitSeries(q, "name", byName)
	}
	// The exporter's own job: up, with its build info (its first scrape may come after the probes').
	waitSeries(`posdoctor_build_info`, "job", map[string]string{"posdoctor_exporter": "1"})
	// The stopped terminal's reason is in the exporter's log.
	reason := regexp.MustCompile(`probe failed" target=` + regexp.QuoteMeta(gone[0]) + `.*could not connect`)
	waitLine(t, exLines, reason, 20*time.Second, "exporter log")
}
