package zvt

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/posdoctor/posdoctor/terminal"
)

// Transport moves whole APDUs; link.Conn satisfies it (terminal/link), so
// this package does not import the link. Send returns once the APDU is on
// the wire; Receive blocks until the next whole APDU or ctx ends.
//
// Answer sends the ECR's 80 00 00 to a PT message on the connection that
// message came on and never reconnects (where the link does not reconnect,
// it is Send). Reset drops what the link has buffered after a command was
// given up (T3 or T4 expired): on TCP it closes the socket as PA00P016
// §5.2.5 asks, so a late answer cannot be taken for the next command's.
//
// A Send error that has a SafeToRetry() bool method reporting false means
// the request may have reached the terminal (link.WriteError); an error with
// a NotProtocol() bool method reporting true means the peer is not speaking
// ZVT (link.NotZVTError).
type Transport interface {
	Send(ctx context.Context, apdu []byte) error
	Answer(ctx context.Context, apdu []byte) error
	Receive(ctx context.Context) ([]byte, error)
	Reset() error
	Close() error
}

// Application timeouts (PA00P016 §5.1, research/zvt.md §2.6).
const (
	// DefaultT3 is how long the PT has to answer a command with 80 00 or 84 xx.
	DefaultT3 = 5 * time.Second
	// DefaultT4 is how long the PT has, after 80 00, for the Completion or
	// Abort; every 04 FF and 04 0F starts it again, and 04 FF may set a new
	// one (1 byte BCD, minutes).
	DefaultT4 = 180 * time.Second
)

// SessionOptions tunes a [Session]. Zero values take the defaults.
type SessionOptions struct {
	T3, T4  time.Duration
	Charset Charset
	// Observer receives events as they arrive: every frame both ways
	// (masked), intermediate status as prompts, print lines. It is called
	// from the goroutine running the command and must not block.
	Observer func(terminal.Event)
	// Now is the clock for event times (default time.Now).
	Now func() time.Time
}

// Session runs ZVT commands on a Transport as the ECR: it sends a command,
// waits T3 for 80 00 / 84 xx, then, while the PT holds master rights, answers
// every PT message with 80 00 00 and follows intermediate status, status
// information and print lines until the Completion 06 0F or Abort 06 1E,
// within T4 (research/zvt.md §2.6). A Session runs one command at a time.
type Session struct {
	t    Transport
	opts SessionOptions

	mu  sync.Mutex
	obs func(terminal.Event)
}

