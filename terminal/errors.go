package terminal

import (
	"errors"
	"fmt"
	"time"
)

// Kind classifies a Driver error so callers can decide what to do without
// reading its text.
type Kind int

// Error kinds.
const (
	KindLink           Kind = iota + 1 // the link could not be opened or broke
	KindNotProtocol                    // the peer does not speak the protocol on this port
	KindNoAnswer                       // no answer within the protocol's timeout; nothing was committed
	KindRejected                       // the terminal refused the command (ZVT 84 xx); see Error.Code
	KindOutcomeUnknown                 // a money command reached the terminal, its outcome was not heard
	KindProtocol                       // the answer was malformed
	KindCanceled                       // the caller's context ended
)

var kindNames = map[Kind]string{
	KindLink: "link", KindNotProtocol: "not_protocol", KindNoAnswer: "no_answer",
	KindRejected: "rejected", KindOutcomeUnknown: "outcome_unknown",
	KindProtocol: "protocol", KindCanceled: "canceled",
}

// String returns the kind's snake_case name.
func (k Kind) String() string { return kindNames[k] }

// Sentinels for errors.Is: errors.Is(err, terminal.ErrOutcomeUnknown).
var (
	ErrLink           = &Error{Kind: KindLink}
	ErrNotProtocol    = &Error{Kind: KindNotProtocol}
	ErrNoAnswer       = &Error{Kind: KindNoAnswer}
	ErrRejected       = &Error{Kind: KindRejected}
	ErrOutcomeUnknown = &Error{Kind: KindOutcomeUnknown}
	ErrProtocol       = &Error{Kind: KindProtocol}
	ErrCanceled       = &Error{Kind: KindCanceled}
)

// Error is what a Driver returns. Op names the command ("status",
// "authorize"), Code the protocol code when there is one.
type Error struct {
	Op   string
	Kind Kind
	Code byte
	Err  error
	// Accepted is true when the terminal acknowledged the command (ZVT
	// 80 00) before the error: it may have acted on it.
	Accepted bool
	// Wait is how long the terminal was given to answer when it stayed
	// silent (ZVT T3 for the acknowledgement, T4 for the result); 0 when
	// not known.
	Wait time.Duration
	// Dropped is true when the link broke after the terminal had accepted
	// the command (the silence was a lost connection, not a timeout).
	Dropped bool
}

// Error says the operation, the kind or code, and the cause.
func (e *Error) Error() string {
	msg := e.Op
	if msg == "" {
		msg = "terminal"
	}
	switch {
	case e.Kind == KindRejected:
		msg += fmt.Sprintf(": rejected with code %02X", e.Code)
	case e.Err == nil:
		msg += ": " + e.Kind.String()
	}
	if e.Err != nil {
		msg += ": " + e.Err.Error()
	}
	return msg
}

// Unwrap returns the cause.
func (e *Error) Unwrap() error { return e.Err }

// Is matches the sentinel of the same Kind.
func (e *Error) Is(target error) bool {
	var t *Error
	if !errors.As(target, &t) {
		return false
	}
	return t.Op == "" && t.Err == nil && t.Code == 0 && t.Kind == e.Kind
}

// Silence says how a terminal stayed silent (issue 12): the words a user
// reads and the diagnosis facts follow from it, not from error text.
type Silence int

// Ways a terminal stays silent.
const (
	// SilenceNone: the error is not a silence (or there was no error).
	SilenceNone Silence = iota
	// SilenceNotAccepted: no acknowledgement within the protocol's
	// timeout (ZVT T3, 80 00 never came): nothing reached the payment
	// application, nothing was charged.
	SilenceNotAccepted
	// SilenceNoResult: the terminal accepted the command, then its result
	// never came (T4 ran out, the connection dropped, the Completion was
	// lost): for a payment the outcome is unknown.
	SilenceNoResult
)

// SilenceOf classifies err, a Driver error.
func SilenceOf(err error) Silence {
	var e *Error
	if !errors.As(err, &e) {
		return SilenceNone
	}
	switch {
	case e.Kind == KindOutcomeUnknown:
		return SilenceNoResult
	case e.Kind == KindNoAnswer && !e.Accepted:
		return SilenceNotAccepted
	case e.Accepted && (e.Kind == KindNoAnswer || e.Kind == KindLink || e.Kind == KindCanceled):
		return SilenceNoResult
	}
	return SilenceNone
}
