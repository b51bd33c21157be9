package terminal

import "testing"

func TestScrubString(t *testing.T) {
	cases := []struct{ in, want string }{
		{"PAN 6228480012345678 ok", "PAN 622848******5678 ok"},
		{"card 6228 4800 1234 5678.", "card 6228 48** **** 5678."},
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
	f.Fuzz(func(t *testing.T, b []byte) {
		out := ScrubPAN(append([]byte(nil), b...))
		if len(out) != len(b) {
			t.Fatalf("length %d → %d", len(b), len(out))
		}
		run := 0
		for i := 0; i <= len(out); i++ {
			if i < len(out) && out[i] >= '0' && out[i] <= '9' {
				run++
				continue
			}
			if run >= 13 && run <= 19 {
				t.Fatalf("a %d-digit run is left in %q", run, out)
			}
			run = 0
		}
	})
}
