package zvt

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
)

// scrubPAN is the test card number, as BCD (BMP 22 without its length) and
// as ASCII digits.
var (
	scrubPANBCD   = []byte{0x62, 0x28, 0x48, 0x00, 0x12, 0x34, 0x56, 0x71}
	scrubPANASCII = "6228480012345671"
)

// scrubLeaks reports whether s shows the full test PAN as digits or as a
// hex dump of its BCD or ASCII bytes.
func scrubLeaks(s string) bool {
	return strings.Contains(s, scrubPANASCII) || strings.Contains(s, Hex(scrubPANBCD)) ||
		strings.Contains(s, Hex([]byte(scrubPANASCII))) || strings.Contains(s, "D2 81 22 01")
}

func TestMaskCatchesCardDataOutsideKnownFields(t *testing.T) {
	bmp22 := append([]byte{0x22, 0xF1, 0xF6}, scrubPANBCD...)
	apdu := func(class, instr byte, data ...byte) []byte {
		b, err := AppendAPDU(nil, class, instr, data)
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	cat := func(parts ...[]byte) []byte {
		var out []byte
		for _, p := range parts {
			out = append(out, p...)
		}
		return out
	}
	tlv5A := cat([]byte{0x06, 0x0A, 0x5A, 0x08}, scrubPANBCD)
	// EMV 57 track 2 equivalent: PAN D expiry service code, F-padded.
	track2 := cat(scrubPANBCD, []byte{0xD2, 0x81, 0x22, 0x01, 0x2F})
	tlv57 := cat([]byte{0x06, byte(2 + len(track2)), 0x57, byte(len(track2))}, track2)
	text := []byte("PAN " + scrubPANASCII)
	tlvText := cat([]byte{0x06, byte(3 + len(text)), 0x1F, 0x17, byte(len(text))}, text)
	cases := map[string][]byte{
		"BMP 22 after an unknown BMP":   apdu(0x04, 0x0F, cat([]byte{0x27, 0x00, 0x9B}, bmp22)...),
		"BMP 22 in an unknown command":  apdu(0x06, 0x77, bmp22...),
		"BMP 22 in a truncated APDU":    cat([]byte{0x04, 0x0F, 0x20, 0x27, 0x00}, bmp22),
		"PAN in an unknown TLV tag":     apdu(0x04, 0x0F, tlv5A...),
		"EMV track 2 in TLV 57":         apdu(0x04, 0x0F, tlv57...),
		"full PAN on a receipt line":    apdu(0x06, 0xD1, cat([]byte{0x00}, text)...),
		"full PAN in a host text (TLV)": apdu(0x04, 0x0F, tlvText...),
		"full PAN in BMP 3C text":       apdu(0x04, 0x0F, cat([]byte{0x3C, 0xF0, 0xF2, 0xF0}, text)...),
		"PAN in a Nack's data":          apdu(0x84, 0x9C, scrubPANBCD...),
	}
	for name, b := range cases {
		t.Run(name, func(t *testing.T) {
			if m := Hex(Mask(b)); scrubLeaks(m) {
				t.Errorf("Mask = %s: shows the full PAN", m)
			}
			sum, detail := Describe(b, 0, CP437)
			if scrubLeaks(sum) || scrubLeaks(detail) {
				t.Errorf("Describe = %q, %q: shows the full PAN", sum, detail)
			}
			view, _ := Explain(b, ViewOptions{})
			js, err := json.Marshal(view)
			if err != nil {
				t.Fatal(err)
			}
			if scrubLeaks(string(js)) {
				t.Errorf("Explain = %s: shows the full PAN", js)
			}
			if m, err := DecodeMessage(b, 0); err == nil {
				js, err := json.Marshal(m)
				if err != nil {
					t.Fatal(err)
				}
				if scrubLeaks(string(js)) {
					t.Errorf("MarshalJSON = %s: shows the full PAN", js)
				}
			}
		})
	}
	// --unmask is for a technician's own terminal and still shows it all.
	view, err := Explain(cases["full PAN on a receipt line"], ViewOptions{Unmask: true})
	if err != nil {
		t.Fatal(err)
	}
	if js, _ := json.Marshal(view); !scrubLeaks(string(js)) {
		t.Errorf("Explain with Unmask = %s: want the full text", js)
	}
}

func TestFieldsStringAndJSONMaskAFullPANInText(t *testing.T) {
	b, err := AppendAPDU(nil, 0x04, 0x0F, append([]byte{0x3C, 0xF0, 0xF2, 0xF0}, "PAN "+scrubPANASCII...))
	if err != nil {
		t.Fatal(err)
	}
	var si StatusInfo
	if err := si.Decode(b); err != nil {
		t.Fatal(err)
	}
	fd, _ := si.Fields.Get(BMPText)
	fj, _ := json.Marshal(fd)
	fsj, _ := json.Marshal(si.Fields)
	for name, out := range map[string]string{
		"Field.String": fd.String(), "Field JSON": string(fj), "Fields.String": si.Fields.String(),
		"Fields JSON": string(fsj), "%v": fmt.Sprintf("%v", si),
	} {
		if scrubLeaks(out) || !strings.Contains(out, "622848******5671") {
			t.Errorf("%s = %s: want the PAN masked", name, out)
		}
	}
}

func TestNotProtocolErrorMasksCardData(t *testing.T) {
	// A card number stands alone between non-digit bytes (":" is not BCD;
	// issue 12: digits run together with others are not taken for one).
	err := &notProtocolError{b: append([]byte("xx:"), scrubPANBCD...)}
	if scrubLeaks(err.Error()) {
		t.Errorf("error %q shows the full PAN", err)
	}
}

func TestMaskLeavesShortNumbersAlone(t *testing.T) {
	// A Completion with amount, trace, time, date: no run of 7 BCD bytes,
	// nothing changes.
	b := []byte{0x06, 0x0F, 0x10, 0x04, 0x00, 0x00, 0x00, 0x00, 0x25, 0x00, 0x0B, 0x00, 0x01, 0x23, 0x0C, 0x12, 0x34, 0x56, 0x9B}
	if got := Mask(b); Hex(got) != Hex(b) {
		t.Errorf("Mask = %s, want %s unchanged", Hex(got), Hex(b))
	}
}
