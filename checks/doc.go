// Package checks is posdoctor's check engine: it runs the live checks of
// DESIGN.md (link, status, version, network, reader, transaction) against a
// terminal.Driver, publishes events that the TUI and the headless runner
// subscribe to, and produces one [Result] per check.
//
// It also holds what surrounds a run: the configuration ([Config]), the
// session journal ([Journal], a JSON Lines write-ahead log that makes test
// payments safe across crashes, see [Recover]), the output formats of
// `posdoctor check` (text, JSON, JUnit), fleet sweeps over an inventory
// ([Sweep]) and ticket-ready reports ([WriteReport]).
//
// Card data is masked everywhere: the driver hands over masked PANs and
// traces, and every writer in this package runs a last scrub over what it
// writes ([ScrubPAN]) so a full PAN can never leave the process.
package checks
