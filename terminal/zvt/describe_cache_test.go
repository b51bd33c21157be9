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
		// Status Enquiry with its password, which Mask hides.
		{0x05, 0x01, 0x03, 0x12, 0x34, 0x56},
	}
	for _, a := range apdus {
		for _, open := range []Command{0, CmdStatusEnquiry, CmdAuthorization} {
			for _, cs := range []Charset{CP437, ISO88591} {
				ws, wd := describe(a, open, cs)
				wh := Hex(Mask(a))
				for range 2 {
					s, d := Describe(a, open, cs)
					if s != ws || d != wd {
						t.Fatalf("Describe(% X, %v, %v) = %q, %q; want %q, %q", a, open, cs, s, d, ws, wd)
					}
					h, s, d := describeFrame(a, open, cs)
					if h != wh || s != ws || d != wd {
						t.Fatalf("describeFrame(% X, %v, %v) = %q, %q, %q; want %q, %q, %q", a, open, cs, h, s, d, wh, ws, wd)
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

// An APDU with card data or a password is described but never kept.
func TestDescribeCacheKeepsNoCardData(t *testing.T) {
	status := []byte{0x05, 0x01, 0x03, 0x12, 0x34, 0x56} // password 123456
	ack := []byte{0x80, 0x00, 0x00}
	Describe(status, 0, CP437)
	Describe(ack, 0, CP437)
	m := describeCache.m.Load()
	if m == nil {
		t.Fatal("nothing was kept")
	}
	for k := range *m {
		if k.n == uint8(len(status)) && [6]byte(k.b[:6]) == [6]byte(status) {
			t.Fatalf("the cache holds % X, which carries a password", status)
		}
	}
	k := describeKey{n: uint8(len(ack))}
	copy(k.b[:], ack)
	if _, ok := (*m)[k]; !ok {
		t.Fatalf("80 00 00 was not kept")
	}
}

// describeFrame's hex is Hex(Mask(apdu)) for long APDUs too, whatever the
// open command (Explain masks a Status Enquiry's Completion by its form).
func TestDescribeFrameHexIsMask(t *testing.T) {
	apdus := [][]byte{
		// Status Information with a PAN (BMP 22) that Mask hides.
		{0x04, 0x0F, 0x10, 0x27, 0x00, 0x22, 0xF0, 0xF8, 0x55, 0x98, 0x83, 0x12, 0x34, 0x56, 0x80, 0x74, 0x87, 0x00, 0x31},
		// Completion of a Status Enquiry: software version, status byte.
		{0x06, 0x0F, 0x07, 0xF0, 0xF0, 0xF3, 0x62, 0x6C, 0x61, 0x00},
	}
	for _, a := range apdus {
		for _, open := range []Command{0, CmdStatusEnquiry, CmdAuthorization} {
			ws, wd := describe(a, open, CP437)
			h, s, d := describeFrame(a, open, CP437)
			if want := Hex(Mask(a)); h != want || s != ws || d != wd {
				t.Fatalf("describeFrame(% X, %v) = %q, %q, %q; want %q, %q, %q", a, open, h, s, d, want, ws, wd)
			}
		}
	}
}
