package checks

import (
	"context"
	"os"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/posdoctor/posdoctor/terminal"
)

// fakeDriver is a scripted terminal.Driver for unit tests. Each method
// returns the configured value; calls are recorded.
type fakeDriver struct {
	mu    sync.Mutex
	calls []string
	obs   func(terminal.Event)

	reg      terminal.Registration
	regErr   error
	status   terminal.Status
	statErr  error
	host     terminal.HostCheck
	hostErr  error
	card     terminal.Card
	cardErr  error
	cardWait bool // ReadCard blocks until ctx ends
	auth     terminal.Payment
	authErr  error
	rev      terminal.Payment
	revErr   error
	repeat   terminal.Payment
	repErr   error

	// authHook runs when Authorize is called (nil: none).
	authHook func()

	// journalAtAuth is the journal file's content when Authorize was called.
	journalPath   string
	journalAtAuth string
}

func (f *fakeDriver) record(name string) {
	f.mu.Lock()
	f.calls = append(f.calls, name)
	obs := f.obs
	f.mu.Unlock()
	if obs != nil {
		obs(terminal.Event{Kind: terminal.EventFrame, Frame: &terminal.Frame{Dir: terminal.ToTerminal, Hex: "06 00", Summary: name}})
	}
}

func (f *fakeDriver) Calls() string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return strings.Join(f.calls, ",")
}

func (f *fakeDriver) Register(ctx context.Context) (terminal.Registration, error) {
	f.record("register")
	return f.reg, f.regErr
}
func (f *fakeDriver) Status(ctx context.Context) (terminal.Status, error) {
	f.record("status")
	return f.status, f.statErr
}
func (f *fakeDriver) Diagnose(ctx context.Context) (terminal.HostCheck, error) {
	f.record("diagnose")
	return f.host, f.hostErr
}
func (f *fakeDriver) ReadCard(ctx context.Context, timeout time.Duration) (terminal.Card, error) {
	f.record("readcard")
	if f.obs != nil {
		f.obs(terminal.Event{Kind: terminal.EventPrompt, Code: 0x0A, Text: "insert card"})
	}
	if f.cardWait {
		<-ctx.Done()
		return terminal.Card{}, &terminal.Error{Op: "read card", Kind: terminal.KindCanceled, Err: ctx.Err()}
	}
	return f.card, f.cardErr
}
func (f *fakeDriver) Authorize(ctx context.Context, amount int64) (terminal.Payment, error) {
	f.record("authorize")
	if f.authHook != nil {
		f.authHook()
	}
	if f.journalPath != "" {
		b, _ := os.ReadFile(f.journalPath)
		f.journalAtAuth = string(b)
	}
	p := f.auth
	if p.Amount == 0 {
		p.Amount = amount
	}
	return p, f.authErr
}
func (f *fakeDriver) Reverse(ctx context.Context, receipt int, amount int64) (terminal.Payment, error) {
	f.record("reverse:" + itoa(receipt))
	return f.rev, f.revErr
}
func (f *fakeDriver) RepeatReceipt(ctx context.Context) (terminal.Payment, error) {
	f.record("repeat")
	return f.repeat, f.repErr
}
func (f *fakeDriver) Initialise(ctx context.Context) (terminal.Result, error) {
	f.record("init")
	return terminal.Result{}, nil
}
func (f *fakeDriver) Abort(ctx context.Context) error { f.record("abort"); return nil }
func (f *fakeDriver) SetObserver(fn func(terminal.Event)) {
	f.mu.Lock()
	f.obs = fn
	f.mu.Unlock()
}
func (f *fakeDriver) Info() terminal.Info {
	return terminal.Info{Target: "tcp://127.0.0.1:20007", Protocol: "zvt", Link: "tcp"}
}
func (f *fakeDriver) Close() error { f.record("close"); return nil }

func itoa(n int) string { return strconv.Itoa(n) }

// healthyFake answers like a healthy terminal.
func healthyFake(now time.Time) *fakeDriver {
	return &fakeDriver{
		reg: terminal.Registration{TID: "52500001", Currency: 156},
		status: terminal.Status{TID: "52500001", Model: "Verifone VX820", Serial: "40001111", SoftwareVersion: "2.31.4",
			DeviceState: terminal.DeviceReady, Time: now},
		host: terminal.HostCheck{Result: terminal.Result{}},
		card: terminal.Card{PAN: terminal.NewPAN("6228480000000001016"), Expiry: "2812", Technology: terminal.TechChip, Name: "UnionPay"},
		auth: terminal.Payment{Approved: true, Receipt: 7, Trace: 7, PAN: terminal.NewPAN("6228480000000001016")},
		rev:  terminal.Payment{Approved: true, Receipt: 8},
	}
}
