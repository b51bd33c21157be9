//go:build linux || darwin

package sim_test

import (
	"context"
	"os"
	"syscall"
	"testing"

	"github.com/posdoctor/posdoctor/terminal/sim"
)

// startPTY serves term on a pseudo-terminal and returns a serial ECR on the
// other end, plus a function that opens another one.
func startPTY(t testing.TB, term *sim.Terminal) (*ecr, func() *ecr) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	path, done, err := term.ServePTY(ctx)
	if err != nil {
		cancel()
		t.Fatal(err)
	}
	var wires []*serialWire
	t.Cleanup(func() {
		for _, w := range wires {
			w.close()
		}
		cancel()
		<-done
	})
	open := func() *ecr {
		f, err := os.OpenFile(path, os.O_RDWR|syscall.O_NOCTTY, 0)
		if err != nil {
			t.Fatalf("open %s: %v", path, err)
		}
		w := newSerialWire(f)
		wires = append(wires, w)
		return &ecr{t: t, w: w}
	}
	return open(), open
}

// TestScenariosPTY runs every required scenario end to end through the
// serial framing on a pseudo-terminal.
func TestScenariosPTY(t *testing.T) {
	t.Parallel()
	for _, name := range sim.Required {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			sc, err := sim.Load(name)
			if err != nil {
				t.Fatal(err)
			}
			term := sim.New(sc, sim.Options{})
			e, open := startPTY(t, term)
			runScenario(t, e, term, name, open)
			if name == "noisy-line" {
				if w := e.w.(*serialWire); w.naks == 0 {
					t.Errorf("noisy-line: the ECR never had to NAK a frame")
				}
			}
		})
	}
}
