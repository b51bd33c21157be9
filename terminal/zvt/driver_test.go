package zvt_test

import (
	"context"
	"errors"
	"io/fs"
	"strings"
	"testing"
	"time"

	"github.com/posdoctor/posdoctor/fixtures"
	"github.com/posdoctor/posdoctor/terminal"
	"github.com/posdoctor/posdoctor/terminal/zvt"
)

func newDriver(t *testing.T, opts zvt.DriverOptions) (terminal.Driver, pt) {
	l := newMemLink()
	t.Cleanup(func() { l.Close() })
	return zvt.NewDriver(l, opts), pt{t, l}
}

func TestDriverStatusFeigVector(t *testing.T) {
	t.Parallel()
	b, err := fs.ReadFile(fixtures.FS, "vectors/v06-status-completion-feig-cvend.hex")
	if err != nil {
		t.Fatal(err)
	}
	d, p := newDriver(t, zvt.DriverOptions{})
	type res struct {
		st  terminal.Status
		err error
	}
	done := make(chan res, 1)
	go func() { st, err := d.Status(context.Background()); done <- res{st, err} }()
	// Password 000000, service byte 04 (send TLV; keep the version so the
	// status byte cannot be mistaken for an LLLVAR start, zvt.md §4.3).
	p.expect("05 01 05 00 00 00 03 04")
	p.send("80 00 00")
	p.exchange(string(b))
	r := <-done
	if r.err != nil {
		t.Fatal(r.err)
	}
	st := r.st
	if st.Model != "cVEND plug" || st.Serial != "402464316" || st.Code != 0 || st.DeviceState != terminal.DeviceReady ||
		!strings.HasPrefix(st.SoftwareVersion, "GER-APP-v2.0.9") || st.TID == "" {
		t.Errorf("status = %+v", st)
	}
	if want := time.Date(2023, 4, 5, 22, 56, 55, 0, time.Local); !st.Time.Equal(want) {
		t.Errorf("time = %v, want %v", st.Time, want)
	}
}

// Host response codes on the ZVT wire (team contract, BRIEF).
func TestDriverHostCodes(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		status string // 04 0F from the PT
		abort  string // 06 1E from the PT
		want   terminal.Result
	}{
		{"host 55 as BMP 27 only", "04 0F 02 27 37", "06 1E 01 37",
			terminal.Result{Code: 0x37, HostCode: "55"}},
		{"TLV 13 and 1F17 win", "04 0F 0E 27 37 06 0A 13 02 35 35 1F 17 03 50 49 4E", "06 1E 01 37",
			terminal.Result{Code: 0x37, HostCode: "55", Text: "PIN"}},
		{"non-numeric host code only in TLV 13", "04 0F 08 27 FF 06 04 13 02 41 30", "06 1E 01 FF",
			terminal.Result{Code: 0xFF, HostCode: "A0"}},
		{"ZVT code of the scenario, text from 3C", "04 0F 0B 27 78 3C F0 F0 F5 45 58 50 49 52", "06 1E 01 78",
			terminal.Result{Code: 0x78, Text: "EXPIR"}},
		{"abort only", "", "06 1E 01 64",
			terminal.Result{Code: 0x64}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			d, p := newDriver(t, zvt.DriverOptions{Currency: 978})
			type res struct {
				pay terminal.Payment
				err error
			}
			done := make(chan res, 1)
			go func() { pay, err := d.Authorize(context.Background(), 100); done <- res{pay, err} }()
			p.expect("06 01")
			p.send("80 00 00")
			if tt.status != "" {
				p.exchange(tt.status)
			}
			p.exchange(tt.abort)
			r := <-done
			if r.err != nil {
				t.Fatal(r.err)
			}
			if r.pay.Approved || r.pay.Result != tt.want {
				t.Errorf("payment result %+v approved %v, want %+v declined", r.pay.Result, r.pay.Approved, tt.want)
			}
		})
	}
}

// partialLink fails every Send after writing part of it.
type partialLink struct{ *memLink }

type writeErr struct{ sent int }

func (e *writeErr) Error() string     { return "connection reset" }
func (e *writeErr) SafeToRetry() bool { return e.sent == 0 }

func (l partialLink) Send(ctx context.Context, b []byte) error   { return &writeErr{sent: 3} }
func (l partialLink) Answer(ctx context.Context, b []byte) error { return l.Send(ctx, b) }

func TestDriverOutcomeUnknown(t *testing.T) {
	t.Parallel()
	t.Run("write broke after some bytes", func(t *testing.T) {
		t.Parallel()
		l := partialLink{newMemLink()}
		d := zvt.NewDriver(l, zvt.DriverOptions{})
		_, err := d.Authorize(context.Background(), 100)
		if !errors.Is(err, terminal.ErrOutcomeUnknown) {
			t.Fatalf("Authorize err = %v, want outcome unknown", err)
		}
		if _, err := d.Status(context.Background()); !errors.Is(err, terminal.ErrLink) {
			t.Fatalf("Status err = %v, want a link error (not a money command)", err)
		}
	})
	t.Run("completion never came", func(t *testing.T) {
		t.Parallel()
		d, p := newDriver(t, zvt.DriverOptions{T4: 200 * time.Millisecond})
		done := make(chan error, 1)
		go func() { _, err := d.Reverse(context.Background(), 7, 100); done <- err }()
		p.expect("06 30")
		p.send("80 00 00")
		p.exchange("04 FF 01 04")
		if err := <-done; !errors.Is(err, terminal.ErrOutcomeUnknown) {
			t.Fatalf("err = %v, want outcome unknown", err)
		}
	})
	t.Run("no 80 00 within T3", func(t *testing.T) {
		t.Parallel()
		d, p := newDriver(t, zvt.DriverOptions{T3: 100 * time.Millisecond})
		done := make(chan error, 1)
		go func() { _, err := d.Authorize(context.Background(), 100); done <- err }()
		p.expect("06 01")
		if err := <-done; !errors.Is(err, terminal.ErrNoAnswer) {
			t.Fatalf("err = %v, want no answer", err)
		}
	})
}

func TestDriverRegistrationSendsTLVSupport(t *testing.T) {
	t.Parallel()
	d, p := newDriver(t, zvt.DriverOptions{Currency: 978})
	done := make(chan error, 1)
	var reg terminal.Registration
	go func() { var err error; reg, err = d.Register(context.Background()); done <- err }()
	// password 000000, config 8C (intermediate status, admin receipts as print
	// lines), currency 0978 without a tag, 06 00 = "I support TLV".
	p.expect("06 00 08 00 00 00 8C 09 78 06 00")
	p.send("80 00 00")
	p.exchange("06 0F 0A 19 01 29 52 52 35 35 49 09 78")
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if reg.StatusByte != 0x01 || reg.Currency != 978 || reg.TID != "52523535" {
		t.Errorf("registration = %+v", reg)
	}
}
