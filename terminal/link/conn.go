package link

import (
	"context"
	"errors"
	"fmt"

	"github.com/posdoctor/posdoctor/terminal"
)

// Conn moves whole APDUs to and from the other side. Send returns once the
// APDU is on the wire (serial: once the peer ACKed it). Receive blocks until
// the next whole APDU arrives or ctx ends; the returned slice is fresh and
// owned by the caller. A Conn is used by one sender and one receiver at a
// time; Send and Receive may run in different goroutines.
//
// Answer sends an answer (80 00 / 84 xx) to the APDU last received, on the
// connection that APDU came on: unlike Send it never reconnects, so an answer
// to a message of a connection the peer closed is not sent on a new one,
// where the terminal would take it for a command. On serial, which never
// reconnects, Answer is Send.
//
// Reset drops what is buffered (TCP/TLS: the connection too, reconnecting on
// the next Send), so that a late answer to an abandoned command cannot be
// taken for the answer to the next one.
type Conn interface {
	Send(ctx context.Context, apdu []byte) error
	Answer(ctx context.Context, apdu []byte) error
	Receive(ctx context.Context) ([]byte, error)
	Reset() error
	Close() error
}

// DefaultMaxLen is the largest APDU data length a link accepts by default:
// the extended length field's maximum (PA00P016 §5.2, research/zvt.md §2.1).
const DefaultMaxLen = 65535

// Sentinels for errors.Is.
var (
	// ErrClosed is returned by Send and Receive after Close.
	ErrClosed = errors.New("link: closed")
	// ErrTransmission is a serial frame the peer did not acknowledge after
	// the first attempt and two repeats (PA00P016 §3).
	ErrTransmission = errors.New("transmission error")
	// ErrNotZVT means the peer sent bytes that cannot be a ZVT APDU: a banner
	// of another protocol, or lone bytes. See [*NotZVTError].
	ErrNotZVT = errors.New("this is not a ZVT terminal on this port")
	// ErrTooLong is an APDU whose length field exceeds the configured maximum.
	ErrTooLong = errors.New("apdu too long")
)

// WriteError is a failed Send. Sent is how many bytes reached the wire (for
// serial: of all attempts). When Sent > 0 the peer may have acted on the
// command, so a money command takes the outcome-unknown path.
type WriteError struct {
	Err  error
	Sent int
	// Refused is true when the peer answered every attempt with NAK: it saw
	// the frame and refused it, so nothing was accepted.
	Refused bool
}

func (e *WriteError) Error() string { return e.Err.Error() }

// Unwrap returns the cause.
func (e *WriteError) Unwrap() error { return e.Err }

// SafeToRetry reports whether the peer certainly did not accept the APDU:
// no byte was sent, or the peer NAKed every attempt.
func (e *WriteError) SafeToRetry() bool { return e.Sent == 0 || e.Refused }

// NotZVTError is what a link returns when the peer sends bytes that are not
// ZVT. Sent holds up to the first 64 bytes it sent.
type NotZVTError struct {
	Sent []byte
}

func (e *NotZVTError) Error() string {
	// A full PAN in what it sent (digits in a text protocol) is masked.
	return fmt.Sprintf("%v (it sent: %s): check the port number and that ZVT is enabled in the terminal's ECR settings", ErrNotZVT, terminal.ScrubString(showBytes(e.Sent)))
}

// Is matches [ErrNotZVT].
func (e *NotZVTError) Is(target error) bool { return target == ErrNotZVT }

// NotProtocol reports true: the peer does not speak ZVT. terminal/zvt looks
// for this method, since it does not import this package.
func (e *NotZVTError) NotProtocol() bool { return true }

// showBytes renders b as hex, with printable ASCII runs of 4 or more shown
// quoted, e.g. 00 00 00 3E "VER|APP 19.46".
func showBytes(b []byte) string {
	var out []byte
	for i := 0; i < len(b); {
		j := i
		if !isAlnum(b[i]) {
			j = len(b) + 1 // a quoted run starts with a letter or digit
		}
		for j < len(b) && b[j] >= 0x20 && b[j] < 0x7f && b[j] != '"' {
			j++
		}
		if j <= len(b) && j-i >= 4 {
			if len(out) > 0 {
				out = append(out, ' ')
			}
			out = append(out, '"')
			out = append(out, b[i:j]...)
			out = append(out, '"')
			i = j
			continue
		}
		if len(out) > 0 {
			out = append(out, ' ')
		}
		out = fmt.Appendf(out, "%02X", b[i])
		i++
	}
	return string(out)
}

func isAlnum(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z'
}
