package exporter

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"math"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"runtime"
	"runtime/metrics"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/posdoctor/posdoctor/terminal/sim"
)

// benchSimEnv makes the test binary a simulator process ("COUNT,LATENCY"):
// the benchmarks run the terminals in a child process, so the CPU time and
// allocations they measure are the exporter's alone.
const benchSimEnv = "POSDOCTOR_EXPORTER_BENCH_SIM"

func TestMain(m *testing.M) {
	if spec := os.Getenv(benchSimEnv); spec != "" {
		os.Exit(benchSimMain(spec))
	}
	os.Exit(m.Run())
}

// benchSimMain serves COUNT healthy terminals with LATENCY per answer on
// loopback, prints their addresses, and runs until stdin closes.
func benchSimMain(spec string) int {
	n, lat, _ := strings.Cut(spec, ",")
	count, err1 := strconv.Atoi(n)
	latency, err2 := time.ParseDuration(lat)
	sc, err3 := sim.Load("healthy")
	if err1 != nil || err2 != nil || err3 != nil {
		fmt.Fprintln(os.Stderr, "bad", benchSimEnv, spec)
		return 2
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	fl, err := sim.ListenTCP(ctx, "127.0.0.1:0", sc, sim.Options{Latency: latency}, count)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer fl.Close()
	w := bufio.NewWriter(os.Stdout)
	for _, a := range fl.Addrs() {
		fmt.Fprintln(w, "tcp://"+a)
	}
	w.Flush()
	_, _ = io.Copy(io.Discard, os.Stdin)
	return 0
}

// childSims starts count simulated terminals in a child process.
func childSims(b *testing.B, count int, latency time.Duration) []string {
	b.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), fmt.Sprintf("%s=%d,%s", benchSimEnv, count, latency))
	stdin, _ := cmd.StdinPipe()
	stdout, _ := cmd.StdoutPipe()
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { stdin.Close(); _ = cmd.Wait() })
	sc := bufio.NewScanner(stdout)
	var out []string
	for len(out) < count && sc.Scan() {
		out = append(out, sc.Text())
	}
	if len(out) != count {
		b.Fatalf("the simulator process started %d of %d terminals", len(out), count)
	}
	return out
}

// benchExporter is an exporter allowing loopback, over real HTTP.
func benchExporter(b *testing.B) *httptest.Server {
	b.Helper()
	cfg := testConfig(b, "allow: {cidrs: [127.0.0.0/8]}\nmax_concurrent_probes: 1000\n")
	srv, _ := newTestExporter(b, cfg, nil, nil)
	return srv
}

