package terminal

import (
	"context"
	"time"
)

// Driver is a connected terminal. Methods block until the terminal has
// finished the command, ctx is done, or the protocol's own timeouts expire.
// A Driver is used by one goroutine at a time: a terminal is a single channel.
//
// A command the terminal refuses or declines is not an error: it comes back as
// a [Result] with a non-zero Code. Errors are for the link and the protocol
// (see [Error]).
type Driver interface {
	// Register opens the session (ZVT Registration) and returns what the
	// terminal says about itself.
	Register(ctx context.Context) (Registration, error)
	// Status asks for the terminal status, identity and software version.
	Status(ctx context.Context) (Status, error)
	// Diagnose makes the terminal check its own connection to the host.
	Diagnose(ctx context.Context) (HostCheck, error)
	// ReadCard asks the operator to present a card and returns what was read,
	// masked. timeout is how long the terminal waits for the card. When it
	// returns without error the terminal is idle again (the card released);
	// after an error the caller should Abort.
	ReadCard(ctx context.Context, timeout time.Duration) (Card, error)
	// Authorize runs a payment of amount minor units in the driver's
	// configured currency. An error of kind KindOutcomeUnknown means the
	// command reached the terminal but the outcome was not heard.
	Authorize(ctx context.Context, amount int64) (Payment, error)
	// Reverse cancels the payment with the given receipt number.
	Reverse(ctx context.Context, receipt int, amount int64) (Payment, error)
	// RepeatReceipt asks for the last transaction again (the resync tool after
	// a lost outcome).
	RepeatReceipt(ctx context.Context) (Payment, error)
	// Initialise runs the terminal's initialisation with the host (loads keys
	// and parameters).
	Initialise(ctx context.Context) (Result, error)
	// Abort stops what the terminal is doing (card prompt, pending command).
	Abort(ctx context.Context) error
	// SetObserver sets the function that receives events (terminal prompts,
	// print lines, frames) as they arrive. fn is called from the driver's
	// goroutine and must not block. nil removes it.
	SetObserver(fn func(Event))
	// Info describes the connection.
	Info() Info
	// Close ends the session and releases the link.
	Close() error
}

// Info describes how a Driver is connected.
type Info struct {
	Target   string `json:"target"`   // as given, e.g. tcp://127.0.0.1:20007
	Protocol string `json:"protocol"` // e.g. "zvt"
	Link     string `json:"link"`     // e.g. "tcp", "tls", "serial", "sim"
}
