package terminal

import "testing"

func TestScrubString(t *testing.T) {
	cases := []struct{ in, want string }{
		{"PAN 6228480012345678 ok", "PAN 622848******5678 ok"},
		{"card 6228 4800 1234 5678.", "card 6228 48** **** 5678."},
		{"4000-0000-0000-0002", "4000-00**-****-0002"},
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
