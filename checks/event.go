package checks

import (
	"time"

	"github.com/posdoctor/posdoctor/model"
	"github.com/posdoctor/posdoctor/terminal"
)

// EventKind says what an [Event] reports.
type EventKind int

// Event kinds.
const (
	// CheckStarted: Check began running.
	CheckStarted EventKind = iota
	// CheckProgress: Text is what is happening now, often the terminal's
	// own prompt ("insert card"); Prompt holds it as the terminal sent it.
	CheckProgress
	// CheckFinished: Result is set.
	CheckFinished
	// IdentityKnown: Identity is set (after the status check).
	IdentityKnown
	// MoneyEvent: a test payment changed state (Text says which: intent,
	// approved, reversed, unknown). The UI shows it; the journal has it.
	MoneyEvent
	// RunFinished: every requested check has finished.
	RunFinished
)

// Event is published by the engine while checks run.
type Event struct {
	Time  time.Time
	Kind  EventKind
	Check model.CheckID
	Text  string
	// TextZh is Text in Chinese for the engine's own texts (progress,
	// CheckFinished's summary); empty for the terminal's prompts, which
	// are shown as the terminal sent them, and for the money-event and
	// run-finished codes.
	TextZh   string
	Prompt   *terminal.Event
	Result   *Result
	Identity *terminal.Status
}
