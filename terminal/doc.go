// Package terminal is the seam between posdoctor and a payment terminal.
//
// It speaks in domain terms (status, diagnosis, read card, authorise,
// reverse) through the [Driver] interface, so that checks and the UI never see
// a wire protocol. The ZVT implementation lives in terminal/zvt, byte links in
// terminal/link, the simulator in terminal/sim, and terminal/dial turns a
// target URL into a connected [Driver].
//
// Card data is masked inside the types that hold it: a [PAN] never holds
// more than the first six and last four digits.
package terminal
