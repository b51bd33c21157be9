// Package examples holds the Prometheus, Grafana and Kubernetes wiring of
// posdoctor (README "Monitoring a fleet"); its test checks the files with
// promtool and against the metrics the exporter really serves.
package examples

import (
	"context"
	"encoding/json"
	"io"
	"net/http/httptest"
	"os"
	"os/exec"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"

	"github.com/posdoctor/posdoctor/checks"
	"github.com/posdoctor/posdoctor/exporter"
	"github.com/posdoctor/posdoctor/terminal"
	"github.com/posdoctor/posdoctor/terminal/dial"
)

func promtool(t *testing.T, args ...string) {
	t.Helper()
	bin, err := exec.LookPath("promtool")
	if err != nil {
		t.Skip("promtool is not installed (Debian: apt-get install prometheus): the Prometheus config and rules are not checked")
	}
	out, err := exec.Command(bin, args...).CombinedOutput()
	if err != nil {
		t.Fatalf("promtool %s: %v\n%s", strings.Join(args, " "), err, out)
	}
}

func TestPrometheusConfigAndRules(t *testing.T) {
	promtool(t, "check", "config", "prometheus.yml")
	promtool(t, "check", "rules", "posdoctor-alerts.yml")
	promtool(t, "test", "rules", "posdoctor-alerts.test.yml")
}

