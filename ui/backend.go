package ui

import (
	"context"
	"time"

	"github.com/posdoctor/posdoctor/checks"
	"github.com/posdoctor/posdoctor/model"
	"github.com/posdoctor/posdoctor/terminal"
)

// Backend is everything the console needs from the rest of posdoctor.
// cmd/posdoctor wires the real implementation (link.Ports, sim.Scenarios,
// dial.Open, checks.NewEngine, model.Diagnose); tests use a fake. Every
// method may do I/O and is only ever called from a tea.Cmd, never from
// Update, except Symptoms, Resolve and Diagnose, which must be pure.
type Backend interface {
	// Ports lists the serial ports with their USB names.
	Ports() ([]Port, error)
	// Scenarios lists the built-in simulator scenarios.
	Scenarios() []Scenario
	// Recent lists recently used targets, newest first.
	Recent() []string
	// Connect opens target and returns a session with the check engine
	// ready. It returns a one-line error that says what to try.
	Connect(ctx context.Context, target string) (Session, error)
	// Symptoms lists the symptoms in menu order.
	Symptoms() []model.Symptom
	// Resolve reads what the operator typed (code, message, symptom id).
	Resolve(query string) (model.Input, error)
	// Diagnose ranks causes for in plus the check results so far.
	Diagnose(in model.Input, results []checks.Result) model.Diagnosis
	// Export writes the session report in format ("md" or "html") and
	// returns the path written.
	Export(r Report, format string) (string, error)
}

// ProgressConnector is a Backend that reports what a connect is doing
// ("opening the link", "registering"...). progress must not block.
type ProgressConnector interface {
	ConnectProgress(ctx context.Context, target string, progress func(step string)) (Session, error)
}

// Session is a connected terminal with its check engine. *checks.Engine
// provides Subscribe, Run and Identity; the rest is wired around it.
type Session interface {
	// Subscribe returns the engine's event stream and a func to stop it.
	Subscribe() (<-chan checks.Event, func())
	// Run runs the checks ids and returns their results. It blocks; the UI
	// calls it from a tea.Cmd and cancels ctx to abort.
	Run(ctx context.Context, ids []model.CheckID, opts RunOptions) []checks.Result
	// Identity is what the last status check learnt about the terminal.
	Identity() terminal.Status
	// Info describes the connection.
	Info() terminal.Info
	// Initialise runs the terminal's initialisation (the fix action of the
	// "initialise / sign in" step).
	Initialise(ctx context.Context) (terminal.Result, error)
	// Record writes a wizard event (step marks, notes, fix actions) to the
	// session journal.
	Record(kind string, fields map[string]string) error
	// Close ends the session.
	Close() error
}

// RunOptions are the options of one run (mirrors checks.RunOptions).
type RunOptions struct {
	WithCard bool
	Amount   int64 // test transaction amount, minor units
}

// Port is a serial port.
type Port struct {
	Name    string // /dev/ttyUSB0, COM3
	Product string // USB product name, if any
	VID     string
	PID     string
}

// Scenario is a simulator scenario.
type Scenario struct {
	Name        string
	Description string
	// DescriptionZh is the description in Chinese; without it a Chinese
	// console shows the scenario's name only.
	DescriptionZh string
}

// describe is the scenario's description in l, empty when it has none in l.
func (s Scenario) describe(l model.Lang) string {
	if l == model.LangZh {
		return s.DescriptionZh
	}
	return s.Description
}

// Report is what the console knows when the operator exports the report.
type Report struct {
	Lang      model.Lang
	Target    string
	Identity  terminal.Status
	Input     model.Input
	Results   []checks.Result
	Diagnosis model.Diagnosis
	Steps     []StepRecord
	Time      time.Time
}

// StepRecord is what the operator did with one playbook step.
type StepRecord struct {
	ID     string
	Mark   string // done, skipped, no_help, or empty
	Note   string
	Verify model.Status
}
