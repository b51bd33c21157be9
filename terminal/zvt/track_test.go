package zvt

import (
	"strings"
	"testing"
)

func TestTrackCard(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		id        byte
		in        []byte
		pan, exp  string
		wantFound bool
	}{
		// research/zvt.md §5 V11 (Feig Read Card): 19-digit PAN, D, YYMM 2412, service 201, F pad.
		{"BCD track 2, V11", BMPTrack2, []byte{0x67, 0x25, 0x90, 0x44, 0x11, 0x00, 0x10, 0x00, 0x14, 0x2D, 0x24, 0x12, 0x20, 0x12, 0x38, 0x60, 0x13, 0x86, 0x0F}, "672590*********0142", "2412", true},
		{"BCD track 2, E-masked", BMPTrack2, []byte{0x62, 0x28, 0x48, 0xEE, 0xEE, 0xEE, 0x10, 0x16, 0xD3, 0x01, 0x2F}, "622848******1016", "3012", true},
		{"ASCII track 2", BMPTrack2, []byte(";4000000000000002=25121010000?"), "400000******0002", "2512", true},
		{"track 1", BMPTrack1, []byte("%B4000000000000002^DOE/JOHN^2512101000000?"), "400000******0002", "2512", true},
		{"track 2 without separator", BMPTrack2, []byte{0x67, 0x25, 0x90, 0x44}, "", "", false},
		{"empty", BMPTrack2, nil, "", "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c, ok := TrackCard(tt.id, tt.in)
			if ok != tt.wantFound || c.PAN.String() != tt.pan || c.Expiry != tt.exp {
				t.Errorf("TrackCard = %q %q %v, want %q %q %v", c.PAN, c.Expiry, ok, tt.pan, tt.exp, tt.wantFound)
			}
		})
	}
}

func TestCardOfTrack2Only(t *testing.T) {
	t.Parallel()
	var f Fields
	f.Set(BMPResultCode, []byte{0})
	f.Set(BMPTrack2, []byte{0x67, 0x25, 0x90, 0x44, 0x11, 0x00, 0x10, 0x00, 0x14, 0x2D, 0x24, 0x12, 0x20, 0x12, 0x38, 0x60, 0x13, 0x86, 0x0F})
	c := CardOf(f)
	if c.PAN.String() != "672590*********0142" || c.Expiry != "2412" || ExpiryMMYY(c.Expiry) != "12/24" {
		t.Errorf("CardOf = %q %q", c.PAN, c.Expiry)
	}
}

func TestAIDName(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct{ hex, want string }{
		{"A0 00 00 03 59 10 10 02 80 01", "girocard"},
		{"A0 00 00 00 04 30 60", "Maestro"},
		{"A0 00 00 00 04 10 10", "Mastercard"},
		{"A0 00 00 00 03 10 10", "Visa"},
		{"A0 00 00 03 33 01 01 01", "UnionPay debit"},
		{"A0 00 00 03 33 01 01 02", "UnionPay credit"},
		{"A0 00 00 03 33 01 01 03", "UnionPay quasi-credit"},
		{"A0 00 00 00 04 99 99", "Mastercard"}, // an unknown product of a known RID
		{"A0 00 00 09 99 10 10", ""},
		{"A0", ""},
	} {
		b, _ := ParseHex(tt.hex)
		if got := AIDName(b); got != tt.want {
			t.Errorf("AIDName(%s) = %q, want %q", tt.hex, got, tt.want)
		}
	}
}

// TestMaskKeepsNumbersThatAreNotCards is the other side of
// TestMaskCatchesCardDataOutsideKnownFields (issue 12): in a command this
// package does not know, amounts, receipt numbers, dates, serial numbers and
// hex digests stay readable; only a Luhn-valid card number is masked.
func TestMaskKeepsNumbersThatAreNotCards(t *testing.T) {
	t.Parallel()
	apdu := func(data ...byte) []byte {
		b, err := AppendAPDU(nil, 0x06, 0x77, data) // 06 77: not a command of this package
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	keep := map[string][]byte{
		"amount 12.95 and receipt 0491":   apdu(0x19, 0x40, 0x87, 0x04, 0x91, 0x49, 0x09, 0x78, 0x04, 0x00, 0x00, 0x00, 0x00, 0x12, 0x95),
		"date, time, trace, TID":          apdu(0xAA, 0x23, 0x04, 0x14, 0x0C, 0x15, 0x38, 0x05, 0x0B, 0x00, 0x09, 0x75, 0x29, 0x52, 0x52, 0x35, 0x35),
		"serial number as text":           apdu([]byte("Terminal Serien-Nr.: 17F59B1F 1234567890123")...),
		"SHA-256 digest as text":          apdu([]byte(`"uboot_sha256":"a3bb6ec8d72064c98de7013c7a2bcb047e15a757c890ea65037632c0aa2cec04"`)...),
		"git revision with a Luhn run":    apdu([]byte(`86b7b8362ba720a54abf87975294068522f1ab06`)...),
		"16 BCD digits that fail Luhn":    apdu(0x62, 0x28, 0x48, 0x00, 0x12, 0x34, 0x56, 0x78),
		"a long run of zeros and amounts": apdu(0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x02, 0x00, 0x00, 0x00, 0x00, 0x09, 0x58),
	}
	for name, b := range keep {
		if got := Mask(b); string(got) != string(b) {
			t.Errorf("%s: Mask = %s, want it unchanged (%s)", name, Hex(got), Hex(b))
		}
	}
	// And a card number in the same place, in the shapes card data has, is masked.
	pan := []byte{0x62, 0x28, 0x48, 0x00, 0x12, 0x34, 0x56, 0x71}
	for name, b := range map[string][]byte{
		"LLVAR":     apdu(append([]byte{0x19, 0x40, 0x22, 0xF0, 0xF8}, append(pan, 0x49, 0x09, 0x78)...)...),
		"EMV 5A":    apdu(append([]byte{0x5A, 0x08}, pan...)...),
		"alone":     apdu(append([]byte{0xFF}, append(pan, 0xFF)...)...),
		"track 2":   apdu(append([]byte{0x19, 0x40}, append(pan, 0xD2, 0x41, 0x22, 0x01, 0x23, 0x4F)...)...),
		"in a Nack": append([]byte{0x84, 0x9C, 0x08}, pan...),
		"truncated": append([]byte{0x04, 0x0F, 0x40, 0x22, 0xF0, 0xF8}, pan...),
	} {
		got := Hex(Mask(b))
		if !strings.Contains(got, "62 28 48 EE EE EE 56 71") {
			t.Errorf("%s: Mask = %s: want the PAN 6228480012345671 masked to its first 6 and last 4", name, got)
		}
		if name == "track 2" && !strings.Contains(got, "71 DE EE EE EE EE EF") {
			t.Errorf("%s: Mask = %s: want the track after the separator masked", name, got)
		}
	}
}
