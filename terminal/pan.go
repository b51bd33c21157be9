package terminal

import (
	"encoding/json"
	"strings"
)

// PAN is a primary account number, masked on construction: it keeps at most
// the first six and the last four digits and stars the rest. There is no way
// to get the full number back, so no caller can leak it.
type PAN struct{ masked string }

// NewPAN masks digits (which may already contain masked positions) and
// returns the PAN. Characters other than digits are treated as masked.
func NewPAN(digits string) PAN {
	if digits == "" {
		return PAN{}
	}
	b := []byte(digits)
	for i := range b {
		keep := i < 6 && len(b) > 10 || i >= len(b)-4
		if !keep || b[i] < '0' || b[i] > '9' {
			b[i] = '*'
		}
	}
	return PAN{masked: string(b)}
}

// String returns the masked PAN, e.g. 622848******1234.
func (p PAN) String() string { return p.masked }

// IsZero reports whether no PAN is known.
func (p PAN) IsZero() bool { return p.masked == "" }

// Last4 returns the last four digits, or "" when not known.
func (p PAN) Last4() string {
	if len(p.masked) < 4 {
		return ""
	}
	return strings.TrimLeft(p.masked[len(p.masked)-4:], "*")
}

// MarshalJSON writes the masked PAN.
func (p PAN) MarshalJSON() ([]byte, error) { return json.Marshal(p.masked) }

// UnmarshalJSON reads a PAN and masks it again, so a full PAN in a file never
// survives being read.
func (p *PAN) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return err
	}
	*p = NewPAN(s)
	return nil
}
