package zvt_test

import (
	"testing"

	"github.com/posdoctor/posdoctor/terminal/zvt"
)

func TestPrintLine(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		in   string
		text string
		last bool
		tlv  bool
	}{
		{"06 D1 04 00 41 42 43", "ABC", false, false},
		{"06 D1 03 81 4F 4B", "OK", true, false},
		{"06 D1 01 80", "", false, false},
		{"06 D1 04 00 06 00 41", "\x06\x00A", false, false}, // a 06 that is not a trailing TLV stays text
	} {
		var pl zvt.PrintLine
		if err := pl.Decode(unhex(t, tt.in)); err != nil {
			t.Fatal(err)
		}
		if string(pl.Text) != tt.text || pl.Last() != tt.last || (pl.TLV != nil) != tt.tlv {
			t.Errorf("%s: %+v last %v", tt.in, pl, pl.Last())
		}
		roundTrip(t, &pl, unhex(t, tt.in))
	}
}

func TestPrintTextBlockLines(t *testing.T) {
	t.Parallel()
	in := unhex(t, "06 D3 10 06 0E 1F 07 01 02 25 08 07 01 41 07 00 09 01 FF")
	var tb zvt.PrintTextBlock
	if err := tb.Decode(in); err != nil {
		t.Fatal(err)
	}
	if lines := tb.Lines(zvt.CP437); len(lines) != 2 || lines[0] != "A" || lines[1] != "" {
		t.Errorf("lines %q", lines)
	}
	if rt, ok := tb.ReceiptType(); !ok || rt != 2 {
		t.Errorf("receipt type %d %v", rt, ok)
	}
	built, err := zvt.NewPrintTextBlock(2, []string{"A", ""}, zvt.CP437)
	if err != nil {
		t.Fatal(err)
	}
	roundTrip(t, built, in)
}