func probeOnce(b *testing.B, c *http.Client, u string) {
	resp, err := c.Get(u)
	if err != nil {
		b.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if !strings.Contains(string(body), "posdoctor_probe_success 1") {
		b.Fatalf("probe failed:\n%s", body)
	}
}

// BenchmarkProbe is one /probe of a healthy terminal (the default module:
// link, status, version, network) through a real HTTP round trip, the
// terminal in another process answering at once. Metrics: cpu-us/probe
// (this process: exporter and HTTP client), allocs and B per probe (b.N
// loop), and the load of 1000 targets scraped every 15 s derived from it:
// cores-1000x15s = 1000/15 probes/s × CPU per probe.
func BenchmarkProbe(b *testing.B) {
	target := childSims(b, 1, 0)[0]
	srv := benchExporter(b)
	u := srv.URL + "/probe?" + url.Values{"target": {target}}.Encode()
	probeOnce(b, srv.Client(), u) // warm up
	b.ReportAllocs()
	b.ResetTimer()
	cpu0 := processCPU()
	for i := 0; i < b.N; i++ {
		probeOnce(b, srv.Client(), u)
	}
	cpu := processCPU() - cpu0
	b.StopTimer()
	perProbe := float64(cpu.Microseconds()) / float64(b.N)
	b.ReportMetric(perProbe, "cpu-us/probe")
	b.ReportMetric(perProbe*1000/15/1e6, "cores-1000x15s")
}

// BenchmarkProbeLatency compares a probe's wall time with the sum of the
// terminal's command latencies (100 ms per answer): the number of answers
// is learnt from a terminal that answers at once. Metrics: probe-ms,
// latency-sum-ms, overhead-% (the exporter's own share).
func BenchmarkProbeLatency(b *testing.B) {
	const latency = 100 * time.Millisecond
	fast := childSims(b, 1, 0)[0]
	slow := childSims(b, 1, latency)[0]
	srv := benchExporter(b)
	uf := srv.URL + "/probe?" + url.Values{"target": {fast}}.Encode()
	us := srv.URL + "/probe?" + url.Values{"target": {slow}}.Encode()
	var fastT, slowT time.Duration
	for i := 0; i < b.N; i++ {
		t0 := time.Now()
		probeOnce(b, srv.Client(), uf)
		t1 := time.Now()
		probeOnce(b, srv.Client(), us)
		fastT += t1.Sub(t0)
		slowT += time.Since(t1)
	}
	n := time.Duration(b.N)
	delays := math.Round(float64(slowT/n-fastT/n) / float64(latency))
	sum := time.Duration(delays) * latency
	b.ReportMetric(float64((slowT/n).Microseconds())/1000, "probe-ms")
	b.ReportMetric(float64(sum.Milliseconds()), "latency-sum-ms")
	b.ReportMetric(100*float64(slowT/n-sum)/float64(sum), "overhead-%")
}

// BenchmarkExporterFleet15s is one scrape round of 1000 targets every 15 s
// for real: 1000 terminals (another process, 100 ms per answer) probed at
// the even rate Prometheus spreads them at (one every 15 ms), through HTTP.
// Metrics: cpu-cores (this process's CPU time / 15 s), cpu-ms-round,
// peak-MB (heap and stacks in use at the peak), max-in-flight, round-s
// (until the last answer).
func BenchmarkExporterFleet15s(b *testing.B) {
	const n, every = 1000, 15 * time.Millisecond
	targets := childSims(b, n, 100*time.Millisecond)
	srv := benchExporter(b)
	tr := &http.Transport{MaxIdleConnsPerHost: 200}
	client := &http.Client{Transport: tr, Timeout: time.Minute}
	b.ResetTimer()
	var cpuT time.Duration
	var peak uint64
	var maxFlight, failed atomic.Int64
	var round time.Duration
	for i := 0; i < b.N; i++ {
		runtime.GC()
		p := startPeak()
		cpu0 := processCPU()
		start := time.Now()
		var wg sync.WaitGroup
		var flight atomic.Int64
		tick := time.NewTicker(every)
		for _, tg := range targets {
			<-tick.C
			wg.Add(1)
			go func() {
				defer wg.Done()
				if f := flight.Add(1); f > maxFlight.Load() {
					maxFlight.Store(f)
				}
				defer flight.Add(-1)
				resp, err := client.Get(srv.URL + "/probe?" + url.Values{"target": {tg}}.Encode())
				if err != nil {
					failed.Add(1)
					return
				}
				body, _ := io.ReadAll(resp.Body)
				resp.Body.Close()
				if !strings.Contains(string(body), "posdoctor_probe_success 1") {
					failed.Add(1)
				}
			}()
		}
		tick.Stop()
		wg.Wait()
		round += time.Since(start)
		cpuT += processCPU() - cpu0
		peak = max(peak, p.Stop())
	}
	b.StopTimer()
	if f := failed.Load(); f > 0 {
		b.Fatalf("%d probes failed", f)
	}
	rounds := float64(b.N)
	b.ReportMetric(float64(cpuT.Milliseconds())/rounds, "cpu-ms-round")
	b.ReportMetric(cpuT.Seconds()/rounds/(n*every).Seconds(), "cpu-cores")
	b.ReportMetric(float64(peak)/(1<<20), "peak-MB")
	b.ReportMetric(float64(maxFlight.Load()), "max-in-flight")
	b.ReportMetric(round.Seconds()/rounds, "round-s")
}

// peakSampler records the peak of heap plus stacks in use while it runs
// (runtime/metrics, which does not stop the world).
type peakSampler struct {
	peak atomic.Uint64
	stop chan struct{}
	done sync.WaitGroup
}

func startPeak() *peakSampler {
	p := &peakSampler{stop: make(chan struct{})}
	p.done.Add(1)
	go func() {
		defer p.done.Done()
		s := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}, {Name: "/memory/classes/heap/unused:bytes"}, {Name: "/memory/classes/heap/stacks:bytes"}}
		t := time.NewTicker(5 * time.Millisecond)
		defer t.Stop()
		for {
			metrics.Read(s)
			var v uint64
			for _, x := range s {
				if x.Value.Kind() == metrics.KindUint64 {
					v += x.Value.Uint64()
				}
			}
			if v > p.peak.Load() {
				p.peak.Store(v)
			}
			select {
			case <-p.stop:
				return
			case <-t.C:
			}
		}
	}()
	return p
}

func (p *peakSampler) Stop() uint64 { close(p.stop); p.done.Wait(); return p.peak.Load() }
