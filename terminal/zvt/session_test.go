package zvt_test

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/posdoctor/posdoctor/terminal"
	"github.com/posdoctor/posdoctor/terminal/zvt"
)

func hx(t testing.TB, s string) []byte {
	t.Helper()
	b, err := zvt.ParseHex(s)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// memLink is an in-memory Transport; the test plays the PT on its other end
// (a scripted PT in pgmock's shape: expect, send).
type memLink struct {
	toECR, toPT chan []byte
	closed      chan struct{}
	once        sync.Once
}

func newMemLink() *memLink {
	return &memLink{toECR: make(chan []byte, 16), toPT: make(chan []byte, 16), closed: make(chan struct{})}
}

func (m *memLink) Send(ctx context.Context, b []byte) error {
	select {
	case m.toPT <- append([]byte(nil), b...):
		return nil
	case <-ctx.Done():
		return ctx.Err()
	case <-m.closed:
		return errors.New("closed")
	}
}

func (m *memLink) Receive(ctx context.Context) ([]byte, error) {
	select {
	case b := <-m.toECR:
		return b, nil
	case <-ctx.Done():
		return nil, ctx.Err()
	case <-m.closed:
		return nil, errors.New("closed")
	}
}

// Answer is Send: memLink never reconnects, like a serial link.
func (m *memLink) Answer(ctx context.Context, b []byte) error { return m.Send(ctx, b) }

// Reset drops nothing: what the scripted PT sent stays for the test to see.
func (m *memLink) Reset() error { return nil }

func (m *memLink) Close() error { m.once.Do(func() { close(m.closed) }); return nil }

// pt is the scripted terminal side.
type pt struct {
	t *testing.T
	l *memLink
}

// expect waits for the ECR's next APDU and checks it starts with prefix.
func (p pt) expect(prefix string) []byte {
	p.t.Helper()
	select {
	case b := <-p.l.toPT:
		if want := hx(p.t, prefix); !bytes.HasPrefix(b, want) {
			p.t.Errorf("PT got % X, want prefix % X", b, want)
		}
		return b
	case <-time.After(5 * time.Second):
		p.t.Errorf("PT: nothing from the ECR within 5 s, want %s", prefix)
		return nil
	}
}

func (p pt) send(apdu string) { p.l.toECR <- hx(p.t, apdu) }

// exchange sends a PT message and expects the ECR's 80 00 00.
func (p pt) exchange(apdu string) {
	p.t.Helper()
	p.send(apdu)
	p.expect("80 00 00")
}

type recorder struct {
	mu sync.Mutex
	ev []terminal.Event
}

func (r *recorder) add(e terminal.Event) { r.mu.Lock(); r.ev = append(r.ev, e); r.mu.Unlock() }
func (r *recorder) all() []terminal.Event {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]terminal.Event(nil), r.ev...)
}

func newSession(t *testing.T, opts zvt.SessionOptions) (*zvt.Session, pt) {
	l := newMemLink()
	t.Cleanup(func() { l.Close() })
	return zvt.NewSession(l, opts), pt{t, l}
}

func runAsync(ctx context.Context, s *zvt.Session, m zvt.ECRMessage) (done chan struct{}, out **zvt.Outcome, err *error) {
	done = make(chan struct{})
	out, err = new(*zvt.Outcome), new(error)
	go func() {
		defer close(done)
		*out, *err = s.Run(ctx, m)
	}()
	return done, out, err
}

func wait(t *testing.T, done chan struct{}) {
	t.Helper()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("Run did not return within 10 s")
	}
}

func kindOf(err error) terminal.Kind {
	var te *terminal.Error
	if errors.As(err, &te) {
		return te.Kind
	}
	return 0
}

