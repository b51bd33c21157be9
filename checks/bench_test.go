package checks

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"math"
	"os"
	"runtime"
	"runtime/metrics"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/posdoctor/posdoctor/model"
	"github.com/posdoctor/posdoctor/terminal"
	"github.com/posdoctor/posdoctor/terminal/dial"
	"github.com/posdoctor/posdoctor/terminal/sim"
)

// benchFleetSize and benchLatency are the figures of issue 5: 1000
// simulated terminals, 100 ms per simulated command.
const (
	benchFleetSize = 1000
	benchLatency   = 100 * time.Millisecond
)

func benchOpen(ctx context.Context, target string, cfg Config) (terminal.Driver, error) {
	return dial.Open(ctx, target, dial.Options{Password: cfg.Password, Currency: cfg.Currency, ConnectTimeout: cfg.Timeouts.Connect})
}

// benchChecks are the checks a fleet sweep runs without a card at each
// terminal.
var benchChecks = []model.CheckID{model.CheckLink, model.CheckStatus, model.CheckVersion, model.CheckNetwork}

// benchOptions are what `posdoctor check --inventory` passes to Sweep: one
// session journal, and the open test payments of earlier sessions looked
// up (and resolved) for each terminal before its checks.
func benchOptions(b *testing.B) CheckOptions {
	cfg := DefaultConfig()
	cfg.JournalDir = b.TempDir()
	j, err := OpenSessionJournal(cfg, "bench")
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { j.Close() })
	_ = j.Record(Entry{Kind: EntrySessionStart, Text: "check"})
	return CheckOptions{Config: cfg, Open: benchOpen, Journal: j, Recover: true, Checks: benchChecks}
}

// peakSampler records the peak of heap plus stacks in use while it runs.
// It reads runtime/metrics, which does not stop the world (ReadMemStats
// every 5 ms would pause the sweep it measures 200 times a second).
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
		t := time.NewTicker(5 * time.Millisecond)
		defer t.Stop()
		samples := memSamples()
		for {
			if v := inUse(samples); v > p.peak.Load() {
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

// memSamples are the runtime/metrics whose sum is MemStats.HeapInuse +
// StackInuse: heap objects, heap spans not holding objects, and stacks.
func memSamples() []metrics.Sample {
	return []metrics.Sample{
		{Name: "/memory/classes/heap/objects:bytes"},
		{Name: "/memory/classes/heap/unused:bytes"},
		{Name: "/memory/classes/heap/stacks:bytes"},
	}
}

// inUse reads samples and returns their sum in bytes.
func inUse(samples []metrics.Sample) uint64 {
	metrics.Read(samples)
	var v uint64
	for _, s := range samples {
		if s.Value.Kind() == metrics.KindUint64 {
			v += s.Value.Uint64()
		}
	}
	return v
}

func (p *peakSampler) Stop() uint64 { close(p.stop); p.done.Wait(); return p.peak.Load() }

// BenchmarkFleetSweep sweeps 1000 simulated terminals (100 ms per simulated
// command) at once and compares the wall time with one terminal alone, the
// way `posdoctor check --inventory` runs (one session journal, open test
// payments looked up per terminal, a text line per terminal and the
// summary table). Metrics: ratio (fleet/single, target ≤ 1.3), peak-MB
// (heap+stacks of the console and the 1000 simulators together, target ≤
// 200; peak-rss-MB is the process's resident peak, where the OS tells it),
// fleet-ms, single-ms, fleet-cpu-ms (CPU time, user and system, of the
// whole process during the sweep: console, simulators and the kernel's
// loopback TCP), and the floor (bench_floor_test.go) run right after each
// sweep: floor-ratio and floor-cpu-ms, the same TCP exchange with nothing
// else, i.e. what this machine charges whatever posdoctor does.
func BenchmarkFleetSweep(b *testing.B) {
	sc, err := sim.Load("healthy")
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	fleet, err := sim.ListenTCP(ctx, "127.0.0.1:0", sc, sim.Options{Latency: benchLatency}, benchFleetSize)
	if err != nil {
		b.Fatal(err)
	}
	defer fleet.Close()
	single, err := sim.ListenTCP(ctx, "127.0.0.1:0", sc, sim.Options{Latency: benchLatency}, 1)
	if err != nil {
		b.Fatal(err)
	}
	defer single.Close()
	floor := startFloor(b, benchFleetSize+1, benchLatency)
	defer floor.Close()
	var entries []InventoryEntry
	for _, a := range fleet.Addrs() {
		entries = append(entries, InventoryEntry{Target: "tcp://" + a})
	}
	o := benchOptions(b)
	checkFloorScript(b, traceOne(b, sc, o))
	runtime.GC()
	base := inUse(memSamples())
	b.ResetTimer()
	var singleT, fleetT, fleetCPU, floorSingle, floorFleet, floorCPU time.Duration
	var peak uint64
	for i := 0; i < b.N; i++ {
		start := time.Now()
		rep := CheckOne(ctx, InventoryEntry{Target: "tcp://" + single.Addrs()[0]}, o)
		singleT += time.Since(start)
		if rep.Verdict != model.StatusOK {
			b.Fatalf("single: %s", SummaryLine(rep))
		}
		p := startPeak()
		cpu0 := processCPU()
		start = time.Now()
		bad := 0
		var durs []int64
		var table FleetTable
		emit := func(r TerminalReport) {
			durs = append(durs, r.DurationMS)
			table.Add(r)
			fmt.Fprintln(io.Discard, SummaryLineIn(r, model.LangEn))
			if r.Verdict != model.StatusOK {
				bad++
				if bad == 1 {
					b.Logf("not ok: %s", SummaryLine(r))
				}
			}
		}
		sum := Sweep(ctx, entries, benchFleetSize, o, emit)
		if err := table.Write(io.Discard, sum, model.LangEn); err != nil {
			b.Fatal(err)
		}
		fleetT += time.Since(start)
		fleetCPU += processCPU() - cpu0
		peak = max(peak, p.Stop())
		slices.Sort(durs)
		b.Logf("per-terminal ms: min %d median %d p99 %d max %d", durs[0], durs[len(durs)/2], durs[len(durs)*99/100], durs[len(durs)-1])
		if sum.Summary.Terminals != benchFleetSize || sum.Summary.OK != benchFleetSize {
			b.Fatalf("fleet: %s", sum.Line())
		}
		s, f, c := floor.run(b)
		floorSingle, floorFleet, floorCPU = floorSingle+s, floorFleet+f, floorCPU+c
	}
	b.StopTimer()
	n := float64(b.N)
	b.ReportMetric(float64(fleetT.Milliseconds())/n, "fleet-ms")
	b.ReportMetric(float64(singleT.Milliseconds())/n, "single-ms")
	b.ReportMetric(float64(fleetT)/float64(singleT), "ratio")
	b.ReportMetric(float64(fleetCPU.Milliseconds())/n, "fleet-cpu-ms")
	b.ReportMetric(float64(floorFleet)/float64(floorSingle), "floor-ratio")
	b.ReportMetric(float64(floorCPU.Milliseconds())/n, "floor-cpu-ms")
	b.ReportMetric(float64(peak)/(1<<20), "peak-MB")
	b.ReportMetric(float64(peak-min(peak, base))/(1<<20), "peak-above-idle-MB")
	if la := loadAvg(); la >= 0 {
		// The machine's 1-minute load average after the runs: the ratio
		// is a wall-time figure, and on a shared machine it measures the
		// others' load as much as the sweep (fleet-cpu-ms does not).
		b.ReportMetric(la, "loadavg")
	}
	if hwm := peakRSS(); hwm > 0 {
		// The whole process's resident peak since it started (Linux), a
		// bound that also counts what heap+stacks leave out.
		b.ReportMetric(float64(hwm)/(1<<20), "peak-rss-MB")
	}
}

// traceOne checks one healthy terminal with o, without latency, and
// returns the simulator's trace of the exchange.
func traceOne(b *testing.B, sc *sim.Scenario, o CheckOptions) string {
	var buf bytes.Buffer
	t, err := sim.ListenTCP(context.Background(), "127.0.0.1:0", sc, sim.Options{Trace: &buf}, 1)
	if err != nil {
		b.Fatal(err)
	}
	rep := CheckOne(context.Background(), InventoryEntry{Target: "tcp://" + t.Addrs()[0]}, o)
	t.Close() // waits for the terminal's side to end: the trace is whole
	if rep.Verdict != model.StatusOK {
		b.Fatalf("trace run: %s", SummaryLine(rep))
	}
	return buf.String()
}

// loadAvg is the 1-minute load average of /proc/loadavg, or -1.
func loadAvg() float64 {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return -1
	}
	f := strings.Fields(string(b))
	if len(f) == 0 {
		return -1
	}
	v, err := strconv.ParseFloat(f[0], 64)
	if err != nil {
		return -1
	}
	return v
}

// peakRSS is VmHWM of /proc/self/status in bytes, or 0 where there is none.
func peakRSS() uint64 {
	data, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(data), "\n") {
		if rest, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			f := strings.Fields(rest)
			if len(f) == 2 && f[1] == "kB" {
				if n, err := strconv.ParseUint(f[0], 10, 64); err == nil {
					return n << 10
				}
			}
		}
	}
	return 0
}

