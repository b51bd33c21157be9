package zvt_test

import (
	"bytes"
	"testing"

	"github.com/posdoctor/posdoctor/terminal/zvt"
)

// TestRegistrationCardComplete decodes the Registration card complete
// recommends (research/zvt.md §3): the currency 09 78 has no BMP tag.
func TestRegistrationCardComplete(t *testing.T) {
	t.Parallel()
	apdu := unhex(t, "06 00 0E 12 34 56 8E 09 78 06 06 26 04 0A 02 06 D3")
	var r zvt.Registration
	if err := r.Decode(apdu); err != nil {
		t.Fatal(err)
	}
	if r.Password != "123456" || r.Config != 0x8E || r.Currency != 978 {
		t.Errorf("%+v", r)
	}
	if r.Config&zvt.ConfigECRPrintType == 0 || r.Config&zvt.ConfigIntermediateStatus == 0 {
		t.Errorf("config bits %08b", r.Config)
	}
	if v, _ := r.Fields.TLVValue(zvt.TagZVTCommand); !bytes.Equal(v, []byte{0x06, 0xD3}) {
		t.Errorf("26/0A % X", v)
	}
	roundTrip(t, &r, apdu)

	// TLV support without other data: 06 00 after the currency.
	r2 := zvt.Registration{Password: "000000", Config: zvt.ConfigIntermediateStatus, Currency: 978}
	r2.Fields.SetTLV(nil)
	b, err := r2.Encode(nil)
	if err != nil || zvt.Hex(b) != "06 00 08 00 00 00 08 09 78 06 00" {
		t.Fatalf("encode %s %v", zvt.Hex(b), err)
	}
	var lo zvt.LogOff
	roundTrip(t, &lo, unhex(t, "06 02 00"))
}
