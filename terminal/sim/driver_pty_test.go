//go:build linux || darwin

package sim_test

import (
	"context"
	"testing"
	"time"

	"github.com/posdoctor/posdoctor/terminal/dial"
	"github.com/posdoctor/posdoctor/terminal/sim"
)

// TestConsoleDriverSerial: the console's serial link (go.bug.st/serial on
// the pty, its own ACK/NAK and repeats) against the simulator's, on a clean
// and on a noisy line.
func TestConsoleDriverSerial(t *testing.T) {
	t.Parallel()
	for _, name := range []string{"healthy", "noisy-line", "wrong-pin"} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			sc := loadScenario(t, name)
			term := sim.New(sc, sim.Options{})
			ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
			defer cancel()
			path, done, err := term.ServePTY(ctx)
			if err != nil {
				t.Fatal(err)
			}
			defer func() { cancel(); <-done }()
			d, err := dial.Open(ctx, "serial://"+path, dial.Options{})
			if err != nil {
				t.Fatal(err)
			}
			defer d.Close()
			if _, err := d.Register(ctx); err != nil {
				t.Fatalf("register: %v", err)
			}
			st, err := d.Status(ctx)
			if err != nil || st.TID != sc.Identity.TID {
				t.Fatalf("status: %+v %v", st, err)
			}
			w := scenarioWants[name][0]
			p, err := d.Authorize(ctx, w.amount)
			if err != nil {
				t.Fatalf("authorize: %v", err)
			}
			if p.Result.Code != w.code || p.Result.HostCode != w.hostCode || p.Approved != w.approved {
				t.Errorf("payment: got %+v, want code %02X host %q approved %v", p.Result, w.code, w.hostCode, w.approved)
			}
			if p.Approved {
				if _, err := d.Reverse(ctx, p.Receipt, p.Amount); err != nil {
					t.Fatalf("reverse: %v", err)
				}
			}
			if u := term.Unreversed(); len(u) != 0 {
				t.Errorf("unreversed: %+v", u)
			}
		})
	}
}