// servedMetricNames probes simulated terminals (healthy, keys out of sync,
// outdated software, host unreachable) through a real exporter and returns
// every metric name it serves, /metrics included.
func servedMetricNames(t *testing.T) map[string]bool {
	t.Helper()
	base := checks.DefaultConfig()
	base.JournalDir = t.TempDir()
	open := func(ctx context.Context, target string, cfg checks.Config) (terminal.Driver, error) {
		return dial.Open(ctx, target, dial.Options{Password: cfg.Password, Currency: cfg.Currency, ConnectTimeout: cfg.Timeouts.Connect})
	}
	x, err := exporter.New(exporter.Options{Base: base, Open: open})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(x.Handler())
	defer srv.Close()
	names := map[string]bool{}
	name := regexp.MustCompile(`(?m)^([a-z_]+)[{ ]`)
	for _, path := range []string{"/probe?target=sim://healthy", "/probe?target=sim://keys-out-of-sync",
		"/probe?target=sim://outdated-software", "/probe?target=sim://host-unreachable", "/metrics"} {
		resp, err := srv.Client().Get(srv.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		for _, m := range name.FindAllStringSubmatch(string(b), -1) {
			names[strings.TrimSuffix(strings.TrimSuffix(strings.TrimSuffix(m[1], "_bucket"), "_sum"), "_count")] = true
		}
	}
	names["up"] = true
	return names
}

// usedMetricNames are the posdoctor_* (and up) names in text.
func usedMetricNames(text string) []string {
	var out []string
	for _, m := range regexp.MustCompile(`\b(posdoctor_[a-z_]+|up)\{`).FindAllStringSubmatch(text, -1) {
		out = append(out, m[1])
	}
	// Not inside quotes: job="posdoctor_exporter" is a job name.
	for _, m := range regexp.MustCompile(`(?:^|[^"\w])(posdoctor_[a-z_]+)\b`).FindAllStringSubmatch(text, -1) {
		out = append(out, m[1])
	}
	return out
}

func TestExamplesUseServedMetrics(t *testing.T) {
	served := servedMetricNames(t)
	for _, must := range []string{"posdoctor_probe_success", "posdoctor_terminal_status_code", "posdoctor_software_below_baseline",
		"posdoctor_check_status", "posdoctor_diagnosis_info", "posdoctor_host_latency_seconds", "posdoctor_build_info"} {
		if !served[must] {
			t.Errorf("the exporter does not serve %s", must)
		}
	}
	for _, f := range []string{"posdoctor-alerts.yml", "grafana-dashboard.json"} {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		used := usedMetricNames(string(b))
		if len(used) == 0 {
			t.Errorf("%s uses no posdoctor metric", f)
		}
		for _, n := range used {
			if !served[n] {
				t.Errorf("%s uses %s, which the exporter does not serve", f, n)
			}
		}
	}
}

func TestGrafanaDashboard(t *testing.T) {
	b, err := os.ReadFile("grafana-dashboard.json")
	if err != nil {
		t.Fatal(err)
	}
	var d struct {
		Title  string `json:"title"`
		Panels []struct {
			Title   string `json:"title"`
			Targets []struct {
				Expr string `json:"expr"`
			} `json:"targets"`
		} `json:"panels"`
	}
	if err := json.Unmarshal(b, &d); err != nil {
		t.Fatalf("grafana-dashboard.json: %v", err)
	}
	if d.Title == "" || len(d.Panels) < 5 {
		t.Fatalf("dashboard %q has %d panels", d.Title, len(d.Panels))
	}
	for _, p := range d.Panels {
		if len(p.Targets) == 0 || p.Targets[0].Expr == "" {
			t.Errorf("panel %q has no query", p.Title)
		}
	}
}

func TestExporterConfigExample(t *testing.T) {
	cfg, err := exporter.LoadConfig("exporter.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if got := cfg.ModuleNames(); !slices.Equal(got, []string{"default", "quick"}) {
		t.Errorf("modules %v", got)
	}
	if len(cfg.Inventory()) != 4 {
		t.Errorf("the example inventory has %d terminals, want 4", len(cfg.Inventory()))
	}
	for _, target := range []string{"tcp://10.20.1.11:20007", "till-1", "sim://healthy", "tcp://10.20.99.1:20007"} {
		if _, ok := cfg.Allow.Resolve(target); !ok {
			t.Errorf("%s is not allowed by exporter.yaml", target)
		}
	}
	if _, ok := cfg.Allow.Resolve("tcp://192.168.1.1:20007"); ok {
		t.Error("exporter.yaml allows 192.168.1.1")
	}
}

func TestKubernetesIndexedJob(t *testing.T) {
	b, err := os.ReadFile("k8s-sweep-job.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var job struct {
		Kind string `yaml:"kind"`
		Spec struct {
			CompletionMode string `yaml:"completionMode"`
			Completions    int    `yaml:"completions"`
			Template       struct {
				Spec struct {
					Containers []struct {
						Command []string `yaml:"command"`
						Args    []string `yaml:"args"`
					} `yaml:"containers"`
				} `yaml:"spec"`
			} `yaml:"template"`
		} `yaml:"spec"`
	}
	if err := yaml.Unmarshal(b, &job); err != nil {
		t.Fatal(err)
	}
	if job.Kind != "Job" || job.Spec.CompletionMode != "Indexed" || len(job.Spec.Template.Spec.Containers) != 1 {
		t.Fatalf("not an Indexed Job: %+v", job)
	}
	args := strings.Join(job.Spec.Template.Spec.Containers[0].Args, " ")
	n := strconv.Itoa(job.Spec.Completions)
	want := "--shard $((JOB_COMPLETION_INDEX+1))/" + n
	if !strings.Contains(args, "posdoctor check --inventory") || !strings.Contains(args, want) {
		t.Errorf("args %q: want posdoctor check --inventory … %s", args, want)
	}
	// What the shell makes of it: index i is shard i+1 of N.
	sh, err := exec.LookPath("sh")
	if err != nil {
		t.Skip("no sh")
	}
	for i := 0; i < job.Spec.Completions; i++ {
		cmd := exec.Command(sh, "-c", `echo $((JOB_COMPLETION_INDEX+1))/`+n)
		cmd.Env = append(os.Environ(), "JOB_COMPLETION_INDEX="+strconv.Itoa(i))
		out, err := cmd.Output()
		if err != nil {
			t.Fatal(err)
		}
		si, sn, err := checks.ParseShard(strings.TrimSpace(string(out)))
		if err != nil || si != i+1 || sn != job.Spec.Completions {
			t.Errorf("index %d: shard %q (%v)", i, out, err)
		}
	}
}
