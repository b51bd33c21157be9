package sim

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/posdoctor/posdoctor/terminal/zvt"
)

// stepOp is what a Step does.
type stepOp int

const (
	opSend     stepOp = iota + 1 // send APDU to the ECR
	opExpect                     // wait for the ECR's answer (80 00 / 84 00)
	opDelay                      // wait D
	opDrop                       // close the connection
	opQuirk                      // note a quirk (no I/O)
	opFunc                       // run Fn (state change, e.g. the payment becomes final)
	opWaitCard                   // wait up to D for the card; the ECR's Abort 06 B0 ends the wait (OnFail)
)

// Step is one move of the PT in a command's script, in pgmock's shape
// (STYLE.md §1): the handler of each command compiles the scenario into a
// []Step and the runner plays it on the connection.
type Step struct {
	Op   stepOp
	APDU []byte        // opSend
	Cmd  zvt.Command   // opExpect: the answer wanted (CmdAck)
	D    time.Duration // opDelay
	Name string        // opQuirk, opFunc: what it is
	Line int           // scenario line the step comes from (0 = built in)
	Fn   func()        // opFunc
	// OnFail runs when an opExpect does not get a positive answer (got is
	// the APDU received, nil when none); the steps it returns replace the
	// rest of the script.
	OnFail func(got []byte, err error) []Step
}

// Send returns a step that sends apdu.
func Send(apdu []byte) Step { return Step{Op: opSend, APDU: apdu} }

// Expect returns a step that waits for the ECR's positive answer (80 00 or 84 00).
func Expect(cmd zvt.Command) Step { return Step{Op: opExpect, Cmd: cmd} }

// Delay returns a step that waits d.
func Delay(d time.Duration) Step { return Step{Op: opDelay, D: d} }

// Drop returns a step that closes the connection.
func Drop() Step { return Step{Op: opDrop} }

// Quirk returns a step that marks a real-terminal quirk in the script.
func Quirk(name string) Step { return Step{Op: opQuirk, Name: name} }

// WaitCard returns a step that waits d for the cardholder while listening
// to the ECR: an Abort 06 B0 replaces the rest of the script with
// onAbort's steps (spec: Read Card may be aborted by the ECR).
func WaitCard(d time.Duration, onAbort func(got []byte, err error) []Step) Step {
	return Step{Op: opWaitCard, D: d, OnFail: onAbort}
}

func do(name string, fn func()) Step { return Step{Op: opFunc, Name: name, Fn: fn} }

// StepError is a step that failed: its index, the scenario position, what was
// wanted and what came.
type StepError struct {
	Index int
	At    string // scenario file:line
	Want  string
	Got   []byte
	Err   error
}

// Error names the step, what it wanted and the header of what came (never
// card data).
func (e *StepError) Error() string {
	s := fmt.Sprintf("step %d (%s): want %s", e.Index, e.At, e.Want)
	if e.Got != nil {
		s += ", got " + zvt.Hex(head(e.Got, 3)) // the header only: no card data in errors
	}
	if e.Err != nil {
		s += ": " + e.Err.Error()
	}
	return s
}

// Unwrap returns the cause, if any.
func (e *StepError) Unwrap() error { return e.Err }

// errDropped ends a connection on purpose (a fault or a lost Completion).
var errDropped = errors.New("connection dropped by the simulator")

// ptConn moves whole APDUs between the PT and the ECR.
type ptConn interface {
	Send(ctx context.Context, apdu []byte) error
	Receive(ctx context.Context) ([]byte, error)
	Close() error
}

// receiveWithin receives the ECR's next APDU within d: on TCP by a read
// deadline alone, elsewhere with a context that ends after d.
func receiveWithin(ctx context.Context, c ptConn, d time.Duration) ([]byte, error) {
	if tc, ok := c.(*tcpConn); ok {
		return tc.receive(ctx, time.Now().Add(d))
	}
	rctx, cancel := context.WithTimeout(ctx, d)
	defer cancel()
	return c.Receive(rctx)
}

// sendQueuer is a ptConn that can keep an APDU to go out with the next
// Send, in one write. Queue reports false when apdu must go out on its own.
type sendQueuer interface {
	Queue(apdu []byte) bool
}

// answerTimeout is how long the PT waits for the ECR's 80 00 to one of its
// messages (the ECR answers at once; T3 = 5 s is the command-side figure).
const answerTimeout = 5 * time.Second

// run plays steps on c.
func (t *Terminal) run(ctx context.Context, c ptConn, steps []Step) error {
	for i := 0; i < len(steps); i++ {
		s := steps[i]
		switch s.Op {
		case opSend:
			if i+1 < len(steps) && steps[i+1].Op == opSend {
				// Back-to-back messages (80 00 and the Completion after it)
				// go out in one write where the link allows.
				if q, ok := c.(sendQueuer); ok && q.Queue(s.APDU) {
					continue
				}
			}
			if err := c.Send(ctx, s.APDU); err != nil {
				return &StepError{Index: i, At: t.sc.at(s.Line), Want: "send " + cmdOf(s.APDU).String(), Err: err}
			}
		case opExpect:
			got, err := receiveWithin(ctx, c, t.answerWait)
			ok := err == nil && len(got) >= 2 && (got[0] == 0x80 && got[1] == 0x00 || got[0] == 0x84 && got[1] == 0x00)
			if ok {
				continue
			}
			serr := &StepError{Index: i, At: t.sc.at(s.Line), Want: "80 00 00", Got: got, Err: err}
			if s.OnFail == nil {
				return serr
			}
			rest := s.OnFail(got, err)
			if err != nil || len(rest) == 0 {
				// The connection is gone or nothing more to say.
				t.runTail(ctx, c, rest)
				return serr
			}
			steps = append(steps[:i+1:i+1], rest...)
		case opDelay:
			if s.D <= 0 {
				continue
			}
			tm := time.NewTimer(s.D)
			select {
			case <-ctx.Done():
				tm.Stop()
				return ctx.Err()
			case <-tm.C:
			}
		case opWaitCard:
			got, err := receiveWithin(ctx, c, s.D)
			switch {
			case err == nil && cmdOf(got) == zvt.CmdAbortECR:
				steps = append(steps[:i+1:i+1], s.OnFail(got, nil)...)
			case ctx.Err() != nil:
				return ctx.Err()
			case err != nil && isClosed(err):
				return err
			}
			// The wait ran out (or the ECR sent something else): the card is there.
		case opDrop:
			_ = c.Close()
			return errDropped
		case opQuirk:
		case opFunc:
			s.Fn()
		}
	}
	return nil
}

// runTail runs only the state changes of steps (opFunc) when the connection
// is gone, so an auto-reversal is journalled even when nothing can be sent.
func (t *Terminal) runTail(_ context.Context, _ ptConn, steps []Step) {
	for _, s := range steps {
		if s.Op == opFunc {
			s.Fn()
		}
	}
}

func cmdOf(apdu []byte) zvt.Command {
	if len(apdu) < 2 {
		return 0
	}
	return zvt.Command(uint16(apdu[0])<<8 | uint16(apdu[1]))
}

func head(b []byte, n int) []byte {
	if len(b) > n {
		return b[:n]
	}
	return b
}
