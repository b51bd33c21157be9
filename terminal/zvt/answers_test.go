package zvt_test

import (
	"context"
	"errors"
	"sync/atomic"
	"testing"

	"github.com/posdoctor/posdoctor/terminal"
	"github.com/posdoctor/posdoctor/terminal/zvt"
)

// noMoreFromECR checks the ECR sent nothing after the script ended.
func noMoreFromECR(t *testing.T, p pt) {
	t.Helper()
	select {
	case b := <-p.l.toPT:
		t.Errorf("ECR sent % X after the command ended, want nothing", b)
	default:
	}
}

func framesFrom(evs []terminal.Event, dir terminal.Direction) []string {
	var out []string
	for _, e := range evs {
		if e.Kind == terminal.EventFrame && e.Frame.Dir == dir {
			out = append(out, e.Frame.Hex)
		}
	}
	return out
}

// A PT that answers the console's 80 00 00 with 84 83 00 while it holds
// master rights has forgotten the command (the simulator did this after a
// reconnect). The session must not acknowledge the 84 83 (that starts an
// endless ack ping-pong) and must end at once with a protocol error that
// keeps "the PT may have acted" for the payment rules.
func TestSessionNackWhilePTMasterEndsWithoutAnswer(t *testing.T) {
	t.Parallel()
	var rec recorder
	s, p := newSession(t, zvt.SessionOptions{Observer: rec.add})
	done, out, err := runAsync(context.Background(), s, zvt.NewAuthorization(1, 978))
	p.expect("06 01")
	p.send("80 00 00")
	p.exchange("04 FF 01 0A")
	p.send("84 83 00")
	wait(t, done)
	noMoreFromECR(t, p)
	if kindOf(*err) != terminal.KindProtocol {
		t.Fatalf("Run error = %v (kind %v), want a protocol error", *err, kindOf(*err))
	}
	if !(*out).MaybeDelivered {
		t.Error("MaybeDelivered = false after 80 00, want true")
	}
	ecr := framesFrom(rec.all(), terminal.ToTerminal)
	if len(ecr) != 2 { // the command and the 80 00 00 to the 04 FF
		t.Errorf("ECR frames = %q, want the command and one 80 00 00", ecr)
	}
	pt := framesFrom(rec.all(), terminal.FromTerminal)
	if len(pt) != 3 || pt[2] != "84 83 00" {
		t.Errorf("PT frames = %q, want the 84 83 00 recorded last", pt)
	}
}

// Through the driver the same refusal during a payment is "outcome unknown",
// never a plain failure.
func TestDriverNackWhilePTMasterIsOutcomeUnknown(t *testing.T) {
	t.Parallel()
	d, p := newDriver(t, zvt.DriverOptions{})
	done := make(chan error, 1)
	go func() { _, err := d.Authorize(context.Background(), 1); done <- err }()
	p.expect("06 01")
	p.send("80 00 00")
	p.send("84 83 00")
	err := <-done
	if !errors.Is(err, terminal.ErrOutcomeUnknown) {
		t.Fatalf("Authorize error = %v, want outcome unknown", err)
	}
	noMoreFromECR(t, p)
}

// A stray 80 00 00 from the PT while it is master is recorded and ignored:
// no answer to it, and the command still completes.
func TestSessionStrayAckWhilePTMasterIgnored(t *testing.T) {
	t.Parallel()
	var rec recorder
	s, p := newSession(t, zvt.SessionOptions{Observer: rec.add})
	done, out, err := runAsync(context.Background(), s, zvt.NewAuthorization(1, 978))
	p.expect("06 01")
	p.send("80 00 00")
	p.send("80 00 00") // stray
	p.exchange("04 0F 02 27 00")
	p.exchange("06 0F 00")
	wait(t, done)
	noMoreFromECR(t, p)
	if *err != nil || (*out).Completion == nil {
		t.Fatalf("Run = %+v, %v; want a completion", *out, *err)
	}
	if ecr := framesFrom(rec.all(), terminal.ToTerminal); len(ecr) != 3 {
		t.Errorf("ECR frames = %q, want the command and two 80 00 00", ecr)
	}
}

