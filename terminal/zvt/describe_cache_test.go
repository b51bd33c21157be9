package zvt

import "testing"

// Describe keeps the descriptions of short APDUs; a kept one is the same as
// a fresh one, for each open command and charset.
func TestDescribeCachedSame(t *testing.T) {
	apdus := [][]byte{
		{0x80, 0x00, 0x00},
		{0x84, 0x83, 0x00},
		{0x04, 0xFF, 0x01, 0x0A},
		{0x06, 0x0F, 0x00},
		{0x06, 0x1E, 0x01, 0x6C},
		{0x06, 0x0F, 0x00, 0x00}, // malformed: length says 0, one byte more
	}
	for _, a := range apdus {
		for _, open := range []Command{0, CmdStatusEnquiry, CmdAuthorization} {
			for _, cs := range []Charset{CP437, ISO88591} {
				ws, wd := describe(a, open, cs)
				for range 2 {
					s, d := Describe(a, open, cs)
					if s != ws || d != wd {
						t.Fatalf("Describe(% X, %v, %v) = %q, %q; want %q, %q", a, open, cs, s, d, ws, wd)
					}
				}
			}
		}
	}
	// Two APDUs with a common prefix are told apart.
	s1, _ := Describe([]byte{0x84, 0x83, 0x00}, 0, CP437)
	s2, _ := Describe([]byte{0x84, 0x9C, 0x00}, 0, CP437)
	if s1 == s2 {
		t.Fatalf("84 83 and 84 9C share the summary %q", s1)
	}
}
