package terminal

import (
	"errors"
	"fmt"
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
