// Package checks is posdoctor's session core and check engine. Every front
// end (console, check, fleet sweep, exporter, remote help) starts a session
// on a terminal with [Connect] (open, register, status, journal, recover
// the open test payments of earlier sessions, list what is still open) and
// diagnoses through [Diagnose]. The check engine runs the live checks of
// DESIGN.md (link, status, version, network, reader, transaction) against a
// terminal.Driver, publishes events that the TUI and the headless runner
// subscribe to, and produces one [Result] per check.
//
// It also holds what surrounds a run: the configuration ([Config]), the
// session journal ([Journal], a JSON Lines write-ahead log that makes test
// payments safe across crashes, see [Recover]), the output formats of
// `posdoctor check` (text, JSON, JUnit), fleet sweeps over an inventory
// ([Sweep]), the case the console works, written to the journal as it goes
// ([CaseLog]), and ticket-ready reports of any session ([WriteReport]), in
// zh or en with every value by its label ([Label]).
//
// Card data is masked everywhere: the driver hands over masked PANs and
// traces, and every writer in this package runs a last scrub over what it
// writes ([ScrubPAN]) so a full PAN can never leave the process.
package checks
