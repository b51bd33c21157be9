// Package sim is a strict simulated ZVT payment terminal (the PT side) for
// posdoctor's tests, demos and training: `posdoctor sim`, sim:// targets and
// fleets of many terminals.
//
// A [Scenario] (fixtures/scenarios/NAME.yaml, format in fixtures/README.md)
// gives the terminal's identity, the cards presented to it, how its host
// answers, the Diagnosis result, latencies and faults. [New] builds a
// [Terminal]; [Terminal.ServeConn] speaks ZVT over TCP (raw APDUs),
// [Terminal.Serve] does so for each connection on a listener, and
// [Terminal.ServeSerial] the serial framing (DLE STX, CRC-16/KERMIT,
// ACK/NAK, two repeats). [ListenTCP] starts a [Fleet].
//
// The simulator shares only the codec (terminal/zvt) and the frame encoding
// (terminal/link) with the console; its protocol logic is its own, so a bug
// cannot hide on both sides. Each command is compiled into a script of
// [Step]s in pgmock's shape (Send, Expect, Delay, Drop, Quirk) and played on
// the connection.
//
// It is strict where the spec is (research/zvt.md §8): unknown commands and
// BMPs get 84 83 00, bad CRCs a NAK, a wrong password 84 xx 00; a payment is
// final only when the ECR acknowledges its status information 04 0F,
// otherwise it is auto-reversed. [Terminal.Journal] and [Terminal.Unreversed]
// show what happened. Card numbers are never logged; the full PAN only
// travels on the wire in Read Card, as unmasking terminals send it.
package sim
