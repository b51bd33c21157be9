package sim_test

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/posdoctor/posdoctor/terminal"
	"github.com/posdoctor/posdoctor/terminal/dial"
	"github.com/posdoctor/posdoctor/terminal/sim"
	"github.com/posdoctor/posdoctor/terminal/zvt"
)

// wantAckFirst sends Status Enquiry and checks the PT's next APDU is its
// 80 00 00: had the PT answered the stray acknowledgement sent before, its
// 84 83 00 would come first.
func wantAckFirst(t *testing.T, e *ecr, after string) {
	t.Helper()
	tr, err := e.try(cmdStatus, nil)
	if err != nil {
		t.Fatalf("status after %s: %v", after, err)
	}
	if len(tr.first) < 2 || tr.first[0] != 0x80 || tr.first[1] != 0x00 {
		t.Fatalf("after %s the PT sent % X first, want 80 00 00 (the stray acknowledgement must get no answer)", after, tr.first)
	}
	if tr.end == nil || tr.end[0] != 0x06 || tr.end[1] != 0x0F {
		t.Errorf("status after %s: %s, want a completion", after, tr)
	}
}

// A real terminal ignores an acknowledgement nothing waits for: a repeated
// 80 00 00 after Read Card's 04 0F (which ends Read Card, so nothing more is
// expected), or 80 00 00 / 84 00 00 as the first bytes on a new connection (an
// answer to a message of a connection that was dropped). It must never
// answer one with 84 83: an ECR that acknowledges every PT message would
// acknowledge that too, forever.
func TestStrayAckGetsNoAnswer(t *testing.T) {
	t.Parallel()
	sc := loadScenario(t, "healthy")
	e, _, dialNew := startTCP(t, sc, sim.Options{})
	e.do(cmdRegister)
	tr := e.do(cmdReadCard) // answers the 04 0F with 80 00 00
	if tr.end == nil || tr.end[0] != 0x04 || tr.end[1] != 0x0F {
		t.Fatalf("read card: %s, want it to end at 04 0F", tr)
	}
	if err := e.w.send([]byte{0x80, 0x00, 0x00}); err != nil { // a second, late acknowledgement
		t.Fatal(err)
	}
	wantAckFirst(t, e, "a late 80 00 00 after Read Card's 04 0F")

	for _, stray := range [][]byte{{0x80, 0x00, 0x00}, {0x84, 0x00, 0x00}, {0x84, 0x83, 0x00}} {
		fresh := dialNew()
		if err := fresh.w.send(stray); err != nil {
			t.Fatal(err)
		}
		wantAckFirst(t, fresh, "a stray answer as the first bytes of a new connection")
	}
}

// frameLog counts the frame events of a driver.
type frameLog struct {
	mu     sync.Mutex
	frames []terminal.Frame
}

func (l *frameLog) add(ev terminal.Event) {
	if ev.Kind != terminal.EventFrame || ev.Frame == nil {
		return
	}
	l.mu.Lock()
	l.frames = append(l.frames, *ev.Frame)
	l.mu.Unlock()
}

func (l *frameLog) all() []terminal.Frame {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]terminal.Frame(nil), l.frames...)
}

// TestConsoleDriverDropAfter runs the check sequence (Registration, Status,
// Diagnosis, Read Card, Authorization, Reversal) through the console's real
// driver against a terminal that drops every connection after its 5th
// message. Each drop may fail a command, but the two sides must never
// acknowledge each other's acknowledgements (the simulator refusing a stray
// 80 00 00 with 84 83, the console acknowledging that 84 83, thousands of
// times), no answer may go out on a reconnected socket, and no payment may
// stay booked. The bound is on frames, not time.
func TestConsoleDriverDropAfter(t *testing.T) {
	t.Parallel()
	for _, n := range []int{2, 3, 4, 5, 6, 7, 8, 9} {
		t.Run("drop-after="+strconv.Itoa(n), func(t *testing.T) {
			t.Parallel()
			sc := loadScenario(t, "healthy")
			term := sim.New(sc, sim.Options{Faults: []string{"drop-after=" + strconv.Itoa(n)}})
			ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
			defer cancel()
			var log frameLog
			d, err := dial.Open(ctx, "sim://healthy", dial.Options{Sim: term, OnEvent: log.add})
			if err != nil {
				t.Fatal(err)
			}
			_, _ = d.Register(ctx)
			_, _ = d.Status(ctx)
			_, _ = d.Diagnose(ctx)
			_, _ = d.ReadCard(ctx, 15*time.Second)
			p, err := d.Authorize(ctx, 1)
			if errors.Is(err, terminal.ErrOutcomeUnknown) {
				// Resynchronise as the check does; the 04 0F alone names
				// the receipt even when the Completion is lost.
				for range 3 {
					rr, rerr := d.RepeatReceipt(ctx)
					if rr.Receipt != 0 {
						p = rr
					}
					if rerr == nil {
						break
					}
				}
			}
			if p.Receipt != 0 {
				// The reversal itself may hit a drop: retry on the next
				// connection until the terminal answers it.
				for range 3 {
					_, err := d.Reverse(ctx, p.Receipt, p.Amount)
					if err == nil || errors.Is(err, terminal.ErrRejected) {
						break
					}
				}
			}
			d.Close()

			frames := log.all()
			var nacks, acks int
			for _, f := range frames {
				if f.Dir == terminal.FromTerminal && strings.HasPrefix(f.Hex, "84") && !strings.HasPrefix(f.Hex, "84 00") {
					nacks++
				}
				if f.Dir == terminal.ToTerminal && strings.HasPrefix(f.Hex, "80 00") {
					acks++
				}
			}
			if nacks != 0 {
				t.Errorf("the terminal refused %d console messages with 84 xx, want none (a stray acknowledgement reached it)", nacks)
			}
			// The whole sequence is about 60 frames without faults; a
			// ping-pong runs into thousands.
			if len(frames) > 100 || acks > 40 {
				t.Errorf("%d frames (%d acknowledgements from the console), want at most 100 (40)", len(frames), acks)
			}
			t.Logf("%d frames, %d acknowledgements from the console", len(frames), acks)
			if u := term.Unreversed(); len(u) != 0 {
				t.Errorf("unreversed payments in the terminal's journal: %+v", u)
			}
		})
	}
}

// A reversal whose connection is lost before the host answered (here at its
// first intermediate status) is not booked: the payment stays approved until
// a reversal runs to its status information.
func TestLostReversalLeavesPaymentBooked(t *testing.T) {
	t.Parallel()
	sc := loadScenario(t, "healthy")
	e, term, dialNew := startTCP(t, sc, sim.Options{})
	e.do(cmdRegister)
	r := readResult(t, e.do(cmdAuth(300)))
	if !r.approved {
		t.Fatalf("payment not approved: %+v", r)
	}
	_, err := e.try(cmdReversal(r.receipt), func(msg []byte) []byte {
		e.w.close() // the link dies at the first PT message after 80 00
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if u := term.Unreversed(); len(u) != 1 || u[0].Receipt != r.receipt {
		t.Fatalf("unreversed after a lost reversal: %+v, want the payment (receipt %d)", u, r.receipt)
	}
	e2 := dialNew()
	e2.do(cmdRegister)
	tr := e2.do(cmdReversal(r.receipt))
	if end, _, _ := zvt.ReadAPDU(tr.end); end.Command() != zvt.CmdCompletion {
		t.Fatalf("second reversal: %s, want a completion", tr)
	}
	if u := term.Unreversed(); len(u) != 0 {
		t.Errorf("unreversed after the second reversal: %+v", u)
	}
}
