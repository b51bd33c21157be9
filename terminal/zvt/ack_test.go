package zvt_test

import (
	"bytes"
	"testing"

	"github.com/posdoctor/posdoctor/terminal/zvt"
)

func TestAckAndNack(t *testing.T) {
	t.Parallel()
	// 80 00 with a MsgSeqId TLV (research/zvt.md §2.1).
	apdu := unhex(t, "80 00 08 06 06 1F 73 03 00 00 01")
	m, err := zvt.DecodePT(apdu, zvt.CmdAuthorization)
	if err != nil {
		t.Fatal(err)
	}
	ack := m.(*zvt.Ack)
	if v, _ := ack.Fields.TLVValue(zvt.TagMsgSeqID); !bytes.Equal(v, []byte{0, 0, 1}) {
		t.Errorf("1F73 % X", v)
	}
	roundTrip(t, ack, apdu)

	for _, tt := range []struct {
		in       string
		code     byte
		positive bool
		data     []byte
	}{
		{"84 83 00", 0x83, false, nil},                      // function not possible: unknown command
		{"84 00 00", 0x00, true, nil},                       // 84 00 counts as positive
		{"84 9D 03 04 00 01", 0x9D, false, []byte{4, 0, 1}}, // data kept raw
	} {
		m, err := zvt.DecodeECR(unhex(t, tt.in))
		if err != nil {
			t.Fatal(err)
		}
		n := m.(*zvt.Nack)
		if n.Code != tt.code || n.Positive() != tt.positive || !bytes.Equal(n.Data, tt.data) || n.Command() != zvt.Command(0x8400|uint16(tt.code)) {
			t.Errorf("%s: %+v", tt.in, n)
		}
		roundTrip(t, n, unhex(t, tt.in))
	}
}
