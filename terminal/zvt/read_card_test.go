package zvt_test

import (
	"bytes"
	"testing"

	"github.com/posdoctor/posdoctor/terminal/zvt"
)

// TestReadCardV11 decodes the Read Card request of research/zvt.md §5 V11.
func TestReadCardV11(t *testing.T) {
	t.Parallel()
	apdu := unhex(t, "06 C0 0F 0F 19 10 FC 02 06 08 1F 15 01 D0 1F 60 01 07")
	m, err := zvt.DecodeECR(apdu)
	if err != nil {
		t.Fatal(err)
	}
	rc := m.(*zvt.ReadCard)
	if !rc.HasTimeout || rc.Timeout != 15 {
		t.Errorf("timeout %v %d, want 15 s", rc.HasTimeout, rc.Timeout)
	}
	if ct, _ := rc.Fields.StatusByte(); ct != 0x10 {
		t.Errorf("card type %02X, want 10", ct)
	}
	if dc, _ := rc.Fields.Byte(zvt.BMPDialogControl); dc != 0x02 {
		t.Errorf("dialog control %02X, want 02", dc)
	}
	if v, _ := rc.Fields.TLVValue(0x1F15); !bytes.Equal(v, []byte{0xD0}) {
		t.Errorf("1F15 % X, want D0", v)
	}
	if v, _ := rc.Fields.TLVValue(0x1F60); !bytes.Equal(v, []byte{0x07}) {
		t.Errorf("1F60 % X, want 07", v)
	}
	roundTrip(t, rc, apdu)

	var empty zvt.ReadCard
	if err := empty.Decode(unhex(t, "06 C0 00")); err != nil || empty.HasTimeout {
		t.Errorf("06 C0 00: %+v %v", empty, err)
	}
	roundTrip(t, &empty, unhex(t, "06 C0 00"))
}