// A PT that keeps sending acknowledgements for nothing ends the command
// after a few, with a protocol error, without the console answering any.
func TestSessionManyStrayAcksEnd(t *testing.T) {
	t.Parallel()
	s, p := newSession(t, zvt.SessionOptions{})
	done, _, err := runAsync(context.Background(), s, zvt.NewAuthorization(1, 978))
	p.expect("06 01")
	p.send("80 00 00")
	for range 5 {
		p.send("80 00 00")
	}
	wait(t, done)
	noMoreFromECR(t, p)
	if kindOf(*err) != terminal.KindProtocol {
		t.Fatalf("Run error = %v, want a protocol error", *err)
	}
}

// answerLink is a memLink whose connection to the PT went away after the
// PT's last message: Answer (the link's no-reconnect send) fails, while Send
// (which would reconnect) counts what it was asked to send.
type answerLink struct {
	*memLink
	sends, answers atomic.Int32
	gone           atomic.Bool
}

type peerClosed struct{}

func (peerClosed) Error() string     { return "the terminal closed the connection: EOF" }
func (peerClosed) SafeToRetry() bool { return true }
func (peerClosed) NotProtocol() bool { return false }
func (peerClosed) Temporary() bool   { return false }
func (l *answerLink) Send(ctx context.Context, b []byte) error {
	l.sends.Add(1)
	return l.memLink.Send(ctx, b)
}

func (l *answerLink) Answer(ctx context.Context, b []byte) error {
	l.answers.Add(1)
	if l.gone.Load() {
		return peerClosed{}
	}
	return l.memLink.Send(ctx, b)
}

// The session answers PT messages through the link's Answer, so that an
// answer to a message of a connection the PT closed is not sent on a new
// one. Read Card's 04 0F still delivers the card when its answer cannot go.
func TestSessionAnswersDoNotReconnect(t *testing.T) {
	t.Parallel()
	l := &answerLink{memLink: newMemLink()}
	t.Cleanup(func() { l.Close() })
	var rec recorder
	s := zvt.NewSession(l, zvt.SessionOptions{Observer: rec.add})
	p := pt{t, l.memLink}
	done, out, err := runAsync(context.Background(), s, &zvt.ReadCard{HasTimeout: true, Timeout: 30})
	p.expect("06 C0")
	p.send("80 00 00")
	p.exchange("04 FF 01 0A")
	l.gone.Store(true) // the PT closes the connection right after its 04 0F
	p.send("04 0F 02 27 00")
	wait(t, done)
	noMoreFromECR(t, p)
	if *err != nil || len((*out).StatusInfos) != 1 {
		t.Fatalf("Run = %+v, %v; want the card data", *out, *err)
	}
	if got := l.sends.Load(); got != 1 {
		t.Errorf("Send called %d times, want 1 (the command only)", got)
	}
	if got := l.answers.Load(); got != 2 {
		t.Errorf("Answer called %d times, want 2", got)
	}
	if ecr := framesFrom(rec.all(), terminal.ToTerminal); len(ecr) != 2 {
		t.Errorf("ECR frames = %q, want the command and one 80 00 00 (the failed answer is not on the wire)", ecr)
	}

	// A payment whose 04 FF cannot be answered ends as a link error at once.
	l.gone.Store(false)
	done, out, err = runAsync(context.Background(), s, zvt.NewAuthorization(1, 978))
	p.expect("06 01")
	p.send("80 00 00")
	l.gone.Store(true)
	p.send("04 FF 01 0A")
	wait(t, done)
	noMoreFromECR(t, p)
	if kindOf(*err) != terminal.KindLink || !(*out).MaybeDelivered {
		t.Fatalf("Run = %+v, %v; want a link error with MaybeDelivered", *out, *err)
	}
}
