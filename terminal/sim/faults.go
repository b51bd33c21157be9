package sim

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"
)

// Fault names. Each can be switched on in a scenario file (`faults:`) or
// with `posdoctor sim --fault NAME[=ARG]`.
const (
	FaultLatency            = "latency"             // =DUR: delay before every answer
	FaultDropAfter          = "drop-after"          // =N: close the connection after the PT's N-th message
	FaultCorruptByte        = "corrupt-byte"        // [=N]: corrupt one byte of every N-th frame/APDU the PT sends (default 3)
	FaultNeverAck           = "never-ack"           // serial: never send ACK 06; TCP: never answer 80 00 00
	FaultZVTDisabled        = "zvt-disabled"        // answer 84 83 00 to everything
	FaultBanner             = "banner"              // send a non-ZVT banner on connect (Worldline Yomani style)
	FaultIdleClose          = "idle-close"          // [=DUR]: close idle connections after DUR (default 1s)
	FaultLoseCompletion     = "lose-completion"     // close the connection after an approved payment's 04 0F, before 06 0F
	FaultISO88591           = "iso-8859-1"          // texts in ISO-8859-1 instead of CP437
	FaultTLVInPrint         = "tlv-in-print"        // print lines carry a trailing TLV inside the text (card complete)
	FaultVendorIntermediate = "vendor-intermediate" // Ingenico intermediate codes A0–A5
	FaultFullPAN            = "full-pan"            // the PAN in full in BMP 22 and on the receipt (a misconfigured terminal)
	FaultSilentAfterAck     = "silent-after-ack"    // payments: answer 80 00 00, then nothing (no status, no Completion)
)

type faultSpec struct {
	arg  string // "", "N", "DUR"
	opt  bool   // argument optional
	def  string // default argument
	help string
}

var faultSpecs = map[string]faultSpec{
	FaultLatency:            {arg: "DUR", help: "delay before every answer (also --latency)"},
	FaultDropAfter:          {arg: "N", help: "close the connection after the PT's N-th message"},
	FaultCorruptByte:        {arg: "N", opt: true, def: "3", help: "corrupt one byte of every N-th frame the PT sends (serial: the CRC fails)"},
	FaultNeverAck:           {help: "serial: never ACK a frame; TCP: never answer 80 00 00"},
	FaultZVTDisabled:        {help: "answer 84 83 00 to every command (ZVT switched off by a firmware update)"},
	FaultBanner:             {help: "send a non-ZVT banner on connect"},
	FaultIdleClose:          {arg: "DUR", opt: true, def: "1s", help: "close a connection idle for DUR"},
	FaultLoseCompletion:     {help: "drop the connection after an approved payment's status information, before the Completion"},
	FaultISO88591:           {help: "send texts in ISO-8859-1 instead of CP437"},
	FaultTLVInPrint:         {help: "append a TLV (receipt type) inside each print line's text"},
	FaultVendorIntermediate: {help: "send Ingenico intermediate status codes (A0 payment processed, A1/A2 cancellation (not) successful)"},
	FaultSilentAfterAck:     {help: "accept a payment (Authorization, Refund, Pre-Authorisation) with 80 00 00, then say nothing: the ECR's T4 runs out and the outcome is unknown"},
	FaultFullPAN:            {help: "send the card's PAN unmasked in BMP 22 and print it in full on the receipt (a misconfigured terminal; the console must mask it)"},
}

// FaultNames returns the valid fault names, sorted.
func FaultNames() []string {
	out := make([]string, 0, len(faultSpecs))
	for k := range faultSpecs {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// FaultHelp returns one line per fault: "name[=ARG]  what it does".
func FaultHelp() []string {
	var out []string
	for _, n := range FaultNames() {
		s := faultSpecs[n]
		u := n
		if s.arg != "" {
			if s.opt {
				u += "[=" + s.arg + "]"
			} else {
				u += "=" + s.arg
			}
		}
		out = append(out, fmt.Sprintf("%-24s %s", u, s.help))
	}
	return out
}

// FaultError is a fault spelled wrong; Hint lists the valid ones.
type FaultError struct {
	Spec string
	Msg  string
	Hint string
}

// Error returns Msg; the valid faults are in Hint.
func (e *FaultError) Error() string { return e.Msg }

// ParseFault reads "NAME" or "NAME=ARG".
func ParseFault(s string) (Fault, error) {
	name, arg, hasArg := strings.Cut(strings.TrimSpace(s), "=")
	spec, ok := faultSpecs[name]
	if !ok {
		hint := "valid faults are " + strings.Join(FaultNames(), ", ")
		if c := closest(name, FaultNames()); c != "" {
			hint = "did you mean " + c + "? " + hint
		}
		return Fault{}, &FaultError{Spec: s, Msg: fmt.Sprintf("unknown fault %q", name), Hint: hint}
	}
	f := Fault{Name: name}
	if !hasArg {
		if spec.arg != "" && !spec.opt {
			return Fault{}, &FaultError{Spec: s, Msg: fmt.Sprintf("fault %s needs an argument", name), Hint: "write " + name + "=" + spec.arg}
		}
		arg = spec.def
	} else if spec.arg == "" {
		return Fault{}, &FaultError{Spec: s, Msg: fmt.Sprintf("fault %s takes no argument", name), Hint: "write just " + name}
	}
	switch spec.arg {
	case "N":
		n, err := strconv.Atoi(arg)
		if err != nil || n < 1 || n > 1_000_000 {
			return Fault{}, &FaultError{Spec: s, Msg: fmt.Sprintf("fault %s: want a count ≥ 1, got %q", name, arg), Hint: "e.g. " + name + "=3"}
		}
		f.N = n
	case "DUR":
		d, err := time.ParseDuration(arg)
		if err != nil || d < 0 || d > time.Hour {
			return Fault{}, &FaultError{Spec: s, Msg: fmt.Sprintf("fault %s: want a duration, got %q", name, arg), Hint: "e.g. " + name + "=500ms"}
		}
		f.D = d
	}
	return f, nil
}

// faultSet is the faults in effect for one terminal.
type faultSet struct {
	latency        time.Duration
	dropAfter      int
	corruptEvery   int
	neverAck       bool
	zvtDisabled    bool
	banner         bool
	idleClose      time.Duration
	loseCompletion bool
	iso88591       bool
	tlvInPrint     bool
	vendorInterm   bool
	fullPAN        bool
	silentAfterAck bool
}

func (fs *faultSet) add(f Fault) {
	switch f.Name {
	case FaultLatency:
		fs.latency += f.D
	case FaultDropAfter:
		fs.dropAfter = f.N
	case FaultCorruptByte:
		fs.corruptEvery = f.N
	case FaultNeverAck:
		fs.neverAck = true
	case FaultZVTDisabled:
		fs.zvtDisabled = true
	case FaultBanner:
		fs.banner = true
	case FaultIdleClose:
		fs.idleClose = f.D
	case FaultLoseCompletion:
		fs.loseCompletion = true
	case FaultISO88591:
		fs.iso88591 = true
	case FaultTLVInPrint:
		fs.tlvInPrint = true
	case FaultVendorIntermediate:
		fs.vendorInterm = true
	case FaultFullPAN:
		fs.fullPAN = true
	case FaultSilentAfterAck:
		fs.silentAfterAck = true
	}
}
