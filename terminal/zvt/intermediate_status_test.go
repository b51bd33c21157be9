package zvt_test

import (
	"testing"

	"github.com/posdoctor/posdoctor/terminal/zvt"
)

func TestIntermediateStatusForms(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		in      string
		code    byte
		timeout int
		has     bool
		text    string
	}{
		{"04 FF 01 0A", 0x0A, 0, false, "insert card"},
		{"04 FF 02 0E 05", 0x0E, 5, true, "please wait"},
		{"04 FF 01 4C", 0x4C, 0, false, "card not readable, please remove card"},
		{"04 FF 01 A2", 0xA2, 0, false, "cancellation successful (Ingenico)"},
		{"04 FF 01 77", 0x77, 0, false, "unknown (0x77)"},
	} {
		m, err := zvt.DecodePT(unhex(t, tt.in), zvt.CmdAuthorization)
		if err != nil {
			t.Fatalf("%s: %v", tt.in, err)
		}
		is := m.(*zvt.IntermediateStatus)
		if is.Code != tt.code || is.HasTimeout != tt.has || is.Timeout != tt.timeout || is.Text(zvt.CP437) != tt.text {
			t.Errorf("%s: %+v text %q", tt.in, is, is.Text(zvt.CP437))
		}
		roundTrip(t, is, unhex(t, tt.in))
	}
	// The T4 byte is BCD: 1A is not minutes.
	if _, err := zvt.DecodePT(unhex(t, "04 FF 02 0A 1A"), zvt.CmdAuthorization); err == nil {
		t.Errorf("T4 byte 1A accepted")
	}
}
