package dial_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/posdoctor/posdoctor/terminal"
	"github.com/posdoctor/posdoctor/terminal/dial"
	"github.com/posdoctor/posdoctor/terminal/sim"
	"github.com/posdoctor/posdoctor/terminal/zvt"
)

// healthyPAN is the default card of fixtures/scenarios/healthy.yaml; tests
// check it never appears in full anywhere.
const healthyPAN = "6228480000000001016"

type recorder struct {
	mu sync.Mutex
	ev []terminal.Event
}

func (r *recorder) add(e terminal.Event) { r.mu.Lock(); r.ev = append(r.ev, e); r.mu.Unlock() }

func (r *recorder) dump() string {
	r.mu.Lock()
	defer r.mu.Unlock()
	b, _ := json.Marshal(r.ev)
	return string(b)
}

func (r *recorder) has(kind terminal.EventKind, sub string) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, e := range r.ev {
		if e.Kind == kind && (strings.Contains(e.Text, sub) || e.Frame != nil && strings.Contains(e.Frame.Summary, sub)) {
			return true
		}
	}
	return false
}

func ctxT(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	t.Cleanup(cancel)
	return ctx
}

func open(t *testing.T, target string, opts dial.Options) (terminal.Driver, *recorder) {
	t.Helper()
	rec := &recorder{}
	opts.OnEvent = rec.add
	d, err := dial.Open(ctxT(t), target, opts)
	if err != nil {
		t.Fatalf("Open(%s): %v", target, err)
	}
	t.Cleanup(func() { d.Close() })
	if _, err := d.Register(ctxT(t)); err != nil {
		t.Fatalf("Register: %v", err)
	}
	return d, rec
}

func simWith(t *testing.T, scenario string, faults ...string) *sim.Terminal {
	t.Helper()
	sc, err := sim.Load(scenario)
	if err != nil {
		t.Fatal(err)
	}
	return sim.New(sc, sim.Options{Faults: faults})
}

func TestSimHealthyStatusAndDiagnosis(t *testing.T) {
	t.Parallel()
	d, rec := open(t, "sim://healthy", dial.Options{})
	if info := d.Info(); info.Link != "sim" || info.Protocol != "zvt" || info.Target != "sim://healthy" {
		t.Errorf("Info = %+v", info)
	}
	st, err := d.Status(ctxT(t))
	if err != nil {
		t.Fatalf("Status: %v", err)
	}
	want := terminal.Status{TID: "52500001", Model: "Verifone VX820", Serial: "40001111", SoftwareVersion: "2.31.4",
		Code: 0, Text: st.Text, DeviceState: terminal.DeviceReady, Time: st.Time}
	if st != want {
		t.Errorf("Status = %+v, want %+v", st, want)
	}
	if st.Time.IsZero() || st.Text == "" {
		t.Errorf("Status time %v, text %q: want both", st.Time, st.Text)
	}
	hc, err := d.Diagnose(ctxT(t))
	if err != nil {
		t.Fatalf("Diagnose: %v", err)
	}
	if !hc.Result.OK() || hc.Time.IsZero() {
		t.Errorf("Diagnose = %+v, want OK with the host time", hc)
	}
	if !rec.has(terminal.EventFrame, "Status Enquiry") || !rec.has(terminal.EventFrame, "Completion") {
		t.Errorf("no frame events for the status enquiry: %s", rec.dump())
	}
}

func TestSimReadCardMasksPAN(t *testing.T) {
	t.Parallel()
	d, rec := open(t, "sim://healthy", dial.Options{})
	card, err := d.ReadCard(ctxT(t), 10*time.Second)
	if err != nil {
		t.Fatalf("ReadCard: %v", err)
	}
	if got := card.PAN.String(); got != "622848*********1016" {
		t.Errorf("PAN = %q, want 622848*********1016", got)
	}
	if card.Expiry != "2812" || card.Technology != terminal.TechChip || card.Name != "UnionPay" || !card.Result.OK() {
		t.Errorf("card = %+v", card)
	}
	if !rec.has(terminal.EventFrame, "Abort") {
		t.Error("no Abort 06 B0 after Read Card to release the card")
	}
	if strings.Contains(rec.dump(), healthyPAN) || strings.Contains(rec.dump(), "62 28 48 00 00 00 00 01") {
		t.Error("the full PAN appears in the events")
	}
	if rec.has(terminal.EventPrompt, "") == false {
		t.Error("no prompt event (insert card)")
	}
}

