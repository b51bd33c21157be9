package terminal

import "time"

// Result is a terminal's answer to a command. Code 0 is success.
type Result struct {
	// Code is the protocol's result code (ZVT BMP 27, 06 1E data or 84 xx).
	Code byte `json:"code"`
	// HostCode is the acquirer's response code (ISO 8583 field 39) when the
	// terminal passed one on, e.g. "05", "55", "A0"; empty when none.
	HostCode string `json:"host_code,omitempty"`
	// Text is what the terminal said about it, if anything.
	Text string `json:"text,omitempty"`
}

// OK reports whether the command succeeded.
func (r Result) OK() bool { return r.Code == 0 && (r.HostCode == "" || r.HostCode == "00") }

// Registration is what the terminal answers to a Registration.
type Registration struct {
	TID        string `json:"tid,omitempty"`
	Currency   int    `json:"currency,omitempty"`    // ISO 4217 numeric
	StatusByte byte   `json:"status_byte,omitempty"` // ZVT: 01 init needed, 02 diagnosis needed
	Result     Result `json:"result"`
}

// DeviceState is the terminal's own view of whether it can take payments
// (ZVT TLV 1F43).
type DeviceState int

// Device states, numbered as ZVT TLV 1F43.
const (
	DeviceReady     DeviceState = 0
	DeviceNeedsInit DeviceState = 1
	DeviceNoKeys    DeviceState = 2
	DeviceFraud     DeviceState = 3
	DeviceUnknown   DeviceState = -1
)

var deviceStateNames = map[DeviceState]string{
	DeviceReady:     "ready",
	DeviceNeedsInit: "needs_initialisation",
	DeviceNoKeys:    "no_keys",
	DeviceFraud:     "fraud",
	DeviceUnknown:   "unknown",
}

// String returns the state's snake_case name.
func (s DeviceState) String() string {
	if n, ok := deviceStateNames[s]; ok {
		return n
	}
	return "unknown"
}

// MarshalText writes the state's name, so JSON shows "no_keys", not 2.
func (s DeviceState) MarshalText() ([]byte, error) { return []byte(s.String()), nil }

// UnmarshalText reads a state's name.
func (s *DeviceState) UnmarshalText(b []byte) error {
	for k, v := range deviceStateNames {
		if v == string(b) {
			*s = k
			return nil
		}
	}
	*s = DeviceUnknown
	return nil
}

// Status is the terminal's identity and state (ZVT Status Enquiry).
type Status struct {
	TID             string      `json:"tid,omitempty"`
	Model           string      `json:"model,omitempty"`
	Serial          string      `json:"serial,omitempty"`
	SoftwareVersion string      `json:"software_version,omitempty"`
	Code            byte        `json:"status_code"`           // ZVT terminal status byte, 00 ready (research/zvt.md §4.3)
	Text            string      `json:"status_text,omitempty"` // the code's name
	DeviceState     DeviceState `json:"device_state"`
	Time            time.Time   `json:"terminal_time,omitempty"` // zero when the terminal did not say
}

// HostCheck is the result of the terminal's own check of its host link
// (ZVT Diagnosis).
type HostCheck struct {
	Result Result    `json:"result"`
	Time   time.Time `json:"host_time,omitempty"` // the host's clock, when it sent one
	Lines  []string  `json:"lines,omitempty"`     // printed diagnosis, if any
}

// Technology is how a card was read.
type Technology string

// Card technologies.
const (
	TechUnknown     Technology = ""
	TechStripe      Technology = "stripe"
	TechChip        Technology = "chip"
	TechContactless Technology = "contactless"
)

// Card is what a Read Card returned. PAN is masked.
type Card struct {
	PAN        PAN        `json:"pan"`
	Expiry     string     `json:"expiry,omitempty"` // YYMM
	Technology Technology `json:"technology,omitempty"`
	Name       string     `json:"card_name,omitempty"`
	Result     Result     `json:"result"`
}

// Payment is the outcome of an Authorization, Reversal or Repeat Receipt.
type Payment struct {
	Approved   bool       `json:"approved"`
	Result     Result     `json:"result"`
	Amount     int64      `json:"amount"` // minor units
	Currency   int        `json:"currency,omitempty"`
	Receipt    int        `json:"receipt,omitempty"` // ZVT BMP 87
	Trace      int        `json:"trace,omitempty"`   // ZVT BMP 0B
	PAN        PAN        `json:"pan"`
	CardName   string     `json:"card_name,omitempty"`
	Technology Technology `json:"technology,omitempty"`
	AuthCode   string     `json:"auth_code,omitempty"`
	Time       time.Time  `json:"time,omitempty"`
}