func TestSessionT3Expires(t *testing.T) {
	t.Parallel()
	s, p := newSession(t, zvt.SessionOptions{T3: 100 * time.Millisecond})
	done, out, err := runAsync(context.Background(), s, &zvt.StatusEnquiry{Password: "000000"})
	p.expect("05 01")
	wait(t, done)
	if !errors.Is(*err, terminal.ErrNoAnswer) || !strings.Contains((*err).Error(), "no answer within T3") {
		t.Fatalf("err = %v, want KindNoAnswer naming T3", *err)
	}
	if (*out).MaybeDelivered {
		t.Error("MaybeDelivered = true without an 80 00")
	}
}

func TestSessionT4ResetByIntermediateStatus(t *testing.T) {
	t.Parallel()
	s, p := newSession(t, zvt.SessionOptions{T3: time.Second, T4: 600 * time.Millisecond})
	done, out, err := runAsync(context.Background(), s, zvt.NewAuthorization(100, 978))
	p.expect("06 01")
	p.send("80 00 00")
	// Four 04 FF 300 ms apart: 1.2 s in all, far beyond a T4 of 600 ms that
	// each of them starts again.
	for range 4 {
		time.Sleep(300 * time.Millisecond)
		p.exchange("04 FF 01 0A")
	}
	p.exchange("04 0F 02 27 00")
	p.exchange("06 0F 00")
	wait(t, done)
	if *err != nil {
		t.Fatalf("Run: %v", *err)
	}
	if got := len((*out).Prompts); got != 4 || (*out).Completion == nil {
		t.Errorf("prompts %d, completion %v; want 4 and a completion", got, (*out).Completion)
	}
}

func TestSessionT4SetByIntermediateStatus(t *testing.T) {
	t.Parallel()
	s, p := newSession(t, zvt.SessionOptions{T3: time.Second, T4: 150 * time.Millisecond})
	done, _, err := runAsync(context.Background(), s, zvt.NewAuthorization(100, 978))
	p.expect("06 01")
	p.send("80 00 00")
	p.exchange("04 FF 02 01 01") // watch PIN pad; T4 = 1 minute (BCD)
	time.Sleep(500 * time.Millisecond)
	p.exchange("06 0F 00")
	wait(t, done)
	if *err != nil {
		t.Fatalf("Run: %v (the 04 FF T4 byte should have extended T4 to one minute)", *err)
	}
}

func TestSessionT4Expires(t *testing.T) {
	t.Parallel()
	s, p := newSession(t, zvt.SessionOptions{T3: time.Second, T4: 100 * time.Millisecond})
	done, out, err := runAsync(context.Background(), s, zvt.NewAuthorization(100, 978))
	p.expect("06 01")
	p.send("80 00 00")
	wait(t, done)
	if !errors.Is(*err, terminal.ErrNoAnswer) || !strings.Contains((*err).Error(), "T4") {
		t.Fatalf("err = %v, want KindNoAnswer naming T4", *err)
	}
	if !(*out).MaybeDelivered {
		t.Error("MaybeDelivered = false after 80 00")
	}
}

func TestSessionNack(t *testing.T) {
	t.Parallel()
	s, p := newSession(t, zvt.SessionOptions{})
	done, out, err := runAsync(context.Background(), s, &zvt.Initialisation{Password: "000000"})
	p.expect("06 93 03 00 00 00")
	p.send("84 83 00")
	wait(t, done)
	var te *terminal.Error
	if !errors.As(*err, &te) || te.Kind != terminal.KindRejected || te.Code != 0x83 {
		t.Fatalf("err = %#v, want KindRejected code 83", *err)
	}
	if (*out).MaybeDelivered {
		t.Error("MaybeDelivered after 84 83")
	}
}

func TestSessionGarbageIsNotProtocol(t *testing.T) {
	t.Parallel()
	s, p := newSession(t, zvt.SessionOptions{})
	done, _, err := runAsync(context.Background(), s, &zvt.StatusEnquiry{Password: "000000"})
	p.expect("05 01")
	p.send("15 03 69")
	wait(t, done)
	if kindOf(*err) != terminal.KindNotProtocol || !strings.Contains((*err).Error(), "not a ZVT terminal") {
		t.Fatalf("err = %v, want KindNotProtocol", *err)
	}
}

