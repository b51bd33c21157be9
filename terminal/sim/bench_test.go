package sim_test

import (
	"context"
	"net"
	"runtime"
	"sync"
	"testing"
	"time"

	"github.com/posdoctor/posdoctor/terminal/sim"
)

const fleetSize = 1000 // `posdoctor sim --count 1000`

// BenchmarkFleetMemory reports the memory of 1000 idle terminals served from
// one process (make bench).
func BenchmarkFleetMemory(b *testing.B) {
	sc := loadScenario(b, "healthy")
	for b.Loop() {
		var before, after runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&before)
		g0 := runtime.NumGoroutine()
		ctx, cancel := context.WithCancel(context.Background())
		f, err := sim.ListenTCP(ctx, "127.0.0.1:0", sc, sim.Options{}, fleetSize)
		if err != nil {
			cancel()
			b.Fatal(err)
		}
		runtime.GC()
		runtime.ReadMemStats(&after)
		g1 := runtime.NumGoroutine()
		b.ReportMetric(float64(after.HeapInuse+after.StackInuse-before.HeapInuse-before.StackInuse)/fleetSize, "B/terminal")
		b.ReportMetric(float64(after.HeapInuse+after.StackInuse-before.HeapInuse-before.StackInuse)/(1<<20), "MB/fleet")
		b.ReportMetric(float64(g1-g0)/fleetSize, "goroutines/terminal")
		f.Close()
		cancel()
	}
}

// BenchmarkStatusEnquiry1000 times 1000 concurrent Status Enquiries, one to
// each terminal of a 1000-terminal fleet, over connections opened up front.
// ns/op is the time until all 1000 have their Completion.
func BenchmarkStatusEnquiry1000(b *testing.B) {
	sc := loadScenario(b, "healthy")
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	f, err := sim.ListenTCP(ctx, "127.0.0.1:0", sc, sim.Options{}, fleetSize)
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	conns := make([]*tcpWire, 0, fleetSize)
	for _, a := range f.Addrs() {
		nc, err := net.DialTimeout("tcp", a, 10*time.Second)
		if err != nil {
			b.Fatal(err)
		}
		conns = append(conns, &tcpWire{nc: nc})
	}
	defer func() {
		for _, c := range conns {
			c.close()
		}
	}()
	// Status Enquiry 05 01 03 <password 000000>.
	enquiry := []byte{0x05, 0x01, 0x03, 0x00, 0x00, 0x00}
	one := func(w *tcpWire) error {
		if err := w.send(enquiry); err != nil {
			return err
		}
		for {
			m, err := w.recv(30 * time.Second)
			if err != nil {
				return err
			}
			if m[0] == 0x06 && m[1] == 0x0F {
				return w.send([]byte{0x80, 0x00, 0x00})
			}
		}
	}
	if err := one(conns[0]); err != nil { // warm up: the terminal's goroutine runs
		b.Fatal(err)
	}
	runtime.GC()
	runtime.ReadMemStats(&after)
	// Both ends live in this process; the client side is small (tcpWire).
	fleetMB := float64(after.HeapInuse+after.StackInuse-before.HeapInuse-before.StackInuse) / (1 << 20)
	b.ResetTimer()
	for b.Loop() {
		var wg sync.WaitGroup
		errs := make(chan error, fleetSize)
		for _, w := range conns {
			wg.Add(1)
			go func() {
				defer wg.Done()
				if err := one(w); err != nil {
					errs <- err
				}
			}()
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/fleetSize, "ns/enquiry")
	b.ReportMetric(fleetMB, "MB-fleet+1000conns")
}
