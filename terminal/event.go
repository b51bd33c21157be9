package terminal

import "time"

// EventKind says what an [Event] carries.
type EventKind int

// Event kinds.
const (
	// EventPrompt is an intermediate status from the terminal, e.g. "insert
	// card". Code is the protocol's status code, Text its name or the
	// terminal's own text.
	EventPrompt EventKind = iota
	// EventPrintLine is a line the terminal wants printed.
	EventPrintLine
	// EventFrame is one protocol message on the wire (see Frame).
	EventFrame
	// EventNotice is something the driver did on its own (reconnect, retry
	// after NAK) worth showing in a trace.
	EventNotice
)

// Direction is which way a frame went.
type Direction string

// Directions.
const (
	ToTerminal   Direction = "ecr->pt"
	FromTerminal Direction = "pt->ecr"
	// ToHost and FromHost are the directions of host messages (ISO 8583)
	// between a terminal and its acquirer's host.
	ToHost   Direction = "pos->host"
	FromHost Direction = "host->pos"
)

// Event is something the terminal said or did while a command ran.
type Event struct {
	Time  time.Time `json:"time"`
	Kind  EventKind `json:"kind"`
	Code  int       `json:"code,omitempty"` // prompt code; -1 when none
	Text  string    `json:"text,omitempty"`
	Frame *Frame    `json:"frame,omitempty"`
}

// Frame is a protocol message as seen on the wire, with card data already
// masked in both the bytes and the decoded text.
type Frame struct {
	Dir     Direction `json:"dir"`
	Hex     string    `json:"hex"`     // masked bytes, hex, space separated
	Summary string    `json:"summary"` // one line, e.g. "06 0F Completion"
	Detail  string    `json:"detail,omitempty"`
}