// BenchmarkSingleOverhead measures the console's own time on one run: the
// run's wall time minus the simulated latencies, over the simulated
// latencies (target ≤ 5 %). The number of simulated delays is learned from
// a run with zero latency.
func BenchmarkSingleOverhead(b *testing.B) {
	sc, err := sim.Load("healthy")
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	slow, err := sim.ListenTCP(ctx, "127.0.0.1:0", sc, sim.Options{Latency: benchLatency}, 1)
	if err != nil {
		b.Fatal(err)
	}
	defer slow.Close()
	fast, err := sim.ListenTCP(ctx, "127.0.0.1:0", sc, sim.Options{}, 1)
	if err != nil {
		b.Fatal(err)
	}
	defer fast.Close()
	o := benchOptions(b)
	b.ResetTimer()
	var slowT, fastT time.Duration
	for i := 0; i < b.N; i++ {
		start := time.Now()
		CheckOne(ctx, InventoryEntry{Target: "tcp://" + fast.Addrs()[0]}, o)
		fastT += time.Since(start)
		start = time.Now()
		rep := CheckOne(ctx, InventoryEntry{Target: "tcp://" + slow.Addrs()[0]}, o)
		slowT += time.Since(start)
		if rep.Verdict != model.StatusOK {
			b.Fatalf("%s", SummaryLine(rep))
		}
	}
	b.StopTimer()
	n := time.Duration(b.N)
	perSlow, perFast := slowT/n, fastT/n
	delays := math.Round(float64(perSlow-perFast) / float64(benchLatency))
	simulated := time.Duration(delays) * benchLatency
	b.ReportMetric(delays, "sim-delays")
	b.ReportMetric(float64(perSlow.Microseconds())/1000, "run-ms")
	b.ReportMetric(100*float64(perSlow-simulated)/float64(simulated), "overhead-%")
}
