package model

import "slices"

// Fact names one observation a check makes, carried in
// [CheckEvidence.Facts]. The checks write these keys and the diagnosis rules
// (kb/rules.yaml) read them; a rule naming a fact not listed here does not
// load. Values are strings: "true" / "false" for yes-no facts, the values
// listed by [Fact.Values] for enumerations, free text otherwise.
type Fact string

// Facts the checks produce.
const (
	// FactDeviceState is the terminal's own state (status check): one of
	// ready, needs_initialisation, no_keys, fraud, unknown.
	FactDeviceState Fact = "device_state"
	// FactStatusCode is the ZVT terminal status byte in hex (status check).
	FactStatusCode Fact = "status_code"
	// FactVersionBelowBaseline is "true" when the software version is below
	// the configured baseline (version check).
	FactVersionBelowBaseline Fact = "version_below_baseline"
	// FactSoftwareVersion is the version the terminal reports (free text).
	FactSoftwareVersion Fact = "software_version"
	// FactHostReachable is "true" when the terminal reached its host
	// (network check).
	FactHostReachable Fact = "host_reachable"
	// FactCardExpired is "true" when the card's own expiry (chip or track)
	// is in the past (reader check).
	FactCardExpired Fact = "card_expired"
	// FactCardReadable is "false" when the terminal could not read the card.
	FactCardReadable Fact = "card_readable"
	// FactTechnology is how the card was read: chip, contactless, magstripe,
	// fallback, manual (free text; matched by substring).
	FactTechnology Fact = "technology"
	// FactHostCode is the host (field 39) code of a result, e.g. 54 or A0.
	FactHostCode Fact = "host_code"
	// FactZVTResult is the ZVT result code (BMP 27) in hex.
	FactZVTResult Fact = "zvt_result"
	// FactKnownGoodCard is "true" when the check used a card known to work.
	FactKnownGoodCard Fact = "known_good_card"
	// FactCardExpiry is the card's own expiry, YYMM as the terminal reports
	// it (reader check); reasons show it as MM/YY ("the chip says 11/30").
	FactCardExpiry Fact = "expiry"

	// The three ways a terminal stays silent (issue 12), written by the
	// link or transaction check with the value "true".

	// FactCommandNotAccepted: the terminal did not acknowledge the command
	// (no 80 00) within T3. Nothing reached the payment; nothing was charged.
	FactCommandNotAccepted Fact = "command_not_accepted"
	// FactResultNotHeard: the terminal accepted the command (80 00) but its
	// result never came (T4 ran out, the connection dropped, the Completion
	// was lost). The payment's outcome is unknown.
	FactResultNotHeard Fact = "result_not_heard"
	// FactRefusedAll: every command was refused with 84 83 (ZVT switched off
	// on the terminal, or the ECR password is wrong).
	FactRefusedAll Fact = "refused_all"
)

// Facts is every fact, in a fixed order: what checks copy from their
// evidence into [CheckEvidence.Facts].
var Facts = []Fact{
	FactDeviceState, FactStatusCode, FactVersionBelowBaseline, FactSoftwareVersion,
	FactHostReachable, FactCardExpired, FactCardReadable, FactTechnology,
	FactHostCode, FactZVTResult, FactKnownGoodCard, FactCardExpiry,
	FactCommandNotAccepted, FactResultNotHeard, FactRefusedAll,
}

var boolValues = []string{"true", "false"}

// factValues are the values an enumerated fact takes; a fact not listed is
// free text.
var factValues = map[Fact][]string{
	FactDeviceState:          {"ready", "needs_initialisation", "no_keys", "fraud", "unknown"},
	FactVersionBelowBaseline: boolValues,
	FactHostReachable:        boolValues,
	FactCardExpired:          boolValues,
	FactCardReadable:         boolValues,
	FactKnownGoodCard:        boolValues,
	FactCommandNotAccepted:   boolValues,
	FactResultNotHeard:       boolValues,
	FactRefusedAll:           boolValues,
}

// Known reports whether f is one of [Facts].
func (f Fact) Known() bool { return slices.Contains(Facts, f) }

// Values lists the values f takes, or nil for a free-text fact.
func (f Fact) Values() []string { return factValues[f] }

// ValidValue reports whether v is a value f can take.
func (f Fact) ValidValue(v string) bool {
	vs := factValues[f]
	return vs == nil || slices.Contains(vs, v)
}
