package terminal

import "testing"

func TestScrubString(t *testing.T) {
	cases := []struct{ in, want string }{
		{"PAN 6228480012345671 ok", "PAN 622848******5671 ok"},
		{"card 6228 4800 1234 5671.", "card 6228 48** **** 5671."},
		// Not a card number: the Luhn check fails (issue 12: a digest, a
		// reference or a serial number stays readable).
		{"ref 6228480012345678 ok", "ref 6228480012345678 ok"},
		{"sha 3f56a32065cc4dbe8330c37609f919964 1234567890123456", "sha 3f56a32065cc4dbe8330c37609f919964 1234567890123456"},
		{`"uboot_git_revision":"86b7b8362ba720a54abf87975294068522f1ab06"`, `"uboot_git_revision":"86b7b8362ba720a54abf87975294068522f1ab06"`},
		{"hex 87975294068522 word", "hex 879752****8522 word"}, // the same Luhn-valid run alone is masked
		{"amount 12.95 EUR, receipt 0491, 2023-04-14", "amount 12.95 EUR, receipt 0491, 2023-04-14"},
		{"4000-0000-0000-0002", "4000-00**-****-0002"},
		{"AMEX 3782 822463 10005", "AMEX 3782 82**** *0005"},
		{"DINERS 3056 930902 5904", "DINERS 3056 93**** 5904"},
		{"2026-11-21 17:48", "2026-11-21 17:48"},
		{"62 28 48 00 12 34 56 78", "62 28 48 00 12 34 56 78"}, // a hex dump
		{"receipt 123456789012 trace 1234", "receipt 123456789012 trace 1234"},
		{"20-digit 12345678901234567890", "20-digit 12345678901234567890"},
	}
	for _, c := range cases {
		if got := ScrubString(c.in); got != c.want {
			t.Errorf("ScrubString(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

func FuzzScrubPAN(f *testing.F) {
	f.Add([]byte("pan 6228480000000001016 and 6228 4800 0000 0001 016"))
	f.Add([]byte("62 28 48 00 00 00 00 01 01 6F"))
	f.Add([]byte("4000-0000-0000-0002x1234567890123"))
	f.Add([]byte("cafecafe5a0862240000000001016cafecafecafecafe"))
	f.Fuzz(func(t *testing.T, b []byte) {
		out := ScrubPAN(append([]byte(nil), b...))
		if len(out) != len(b) {
			t.Fatalf("length %d → %d", len(b), len(out))
		}
		if msg := LeftCardNumber(b, out); msg != "" {
			t.Fatalf("%s in %q", msg, out)
		}
	})
}

func TestLuhn(t *testing.T) {
	for _, c := range []struct {
		in   string
		want bool
	}{
		{"4000000000000002", true}, {"378282246310005", true}, {"6228480000000001016", true},
		{"6228480012345678", false}, {"1234567890123", false}, {"", false}, {"4000 0000", false},
	} {
		if got := Luhn([]byte(c.in)); got != c.want {
			t.Errorf("Luhn(%q) = %v, want %v", c.in, got, c.want)
		}
	}
	if !LuhnNibbles([]byte{0x40, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x02}, 16) || LuhnNibbles([]byte{0x62, 0x28, 0x48, 0x00, 0x12, 0x34, 0x56, 0x78}, 16) {
		t.Error("LuhnNibbles disagrees with Luhn")
	}
	if !LuhnNibbles([]byte{0x37, 0x82, 0x82, 0x24, 0x63, 0x10, 0x00, 0x5F}, 15) {
		t.Error("LuhnNibbles of an F-padded 15-digit PAN")
	}
}

// A raw hex message pasted into a log carries its PAN as plain digits inside
// a long hex word: that PAN is masked; a git revision's digit run that cannot
// begin a card number (8…) stays readable (fuzz crasher b784553ae29e3235).
func TestScrubPANInsideHexWord(t *testing.T) {
	t.Parallel()
	for _, c := range []struct{ in, want string }{
		{"cafecafe62240000000001016cafecafecafecafe", "cafecafe622400*******1016cafecafecafecafe"},
		{"86b7b8362ba720a54abf87975294068522f1ab06", "86b7b8362ba720a54abf87975294068522f1ab06"},
		// The run begins at EMV 5A's length byte 08, before the PAN.
		{"cafecafe5a0862240000000001016cafecafecafecafe", "cafecafe5a08622400*******1016cafecafecafecafe"},
		{"9f1a0276005a0862240000000001016f5f2403301231", "9f1a0276005a08622400*******1016f5f2403301231"},
		// Two runs of one digest: masking the first must not make the second
		// look like it stands alone (fuzz crasher 26deb54af0ea1232).
		{"240000000000000A1240000000001016", "240000*****0000A1240000*****1016"},
	} {
		if got := string(ScrubPAN([]byte(c.in))); got != c.want {
			t.Errorf("ScrubPAN(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}
