package zvt_test

import (
	"errors"
	"testing"

	"github.com/posdoctor/posdoctor/terminal/zvt"
)

// TestStatusCompletionF0Trap covers research/zvt.md §4.3: with the version
// suppressed (service byte bit 02) a terminal status of F0 or F6 looks like
// the start of an LLLVAR; the service byte decides.
func TestStatusCompletionF0Trap(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name        string
		in          string
		service     byte
		wantVersion string
		hasVersion  bool
		wantStatus  byte
		wantTLV     bool
		wantErr     error
	}{
		{"version and status", "06 0F 07 F0 F0 F3 62 6C 61 00", 0, "bla", true, 0x00, false, nil},
		{"no version asked, status F0", "06 0F 01 F0", zvt.ServiceNoVersion, "", false, 0xF0, false, nil},
		{"no version asked, status F6 and TLV", "06 0F 07 F6 06 04 1F 43 01 02", zvt.ServiceNoVersion | zvt.ServiceSendTLV, "", false, 0xF6, true, nil},
		{"version expected, lone status 51", "06 0F 01 51", 0, "", false, 0x51, false, nil},
		{"version expected, status F0 then TLV", "06 0F 03 F0 06 00", 0, "", false, 0xF0, true, nil},
		{"version and status F0", "06 0F 05 F0 F0 F1 41 F0", 0, "A", true, 0xF0, false, nil},
		{"status missing", "06 0F 03 F0 F0 F0", 0, "", false, 0, false, zvt.ErrShort},
		{"version longer than data", "06 0F 05 F0 F0 F9 41 00", 0, "", false, 0, false, zvt.ErrShort},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c, err := zvt.DecodeStatusCompletion(unhex(t, tt.in), tt.service)
			if tt.wantErr != nil {
				if !errors.Is(err, tt.wantErr) {
					t.Fatalf("err = %v, want %v", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if c.HasVersion != tt.hasVersion || string(c.Version) != tt.wantVersion || c.TerminalStatus != tt.wantStatus {
				t.Fatalf("version %v %q status %02X; want %v %q %02X", c.HasVersion, c.Version, c.TerminalStatus, tt.hasVersion, tt.wantVersion, tt.wantStatus)
			}
			if _, ok := c.Fields.TLV(); ok != tt.wantTLV {
				t.Errorf("TLV present %v, want %v", ok, tt.wantTLV)
			}
			roundTrip(t, c, unhex(t, tt.in))
		})
	}
}

func TestCompletionForms(t *testing.T) {
	t.Parallel()
	// Empty completion after a payment.
	c, err := zvt.DecodeCompletion(zvt.CmdAuthorization, unhex(t, "06 0F 00"))
	if err != nil || len(c.Fields.List) != 0 || c.StatusForm() {
		t.Fatalf("06 0F 00: %+v %v", c, err)
	}
	// DecodePT passes open through.
	m, err := zvt.DecodePT(unhex(t, "06 0F 01 51"), zvt.CmdStatusEnquiry)
	if err != nil {
		t.Fatal(err)
	}
	if sc := m.(*zvt.Completion); sc.TerminalStatus != 0x51 || zvt.TerminalStatusText(sc.TerminalStatus) != "initialisation required" {
		t.Errorf("status %02X", sc.TerminalStatus)
	}
	// The same bytes after a Registration are BMPs: 51 is unknown, kept raw.
	m, err = zvt.DecodePT(unhex(t, "06 0F 01 51"), zvt.CmdRegistration)
	if err != nil {
		t.Fatal(err)
	}
	if c := m.(*zvt.Completion); len(c.Fields.Rest) != 1 {
		t.Errorf("rest % X, want 51", c.Fields.Rest)
	}
}