func TestSessionCancelSendsAbort(t *testing.T) {
	t.Parallel()
	s, p := newSession(t, zvt.SessionOptions{T3: time.Second})
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done, out, err := runAsync(ctx, s, zvt.NewAuthorization(100, 978))
	p.expect("06 01")
	p.send("80 00 00")
	p.exchange("04 FF 01 0A") // insert card
	cancel()
	p.expect("06 B0 00")
	p.send("80 00 00")
	p.exchange("06 1E 01 6C") // abort via timeout or abort key
	wait(t, done)
	if kindOf(*err) != terminal.KindCanceled {
		t.Fatalf("err = %v, want KindCanceled", *err)
	}
	if o := *out; !o.AbortSent || o.Abort == nil || o.Abort.ResultCode != 0x6C {
		t.Errorf("outcome %+v: want AbortSent and the PT's 06 1E 6C", o)
	}
}

func TestSessionEvents(t *testing.T) {
	t.Parallel()
	var rec recorder
	s, p := newSession(t, zvt.SessionOptions{Observer: rec.add})
	done, _, err := runAsync(context.Background(), s, zvt.NewAuthorization(2500, 978))
	p.expect("06 01")
	p.send("80 00 00")
	p.exchange("04 FF 01 0A")
	// V12: intermediate status with its own text (TLV 24/07 "00 Approved").
	p.exchange("04 FF 19 17 03 06 15 24 0D 07 0B 30 30 20 41 70 70 72 6F 76 65 64 1F 73 03 00 00 08")
	// Status information with an unmasked PAN (22, LLVAR BCD, 16 digits).
	p.exchange("04 0F 10 27 00 22 F0 F8 55 98 83 12 34 56 80 74 87 00 31")
	p.exchange("06 D1 08 00 54 4F 54 41 4C 20 31") // print line "TOTAL 1"
	p.exchange("06 0F 00")
	wait(t, done)
	if *err != nil {
		t.Fatal(*err)
	}
	var prompts, lines []string
	var frames int
	for _, e := range rec.all() {
		switch e.Kind {
		case terminal.EventPrompt:
			prompts = append(prompts, e.Text)
		case terminal.EventPrintLine:
			lines = append(lines, e.Text)
		case terminal.EventFrame:
			frames++
			if strings.Contains(e.Frame.Hex, "12 34 56") || strings.Contains(e.Frame.Detail, "5598831234") {
				t.Errorf("frame shows the full PAN: %s / %s", e.Frame.Hex, e.Frame.Detail)
			}
			if e.Frame.Summary == "" {
				t.Errorf("frame %s has no summary", e.Frame.Hex)
			}
		}
	}
	if len(prompts) != 2 || prompts[0] == "" || !strings.Contains(prompts[1], "00 Approved") {
		t.Errorf("prompts = %q, want insert card then \"00 Approved\"", prompts)
	}
	if len(lines) != 1 || lines[0] != "TOTAL 1" {
		t.Errorf("print lines = %q, want [TOTAL 1]", lines)
	}
	// 06 01, 80 00, then five PT messages each with our 80 00 00 answer.
	if frames != 12 {
		t.Errorf("%d frame events, want 12", frames)
	}
}

func TestSessionReadCardEndsAtStatusInfo(t *testing.T) {
	t.Parallel()
	s, p := newSession(t, zvt.SessionOptions{})
	done, out, err := runAsync(context.Background(), s, &zvt.ReadCard{HasTimeout: true, Timeout: 30})
	p.expect("06 C0")
	p.send("80 00 00")
	p.exchange("04 FF 01 0A")
	p.exchange("04 0F 02 27 00")
	wait(t, done)
	if *err != nil || len((*out).StatusInfos) != 1 || (*out).Completion != nil {
		t.Fatalf("Run = %+v, %v; want one 04 0F and no completion", *out, *err)
	}
}
