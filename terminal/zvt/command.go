package zvt

import "fmt"

// Command is a ZVT command as class<<8 | instruction, e.g. 0x060F for the
// Completion. The answers use the same shape: 0x8000 positive, 0x84xx
// negative (research/zvt.md §3).
type Command uint16

// ECR → PT commands.
const (
	CmdRegistration      Command = 0x0600
	CmdAuthorization     Command = 0x0601
	CmdLogOff            Command = 0x0602
	CmdPrintSystemConfig Command = 0x061A
	CmdRepeatReceipt     Command = 0x0620
	CmdPreAuth           Command = 0x0622
	CmdPartialReversal   Command = 0x0623
	CmdPreAuthReversal   Command = 0x0625
	CmdReversal          Command = 0x0630
	CmdRefund            Command = 0x0631
	CmdEndOfDay          Command = 0x0650
	CmdDiagnosis         Command = 0x0670
	CmdSelftest          Command = 0x0679
	CmdSetDateTime       Command = 0x0691
	CmdInitialisation    Command = 0x0693
	CmdAbortECR          Command = 0x06B0
	CmdReadCard          Command = 0x06C0
	CmdStatusEnquiry     Command = 0x0501
	CmdChangeBaudrate    Command = 0x0840
)

// PT → ECR commands.
const (
	CmdCompletion     Command = 0x060F
	CmdAbortPT        Command = 0x061E
	CmdStatusInfo     Command = 0x040F
	CmdIntermediate   Command = 0x04FF
	CmdPrintLine      Command = 0x06D1
	CmdPrintTextBlock Command = 0x06D3
	CmdSetTimeECR     Command = 0x0401
)

// Answers in both directions.
const (
	CmdAck  Command = 0x8000 // positive answer 80 00
	CmdNack Command = 0x8400 // negative answer 84 xx; the low byte is the code
)

var commandNames = map[Command]string{
	CmdRegistration:      "Registration",
	CmdAuthorization:     "Authorization",
	CmdLogOff:            "Log-Off",
	CmdPrintSystemConfig: "Print System Configuration",
	CmdRepeatReceipt:     "Repeat Receipt",
	CmdPreAuth:           "Pre-Authorisation",
	CmdPreAuthReversal:   "Pre-Authorisation Reversal",
	CmdPartialReversal:   "Partial Reversal",
	// Feig cVEND extensions (feig.go).
	CmdFeigFunctions:       "cVEND Functions",
	CmdRequestForData:      "Request For Data",
	CmdWriteFile:           "Write File",
	CmdChangeConfiguration: "Change Configuration",
	CmdReversal:            "Reversal",
	CmdRefund:              "Refund",
	CmdEndOfDay:            "End-of-Day",
	CmdDiagnosis:           "Diagnosis",
	CmdSelftest:            "Selftest",
	CmdSetDateTime:         "Set Date/Time",
	CmdInitialisation:      "Initialisation",
	CmdAbortECR:            "Abort",
	CmdReadCard:            "Read Card",
	CmdStatusEnquiry:       "Status Enquiry",
	CmdChangeBaudrate:      "Change Baudrate",
	CmdCompletion:          "Completion",
	CmdAbortPT:             "Abort",
	CmdStatusInfo:          "Status Information",
	CmdIntermediate:        "Intermediate Status",
	CmdPrintLine:           "Print Line",
	CmdPrintTextBlock:      "Print Text-Block",
	CmdSetTimeECR:          "Set Time",
	CmdAck:                 "Ack",
}

// Class returns the class byte (CLASS or CCRC).
func (c Command) Class() byte { return byte(c >> 8) }

// Instr returns the instruction byte (INSTR or APRC).
func (c Command) Instr() byte { return byte(c) }

// Hex returns the command as two hex bytes, e.g. "06 0F".
func (c Command) Hex() string { return fmt.Sprintf("%02X %02X", c.Class(), c.Instr()) }

// Name returns the command's name, "Nack" for 84 xx, or "unknown" when it is
// not in the table.
func (c Command) Name() string {
	if n, ok := commandNames[c]; ok {
		return n
	}
	if c.Class() == 0x84 {
		return "Nack"
	}
	return "unknown"
}

// String returns "06 0F Completion".
func (c Command) String() string { return c.Hex() + " " + c.Name() }

// ParseCommand reads a command written as hex ("0501", "05 01", "0x0501").
func ParseCommand(s string) (Command, error) {
	b, err := ParseHex(s)
	if err != nil || len(b) != 2 {
		return 0, fmt.Errorf("command %q: want two hex bytes such as 0501", s)
	}
	return Command(uint16(b[0])<<8 | uint16(b[1])), nil
}