// NewSession returns a Session on t.
func NewSession(t Transport, opts SessionOptions) *Session {
	if opts.T3 <= 0 {
		opts.T3 = DefaultT3
	}
	if opts.T4 <= 0 {
		opts.T4 = DefaultT4
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	return &Session{t: t, opts: opts, obs: opts.Observer}
}

// SetObserver replaces the event observer; nil removes it.
func (s *Session) SetObserver(fn func(terminal.Event)) {
	s.mu.Lock()
	s.obs = fn
	s.mu.Unlock()
}

// Notice sends an EventNotice (something the link or driver did on its own)
// to the observer.
func (s *Session) Notice(text string) {
	s.emit(terminal.Event{Kind: terminal.EventNotice, Code: -1, Text: text})
}

func (s *Session) emit(ev terminal.Event) {
	s.mu.Lock()
	fn := s.obs
	s.mu.Unlock()
	if fn == nil {
		return
	}
	if ev.Time.IsZero() {
		ev.Time = s.opts.Now()
	}
	fn(ev)
}

func (s *Session) frame(dir terminal.Direction, apdu []byte, open Command) {
	s.mu.Lock()
	fn := s.obs
	s.mu.Unlock()
	if fn == nil {
		return
	}
	hex, sum, detail := describeFrame(apdu, open, s.opts.Charset)
	s.emit(terminal.Event{Kind: terminal.EventFrame, Code: -1, Frame: &terminal.Frame{
		Dir: dir, Hex: hex, Summary: sum, Detail: detail,
	}})
}

// Close closes the transport.
func (s *Session) Close() error { return s.t.Close() }

// Outcome is everything the PT said while a command ran. It is returned
// even with an error, holding what arrived before it.
type Outcome struct {
	Command Command
	// MaybeDelivered is true once the command may have reached the PT: it
	// was acknowledged (80 00), or a write failed after some bytes went out.
	MaybeDelivered bool
	// Ack is the 80 00 answer (it may carry data); nil when none came.
	Ack *Ack
	// Nack is the 84 xx answer that refused the command.
	Nack *Nack
	// Prompts are the intermediate status messages in order.
	Prompts []*IntermediateStatus
	// StatusInfos are the 04 0F messages in order (Read Card ends with one).
	StatusInfos []*StatusInfo
	// Lines are the printed lines (06 D1 and 06 D3) in order, decoded, with
	// a full PAN masked (terminal.ScrubString).
	Lines []string
	// SetTime is the PT's 04 01 (after a Diagnosis), if any.
	SetTime *SetTimeECR
	// Completion or Abort ended the command (neither for Read Card, Log-Off
	// and ECR Abort).
	Completion *Completion
	Abort      *AbortPT
	// Malformed holds decode errors of PT messages that were answered and
	// skipped.
	Malformed []error
	// Canceled is set when the caller's context ended and the session sent
	// an Abort 06 B0 (AbortSent) or gave up.
	Canceled, AbortSent bool
}

// LastStatus returns the last 04 0F, or nil.
func (o *Outcome) LastStatus() *StatusInfo {
	if len(o.StatusInfos) == 0 {
		return nil
	}
	return o.StatusInfos[len(o.StatusInfos)-1]
}

// LastPromptText returns the text of the last intermediate status, or "".
func (o *Outcome) LastPromptText(cs Charset) string {
	if len(o.Prompts) == 0 {
		return ""
	}
	return o.Prompts[len(o.Prompts)-1].Text(cs)
}

// endsWithoutCompletion lists the commands whose 80 00 ends them
// (research/zvt.md §2.6).
func endsAtAck(c Command) bool {
	return c == CmdLogOff || c == CmdAbortECR || c == CmdChangeBaudrate || c == 0x0850
}

// abortable lists the commands the ECR may abort with 06 B0 while the PT is
// master: Read Card (spec §2.x) and the payment commands while they wait for
// the card, as ECRs do in practice (the PT ends them with 06 1E 6C).
func abortable(c Command) bool {
	switch c {
	case CmdReadCard, CmdAuthorization, CmdPreAuth, CmdRefund:
		return true
	}
	return false
}

// Run sends m and follows the PT until the command ends. A refusal (84 xx)
// is an error of kind KindRejected with the code; a missing 80 00 within T3
// KindNoAnswer; T4 expiring, the link failing or the context ending after
// 80 00 are errors too, and the Outcome's MaybeDelivered says whether the PT
// may have acted on the command. Errors are *terminal.Error with Op set to
// the command's name.
func (s *Session) Run(ctx context.Context, m ECRMessage) (*Outcome, error) {
	return s.run(ctx, m, s.opts.T4)
}

// run is Run with T4 given (Read Card waits as long as its own timeout).
func (s *Session) run(ctx context.Context, m ECRMessage, t4 time.Duration) (_ *Outcome, rerr error) {
	cmd := m.Command()
	out := &Outcome{Command: cmd}
	accepted, acceptedAt, gaveUp := false, time.Time{}, time.Time{}
	defer func() {
		if gaveUp.IsZero() {
			gaveUp = time.Now()
		}
		s.markSilence(rerr, accepted, gaveUp.Sub(acceptedAt))
	}()
	op := cmd.Name()
	apdu, err := m.Encode(nil)
	if err != nil {
		return out, &terminal.Error{Op: op, Kind: terminal.KindProtocol, Err: err}
	}
	var service byte
	if se, ok := m.(*StatusEnquiry); ok {
		service = se.Service()
	}
	if err := ctx.Err(); err != nil {
		return out, &terminal.Error{Op: op, Kind: terminal.KindCanceled, Err: err}
	}

	s.frame(terminal.ToTerminal, apdu, cmd)
	if err := s.t.Send(ctx, apdu); err != nil {
		var r interface{ SafeToRetry() bool }
		if errors.As(err, &r) && !r.SafeToRetry() {
			out.MaybeDelivered = true
		}
		return out, s.linkError(ctx, op, err)
	}

	// T3: wait for 80 00 / 84 xx.
	first, err := s.awaitAck(ctx, cmd, out)
	if err != nil {
		return out, &terminal.Error{Op: op, Kind: errKind(err), Code: nackCode(out), Err: err}
	}
	accepted, acceptedAt = true, time.Now() // real time: opts.Now may be a test clock
	if endsAtAck(cmd) {
		return out, nil
	}

	// T4: the PT is master until Completion or Abort.
	deadline := time.Now().Add(t4) // real time: opts.Now may be a test clock
	pending := first               // a PT message that came instead of 80 00
	stray := 0                     // 80 00 / 84 00 the PT sent for nothing
	rcv := receiveCtx{parent: ctx}
	defer rcv.stop()
	for {
		var b []byte
		if pending != nil {
			b, pending = pending, nil
		} else {
			b, err = s.t.Receive(rcv.until(deadline))
			if err != nil {
				gaveUp = time.Now() // the silence ends here, before any Abort is followed
				if ctx.Err() != nil {
					return out, s.cancel(op, cmd, out, ctx.Err())
				}
				if errors.Is(err, context.DeadlineExceeded) {
					s.reset()
					return out, &terminal.Error{Op: op, Kind: terminal.KindNoAnswer,
						Err: fmt.Errorf("no completion within T4 (%v) after the terminal accepted the command", t4)}
				}
				return out, s.linkError(ctx, op, err)
			}
		}
		s.frame(terminal.FromTerminal, b, cmd)
		if isAnswer(b) {
			// 80 00 and 84 xx are answers, not PT messages: the ECR answers
			// every PT message while the PT is master (PA00P016 §5.2.5–6,
			// research/zvt.md §2.6) but never an answer; answering one makes
			// the two sides acknowledge each other's acknowledgements
			// forever. The only thing the ECR sent since the PT took master
			// rights is 80 00 00, so:
			//  - 80 00 / 84 00 is a stray or repeated acknowledgement with
			//    nothing waiting for it: ignored (it does not restart T4),
			//    and after a few the PT is not following the protocol;
			//  - 84 xx (xx ≠ 00) is the PT refusing our 80 00 00 as if it
			//    were a command, i.e. it is no longer running this command
			//    (restarted, or it is a new connection): no Completion will
			//    come, so waiting out T4 would only hide that. It ends the
			//    command as a protocol error; MaybeDelivered stays true, so a
			//    payment takes the outcome-unknown path.
			if len(b) >= 2 && b[0] == 0x84 && b[1] != 0x00 {
				s.reset()
				return out, &terminal.Error{Op: op, Kind: terminal.KindProtocol, Code: b[1],
					Err: fmt.Errorf("the terminal answered our acknowledgement with %s (%s) while it should be running %s: it no longer knows the command", Hex(head(b, 3)), ResultCodeText(b[1]), cmd)}
			}
			stray++
			s.Notice(fmt.Sprintf("ignored a stray %s from the terminal (an answer to nothing the console sent)", Hex(head(b, 3))))
			if stray > maxStray {
				s.reset()
				return out, &terminal.Error{Op: op, Kind: terminal.KindProtocol,
					Err: fmt.Errorf("the terminal sent %d acknowledgements nobody asked for while running %s", stray, cmd)}
			}
			continue
		}
		msg, derr := decodePT(b, cmd, service)
		if err := s.ackPT(ctx, cmd); err != nil {
			// A Completion or Abort is the end anyway, and Read Card ends at
			// its 04 0F: the outcome is known even if our 80 00 00 to it was
			// lost (the link may refuse to send it because the PT closed the
			// connection the message came on).
			switch v := msg.(type) {
			case *Completion:
				out.Completion = v
				s.Notice("could not answer the completion: " + err.Error())
				return out, nil
			case *AbortPT:
				out.Abort = v
				s.Notice("could not answer the abort: " + err.Error())
				return out, nil
			case *StatusInfo:
				if cmd == CmdReadCard {
					out.StatusInfos = append(out.StatusInfos, v)
					s.Notice("could not answer the card data: " + err.Error())
					return out, nil
				}
			}
			return out, s.linkError(ctx, op, err)
		}
		if derr != nil {
			out.Malformed = append(out.Malformed, derr)
			s.Notice(fmt.Sprintf("could not decode %s from the terminal: %v", commandOf(b), derr))
			if len(b) >= 2 && (Command(b[0])<<8|Command(b[1])) == CmdCompletion {
				return out, &terminal.Error{Op: op, Kind: terminal.KindProtocol, Err: derr}
			}
			continue
		}
		switch v := msg.(type) {
		case *IntermediateStatus:
			out.Prompts = append(out.Prompts, v)
			if d, ok := v.T4(); ok && d > 0 {
				t4 = d
			}
			deadline = time.Now().Add(t4)
			s.emit(terminal.Event{Kind: terminal.EventPrompt, Code: int(v.Code), Text: terminal.ScrubString(v.Text(s.opts.Charset))})
		case *StatusInfo:
			out.StatusInfos = append(out.StatusInfos, v)
			deadline = time.Now().Add(t4)
			if cmd == CmdReadCard {
				return out, nil // Read Card ends with its 04 0F (no Completion)
			}
		case *PrintLine:
			if v.Attribute == 0xFF {
				continue // line feeds
			}
			// A misconfigured terminal may print the full PAN on a receipt.
			line := terminal.ScrubString(s.opts.Charset.DecodeText(v.Text))
			out.Lines = append(out.Lines, line)
			s.emit(terminal.Event{Kind: terminal.EventPrintLine, Code: -1, Text: line})
		case *PrintTextBlock:
			for _, line := range v.Lines(s.opts.Charset) {
				line = terminal.ScrubString(line)
				out.Lines = append(out.Lines, line)
				s.emit(terminal.Event{Kind: terminal.EventPrintLine, Code: -1, Text: line})
			}
		case *SetTimeECR:
			out.SetTime = v
		case *Completion:
			out.Completion = v
			return out, nil
		case *AbortPT:
			out.Abort = v
			return out, nil
		}
	}
}

// receiveCtx is the context of the receives while the PT is master: one per
// deadline, which changes only when the PT starts T4 again, not one per
// message.
type receiveCtx struct {
	parent context.Context
	ctx    context.Context
	dl     time.Time
	cancel context.CancelFunc
}

// until returns a context of the parent that ends at dl.
func (r *receiveCtx) until(dl time.Time) context.Context {
	if r.ctx == nil || !r.dl.Equal(dl) {
		r.stop()
		r.ctx, r.cancel = context.WithDeadline(r.parent, dl)
		r.dl = dl
	}
	return r.ctx
}

func (r *receiveCtx) stop() {
	if r.cancel != nil {
		r.cancel()
	}
}

// markSilence notes on a *terminal.Error whether the PT had accepted the
// command and how long it was given: T3 before 80 00, after it the time
// waited since (T4, or less when the caller's deadline came first), so that
// callers can tell "never accepted" from "accepted, then silent"
// ([terminal.SilenceOf]) without reading error text.
func (s *Session) markSilence(err error, accepted bool, since time.Duration) {
	var te *terminal.Error
	if !errors.As(err, &te) {
		return
	}
	te.Accepted = accepted
	te.Dropped = accepted && te.Kind == terminal.KindLink
	if te.Wait == 0 {
		te.Wait = s.opts.T3
		if accepted {
			te.Wait = since.Round(time.Second)
		}
	}
}

// awaitAck waits T3 for the answer to a command. It returns a PT message
// that arrived instead of 80 00 (some PTs start with 04 FF), to be handled
// as if 80 00 had come first.
func (s *Session) awaitAck(ctx context.Context, cmd Command, out *Outcome) ([]byte, error) {
	tctx, cancel := context.WithTimeout(ctx, s.opts.T3)
	defer cancel()
	b, err := s.t.Receive(tctx)
	if err != nil {
		switch {
		case ctx.Err() != nil:
			return nil, ctx.Err()
		case errors.Is(err, context.DeadlineExceeded):
			s.reset()
			return nil, &noAnswerError{fmt.Sprintf("no answer within T3 (%v): the terminal did not acknowledge %s", s.opts.T3, cmd)}
		}
		return nil, err
	}
	s.frame(terminal.FromTerminal, b, cmd)
	if len(b) < 2 {
		return nil, &notProtocolError{b}
	}
	switch Command(b[0])<<8 | Command(b[1]) {
	case CmdAck:
		a := &Ack{}
		if err := a.Decode(b); err != nil {
			return nil, &protocolError{err}
		}
		out.Ack, out.MaybeDelivered = a, true
		return nil, nil
	}
	if b[0] == 0x84 {
		n := &Nack{}
		if err := n.Decode(b); err != nil {
			return nil, &protocolError{err}
		}
		if n.Positive() {
			out.MaybeDelivered = true
			return nil, nil
		}
		out.Nack = n
		return nil, &rejectedError{n.Code}
	}
	switch b[0] {
	case 0x04, 0x06:
		// A PT message instead of 80 00: the PT took master rights.
		out.MaybeDelivered = true
		return b, nil
	}
	return nil, &notProtocolError{b}
}

// reset drops what the transport has buffered after a command was given up
// (T3 or T4 expired): see [Transport].
func (s *Session) reset() {
	_ = s.t.Reset()
	s.Notice("reset the link after a timeout: late answers to the abandoned command are dropped (TCP reconnects on the next command)")
}

// maxStray is how many stray positive acknowledgements the session ignores
// during one command before it calls the PT's behaviour a protocol error.
const maxStray = 4

// isAnswer reports whether b is an answer (80 00 or 84 xx) rather than a
// command or PT message.
func isAnswer(b []byte) bool {
	return len(b) >= 2 && (b[0] == 0x80 && b[1] == 0x00 || b[0] == 0x84)
}

func head(b []byte, n int) []byte {
	if len(b) > n {
		return b[:n]
	}
	return b
}

// ackPT answers a PT message with 80 00 00, as the ECR must for every one
// while the PT is master.
func (s *Session) ackPT(ctx context.Context, open Command) error {
	ack := []byte{0x80, 0x00, 0x00}
	// The answer must go out even when ctx just ended: the PT is waiting
	// for it to make a payment final.
	actx, cancel := context.WithTimeout(context.WithoutCancel(ctx), s.opts.T3)
	defer cancel()
	err := s.t.Answer(actx, ack)
	var r interface{ SafeToRetry() bool }
	if err == nil || errors.As(err, &r) && !r.SafeToRetry() {
		s.frame(terminal.ToTerminal, ack, open) // only what may be on the wire
	}
	return err
}

// cancel handles the caller's context ending while the PT is master: where
// the ECR may, it sends Abort 06 B0 and follows the PT for up to T3 until it
// hands master rights back.
func (s *Session) cancel(op string, cmd Command, out *Outcome, cause error) error {
	out.Canceled = true
	kerr := &terminal.Error{Op: op, Kind: terminal.KindCanceled, Err: cause}
	if !abortable(cmd) {
		return kerr
	}
	actx, cancel := context.WithTimeout(context.Background(), s.opts.T3)
	defer cancel()
	abort, _ := (&AbortECR{}).Encode(nil)
	s.frame(terminal.ToTerminal, abort, cmd)
	if err := s.t.Send(actx, abort); err != nil {
		return kerr
	}
	out.AbortSent = true
	s.Notice("sent Abort (06 B0) because the command was canceled")
	for {
		b, err := s.t.Receive(actx)
		if err != nil {
			return kerr
		}
		s.frame(terminal.FromTerminal, b, cmd)
		if len(b) >= 1 && (b[0] == 0x80 || b[0] == 0x84) {
			continue // the answer to our abort
		}
		msg, derr := decodePT(b, cmd, 0)
		if err := s.ackPT(actx, cmd); err != nil {
			return kerr
		}
		if derr != nil {
			continue
		}
		switch v := msg.(type) {
		case *StatusInfo:
			out.StatusInfos = append(out.StatusInfos, v)
			if cmd == CmdReadCard {
				return kerr
			}
		case *Completion:
			out.Completion = v
			return kerr
		case *AbortPT:
			out.Abort = v
			return kerr
		}
	}
}

func decodePT(b []byte, open Command, service byte) (PTMessage, error) {
	if open == CmdStatusEnquiry && len(b) >= 2 && Command(b[0])<<8|Command(b[1]) == CmdCompletion {
		return DecodeStatusCompletion(b, service)
	}
	return DecodePT(b, open)
}

func commandOf(b []byte) string {
	if len(b) < 2 {
		return fmt.Sprintf("% X", b)
	}
	return (Command(b[0])<<8 | Command(b[1])).String()
}

// linkError classifies a transport error.
func (s *Session) linkError(ctx context.Context, op string, err error) error {
	if ctx.Err() != nil {
		return &terminal.Error{Op: op, Kind: terminal.KindCanceled, Err: ctx.Err()}
	}
	var np interface{ NotProtocol() bool }
	if errors.As(err, &np) && np.NotProtocol() {
		return &terminal.Error{Op: op, Kind: terminal.KindNotProtocol, Err: err}
	}
	return &terminal.Error{Op: op, Kind: terminal.KindLink, Err: err}
}

type noAnswerError struct{ msg string }

func (e *noAnswerError) Error() string { return e.msg }

type rejectedError struct{ code byte }

func (e *rejectedError) Error() string {
	return fmt.Sprintf("the terminal refused the command: %s", ResultCodeText(e.code))
}

type notProtocolError struct{ b []byte }

func (e *notProtocolError) Error() string {
	b := e.b
	if len(b) > 32 {
		b = b[:32]
	}
	v := viewer{} // masked: a misframed answer may still carry card data
	return fmt.Sprintf("this is not a ZVT terminal on this port (it answered: %s)", v.looseHex(b))
}

// NotProtocol marks the error as "the peer does not speak ZVT".
func (e *notProtocolError) NotProtocol() bool { return true }

type protocolError struct{ err error }

func (e *protocolError) Error() string { return "malformed answer: " + e.err.Error() }
func (e *protocolError) Unwrap() error { return e.err }

func errKind(err error) terminal.Kind {
	var (
		na *noAnswerError
		rj *rejectedError
		pe *protocolError
		np interface{ NotProtocol() bool }
	)
	switch {
	case errors.As(err, &na):
		return terminal.KindNoAnswer
	case errors.As(err, &rj):
		return terminal.KindRejected
	case errors.As(err, &pe):
		return terminal.KindProtocol
	case errors.As(err, &np) && np.NotProtocol():
		return terminal.KindNotProtocol
	case errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
		return terminal.KindCanceled
	}
	return terminal.KindLink
}

func nackCode(out *Outcome) byte {
	if out.Nack != nil {
		return out.Nack.Code
	}
	return 0
}
