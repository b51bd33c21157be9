package sim_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/posdoctor/posdoctor/terminal"
	"github.com/posdoctor/posdoctor/terminal/dial"
	"github.com/posdoctor/posdoctor/terminal/sim"
)

// TestConsoleDriver runs the console's real ZVT driver (terminal/dial, the
// other side's implementation) against every required scenario through
// sim://, so the two independent implementations must agree on the wire.
func TestConsoleDriver(t *testing.T) {
	t.Parallel()
	for _, name := range sim.Required {
		if name == "slow-network" && testing.Short() {
			continue
		}
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			sc := loadScenario(t, name)
			term := sim.New(sc, sim.Options{})
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			d, err := dial.Open(ctx, "sim://"+name, dial.Options{Sim: term})
			if err != nil {
				t.Fatal(err)
			}
			defer d.Close()
			if _, err := d.Register(ctx); err != nil {
				t.Fatalf("register: %v", err)
			}
			st, err := d.Status(ctx)
			if err != nil {
				t.Fatalf("status: %v", err)
			}
			if st.TID != sc.Identity.TID || st.SoftwareVersion != sc.Identity.SoftwareVersion || st.Model != sc.Identity.Model ||
				st.Code != sc.Identity.Status || st.DeviceState != sc.Identity.DeviceState || st.Serial == "" {
				t.Errorf("status: got %+v, want identity %+v", st, sc.Identity)
			}
			hc, err := d.Diagnose(ctx)
			if err != nil {
				t.Fatalf("diagnose: %v", err)
			}
			if hc.Result.Code != sc.Diagnosis.Result {
				t.Errorf("diagnose: got %+v, want code %02X", hc.Result, sc.Diagnosis.Result)
			}
			card, err := d.ReadCard(ctx, 15*time.Second)
			if err != nil {
				t.Fatalf("read card: %v", err)
			}
			c0 := sc.Cards[0]
			if c0.Readable {
				if card.PAN.String() != terminal.NewPAN(c0.PAN).String() || card.Expiry != c0.Expiry || card.Technology != c0.Technology {
					t.Errorf("read card: got %+v, want %s %s %s", card, terminal.NewPAN(c0.PAN), c0.Expiry, c0.Technology)
				}
			} else if card.Result.Code != c0.ReadError {
				t.Errorf("read card of unreadable card: got %+v, want code %02X", card.Result, c0.ReadError)
			}
			for i, w := range scenarioWants[name] {
				p, err := d.Authorize(ctx, w.amount)
				if err != nil {
					t.Fatalf("payment %d: %v", i, err)
				}
				if p.Result.Code != w.code || p.Result.HostCode != w.hostCode || p.Approved != w.approved || !strings.Contains(p.Result.Text, w.text) {
					t.Errorf("payment %d: got %+v, want code %02X host %q text ~%q approved %v", i, p.Result, w.code, w.hostCode, w.text, w.approved)
				}
				if strings.Contains(p.PAN.String(), c0.PAN) {
					t.Errorf("payment %d: full PAN in the driver's result", i)
				}
				if p.Approved {
					rv, err := d.Reverse(ctx, p.Receipt, p.Amount)
					if err != nil || !rv.Approved {
						t.Errorf("reverse %d: %+v %v", p.Receipt, rv, err)
					}
				}
			}
			if name == "keys-out-of-sync" {
				if r, err := d.Initialise(ctx); err != nil || r.Code != 0 {
					t.Fatalf("initialise: %+v %v", r, err)
				}
				p, err := d.Authorize(ctx, 100)
				if err != nil || !p.Approved {
					t.Fatalf("payment after initialise: %+v %v", p, err)
				}
				if _, err := d.Reverse(ctx, p.Receipt, p.Amount); err != nil {
					t.Fatal(err)
				}
			}
			if u := term.Unreversed(); len(u) != 0 {
				t.Errorf("unreversed: %+v", u)
			}
		})
	}
}

// TestConsoleDriverLostCompletion: with the lose-completion fault the driver
// reports an unknown outcome and Repeat Receipt resynchronises.
func TestConsoleDriverLostCompletion(t *testing.T) {
	t.Parallel()
	sc := loadScenario(t, "healthy")
	term := sim.New(sc, sim.Options{Faults: []string{"lose-completion"}})
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	d, err := dial.Open(ctx, "sim://healthy", dial.Options{Sim: term})
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	p, err := d.Authorize(ctx, 250)
	if err == nil && !p.Approved {
		t.Fatalf("authorize: %+v", p)
	}
	if err != nil && !errors.Is(err, terminal.ErrOutcomeUnknown) {
		t.Logf("authorize error: %v", err)
	}
	rr, err := d.RepeatReceipt(ctx)
	if err != nil || rr.Receipt == 0 {
		t.Fatalf("repeat receipt: %+v %v", rr, err)
	}
	if _, err := d.Reverse(ctx, rr.Receipt, rr.Amount); err != nil {
		t.Fatal(err)
	}
	if u := term.Unreversed(); len(u) != 0 {
		t.Errorf("unreversed: %+v", u)
	}
}