func TestSimPaymentReversalRepeatReceipt(t *testing.T) {
	t.Parallel()
	// full-pan: the terminal sends the whole PAN, so the PAN check at the
	// end can fail (healthy masks BMP 22 and the receipt itself).
	term := simWith(t, "healthy", sim.FaultFullPAN)
	d, rec := open(t, "sim://healthy", dial.Options{Sim: term})
	p, err := d.Authorize(ctxT(t), 1234)
	if err != nil {
		t.Fatalf("Authorize: %v", err)
	}
	if !p.Approved || p.Amount != 1234 || p.Receipt == 0 || p.Currency != 156 || p.PAN.Last4() != "1016" {
		t.Fatalf("payment = %+v", p)
	}
	rr, err := d.RepeatReceipt(ctxT(t))
	if err != nil {
		t.Fatalf("RepeatReceipt: %v", err)
	}
	if rr.Receipt != p.Receipt {
		t.Errorf("repeat receipt %d, want %d", rr.Receipt, p.Receipt)
	}
	rv, err := d.Reverse(ctxT(t), p.Receipt, p.Amount)
	if err != nil {
		t.Fatalf("Reverse: %v", err)
	}
	if !rv.Approved {
		t.Errorf("reversal = %+v, want approved", rv)
	}
	if u := term.Unreversed(); len(u) != 0 {
		t.Errorf("simulator has unreversed payments %+v", u)
	}
	if strings.Contains(rec.dump(), healthyPAN) {
		t.Error("the full PAN appears in the events")
	}
}

func TestSimDeclinedHostCode(t *testing.T) {
	t.Parallel()
	d, _ := open(t, "sim://insufficient-funds", dial.Options{})
	p, err := d.Authorize(ctxT(t), 1000)
	if err != nil {
		t.Fatalf("Authorize: %v", err)
	}
	// Host "51" travels as BMP 27 = 0x33 and TLV 13 "51" (team contract).
	if p.Approved || p.Result.Code != 0x33 || p.Result.HostCode != "51" {
		t.Errorf("payment = %+v, want declined with code 33, host code 51", p)
	}
}

func TestSimInitialiseAndAbort(t *testing.T) {
	t.Parallel()
	d, _ := open(t, "sim://healthy", dial.Options{})
	r, err := d.Initialise(ctxT(t))
	if err != nil || !r.OK() {
		t.Fatalf("Initialise = %+v, %v", r, err)
	}
	if err := d.Abort(ctxT(t)); err != nil && !errors.Is(err, terminal.ErrRejected) {
		t.Fatalf("Abort: %v", err)
	}
}

func TestSimLostCompletionIsOutcomeUnknown(t *testing.T) {
	t.Parallel()
	term := simWith(t, "healthy", "lose-completion")
	d, _ := open(t, "sim://healthy", dial.Options{Sim: term, T3: 2 * time.Second})
	_, err := d.Authorize(ctxT(t), 500)
	if !errors.Is(err, terminal.ErrOutcomeUnknown) {
		t.Fatalf("err = %v, want KindOutcomeUnknown", err)
	}
	if !strings.Contains(err.Error(), "Repeat Receipt") {
		t.Errorf("err = %q, want it to say what to do", err)
	}
}

func TestSimZVTDisabledIsRejected(t *testing.T) {
	t.Parallel()
	term := simWith(t, "healthy", "zvt-disabled")
	d, err := dial.Open(ctxT(t), "sim://healthy", dial.Options{Sim: term})
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	_, err = d.Register(ctxT(t))
	var te *terminal.Error
	if !errors.As(err, &te) || te.Kind != terminal.KindRejected || te.Code != 0x83 {
		t.Fatalf("err = %v, want rejected 83", err)
	}
}

func TestSimBannerIsNotZVT(t *testing.T) {
	t.Parallel()
	term := simWith(t, "healthy", "banner")
	d, err := dial.Open(ctxT(t), "sim://healthy", dial.Options{Sim: term})
	if err == nil {
		defer d.Close()
		_, err = d.Register(ctxT(t))
	}
	if !errors.Is(err, terminal.ErrNotProtocol) || !strings.Contains(err.Error(), "this is not a ZVT terminal on this port") {
		t.Fatalf("err = %v, want not-ZVT", err)
	}
}

func TestSimIdleCloseReconnects(t *testing.T) {
	t.Parallel()
	term := simWith(t, "healthy", "idle-close=100ms")
	d, rec := open(t, "sim://healthy", dial.Options{Sim: term})
	time.Sleep(300 * time.Millisecond)
	if _, err := d.Status(ctxT(t)); err != nil {
		t.Fatalf("Status after idle close: %v", err)
	}
	if !rec.has(terminal.EventNotice, "reconnected") {
		t.Errorf("no reconnect notice: %s", rec.dump())
	}
}

func TestSimNeverAckIsNoAnswer(t *testing.T) {
	t.Parallel()
	term := simWith(t, "healthy", "never-ack")
	d, err := dial.Open(ctxT(t), "sim://healthy", dial.Options{Sim: term, T3: 200 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	if _, err := d.Status(ctxT(t)); !errors.Is(err, terminal.ErrNoAnswer) {
		t.Fatalf("err = %v, want KindNoAnswer", err)
	}
}

func TestOpenErrors(t *testing.T) {
	t.Parallel()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	closed := ln.Addr().String()
	ln.Close()
	tests := []struct {
		target string
		want   string
		kind   error
	}{
		{"tcp://" + closed, "could not connect to " + closed + ": connection refused", terminal.ErrLink},
		{"sim://no-such-scenario", "sim://no-such-scenario", terminal.ErrLink},
		{"serial:///dev/posdoctor-none", "could not open serial port /dev/posdoctor-none: no such port", terminal.ErrLink},
		{"ftp://x", "unknown scheme", terminal.ErrLink},
	}
	for _, tt := range tests {
		t.Run(tt.target, func(t *testing.T) {
			_, err := dial.Open(ctxT(t), tt.target, dial.Options{ConnectTimeout: 2 * time.Second})
			if err == nil || !strings.Contains(err.Error(), tt.want) || !errors.Is(err, tt.kind) {
				t.Fatalf("err = %v, want %q (%v)", err, tt.want, tt.kind)
			}
			if strings.Contains(err.Error(), "\n") {
				t.Errorf("error is not one line: %q", err)
			}
		})
	}
}

func ExampleOpen() {
	ctx := context.Background()
	d, err := dial.Open(ctx, "sim://healthy", dial.Options{})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer d.Close()
	if _, err := d.Register(ctx); err != nil {
		fmt.Println(err)
		return
	}
	st, err := d.Status(ctx)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(st.TID, st.Model, st.DeviceState)
	// Output: 52500001 Verifone VX820 ready
}

func TestSerialSimOverPTY(t *testing.T) {
	t.Parallel()
	if !sim.PTYSupported {
		t.Skip("no pseudo-terminals on this platform")
	}
	// full-pan: the terminal sends the whole PAN in BMP 22 and on its
	// receipt, so the PAN check below can fail (healthy masks it itself).
	term := simWith(t, "healthy", sim.FaultFullPAN)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	path, done, err := term.ServePTY(ctx)
	if err != nil {
		t.Skipf("ServePTY: %v", err)
	}
	defer func() {
		cancel()
		select {
		case <-done:
		case <-time.After(5 * time.Second):
			t.Error("simulator did not stop within 5 s")
		}
	}()
	d, rec := open(t, "serial://"+path, dial.Options{})
	if d.Info().Link != "serial" {
		t.Errorf("Info = %+v", d.Info())
	}
	st, err := d.Status(ctxT(t))
	if err != nil || st.TID != "52500001" {
		t.Fatalf("Status = %+v, %v", st, err)
	}
	p, err := d.Authorize(ctxT(t), 250)
	if err != nil || !p.Approved {
		t.Fatalf("Authorize = %+v, %v", p, err)
	}
	if strings.Contains(rec.dump(), healthyPAN) {
		t.Error("the full PAN appears in the events")
	}
	d.Close()
}

func TestSimAdminCommands(t *testing.T) {
	t.Parallel()
	d, _ := open(t, "sim://healthy", dial.Options{})
	zd, ok := d.(*zvt.Driver)
	if !ok {
		t.Fatalf("driver is %T, want *zvt.Driver", d)
	}
	lines, r, err := zd.PrintSystemConfig(ctxT(t))
	if err != nil || !r.OK() || len(lines) == 0 || !strings.Contains(strings.Join(lines, "\n"), "52500001") {
		t.Errorf("PrintSystemConfig = %q, %+v, %v", lines, r, err)
	}
	if r, err := zd.SetDateTime(ctxT(t), time.Date(2026, 11, 21, 17, 0, 0, 0, time.UTC)); err != nil || !r.OK() {
		t.Errorf("SetDateTime = %+v, %v", r, err)
	}
	if _, err := d.Authorize(ctxT(t), 100); err != nil {
		t.Fatal(err)
	}
	if r, err := zd.EndOfDay(ctxT(t)); err != nil || !r.OK() {
		t.Errorf("EndOfDay = %+v, %v", r, err)
	}
}

func TestSerialSimNoisyLine(t *testing.T) {
	t.Parallel()
	if !sim.PTYSupported {
		t.Skip("no pseudo-terminals on this platform")
	}
	term := simWith(t, "noisy-line")
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	path, done, err := term.ServePTY(ctx)
	if err != nil {
		t.Skipf("ServePTY: %v", err)
	}
	defer func() { cancel(); <-done }()
	d, rec := open(t, "serial://"+path, dial.Options{})
	// Every third frame from the terminal arrives with a bad CRC: the link
	// NAKs it, the terminal repeats it, and the payment still goes through.
	p, err := d.Authorize(ctxT(t), 990)
	if err != nil || !p.Approved {
		t.Fatalf("Authorize = %+v, %v", p, err)
	}
	if !rec.has(terminal.EventNotice, "bad CRC") {
		t.Errorf("no bad-CRC notice: %s", rec.dump())
	}
	d.Close()
}
