package link_test

import (
	"bytes"
	"encoding/hex"
	"errors"
	"io"
	"strings"
	"testing"

	"github.com/posdoctor/posdoctor/terminal/link"
)

func unhex(t testing.TB, s string) []byte {
	t.Helper()
	b, err := hex.DecodeString(strings.ReplaceAll(s, " ", ""))
	if err != nil {
		t.Fatalf("bad hex %q: %v", s, err)
	}
	return b
}

func TestCRC16KermitCheckValue(t *testing.T) {
	t.Parallel()
	// CRC-16/KERMIT check value (research/zvt.md §0.3).
	if got := link.CRC16Kermit([]byte("123456789")); got != 0x2189 {
		t.Fatalf("CRC16Kermit(123456789) = %04X, want 2189", got)
	}
}

// Vectors from research/zvt.md §5.
var frameVectors = []struct {
	name  string
	apdu  string
	frame string
}{
	// V1: PAYONE/Verifone P400 Plus authorization, ACKed by the terminal.
	{"V1 P400 auth", "06 01 07 04 00 00 00 00 01 90", "10 02 06 01 07 04 00 00 00 00 01 90 10 03 76 57"},
	// V2: registration, CRC bytes 24 89 (StephenCleary/HashAlgorithms #1).
	{"V2 registration", "06 00 04 00 00 00 30", "10 02 06 00 04 00 00 00 30 10 03 24 89"},
	// V3: computed and round-tripped through ecrterm's serial stack.
	{"V3 registration", "06 00 04 12 34 56 8E", "10 02 06 00 04 12 34 56 8E 10 03 B6 E0"},
	{"V3 ack", "80 00 00", "10 02 80 00 00 10 03 F5 1F"},
	{"V3 DLE doubled", "06 0F 0A 19 10 29 52 52 35 35 49 09 78", "10 02 06 0F 0A 19 10 10 29 52 52 35 35 49 09 78 10 03 26 92"},
}

func TestAppendFrameVectors(t *testing.T) {
	t.Parallel()
	for _, tt := range frameVectors {
		t.Run(tt.name, func(t *testing.T) {
			got := link.AppendFrame(nil, unhex(t, tt.apdu))
			if want := unhex(t, tt.frame); !bytes.Equal(got, want) {
				t.Fatalf("AppendFrame = % X, want % X", got, want)
			}
		})
	}
}

func TestUnframeVectors(t *testing.T) {
	t.Parallel()
	for _, tt := range frameVectors {
		t.Run(tt.name, func(t *testing.T) {
			frame := unhex(t, tt.frame)
			// trailing bytes after the frame are not consumed
			apdu, n, err := link.Unframe(append(frame, 0x06, 0x10))
			if err != nil {
				t.Fatalf("Unframe: %v", err)
			}
			if n != len(frame) {
				t.Errorf("n = %d, want %d", n, len(frame))
			}
			if want := unhex(t, tt.apdu); !bytes.Equal(apdu, want) {
				t.Errorf("apdu = % X, want % X", apdu, want)
			}
		})
	}
}

func TestUnframeErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		in      string
		wantErr error
		wantMsg string
		wantN   int
	}{
		{"empty", "", io.ErrUnexpectedEOF, "byte 0", 0},
		{"no DLE", "02 06 00", link.ErrFrame, "byte 0: want DLE", 1},
		{"no STX", "10 03 06", link.ErrFrame, "byte 1: want STX", 1},
		{"DLE then junk", "10 02 06 10 41 00", link.ErrFrame, "byte 4: DLE followed by 41", 5},
		{"cut before ETX", "10 02 80 00 00", io.ErrUnexpectedEOF, "cut short", 0},
		{"cut after DLE", "10 02 80 00 00 10", io.ErrUnexpectedEOF, "cut short after DLE", 0},
		{"cut in CRC", "10 02 80 00 00 10 03 F5", io.ErrUnexpectedEOF, "cut short in CRC", 0},
		{"bad CRC", "10 02 80 00 00 10 03 F5 1E", link.ErrFrame, "byte 7: bad CRC: computed F5 1F, received F5 1E", 9},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, n, err := link.Unframe(unhex(t, tt.in))
			if !errors.Is(err, tt.wantErr) {
				t.Fatalf("err = %v, want %v", err, tt.wantErr)
			}
			if !strings.Contains(err.Error(), tt.wantMsg) {
				t.Errorf("err = %q, want it to contain %q", err, tt.wantMsg)
			}
			if n != tt.wantN {
				t.Errorf("n = %d, want %d", n, tt.wantN)
			}
		})
	}
}

func TestUnframeCRCError(t *testing.T) {
	t.Parallel()
	_, _, err := link.Unframe(unhex(t, "10 02 06 01 07 04 00 00 00 00 01 90 10 03 76 58"))
	var ce *link.CRCError
	if !errors.As(err, &ce) {
		t.Fatalf("err = %v, want *CRCError", err)
	}
	if ce.Want != 0x5776 || ce.Got != 0x5876 {
		t.Errorf("CRCError{Want: %04X, Got: %04X}, want {5776, 5876}", ce.Want, ce.Got)
	}
}

func TestFrameRoundTrip(t *testing.T) {
	t.Parallel()
	for _, apdu := range [][]byte{{}, {0x10}, {0x10, 0x10, 0x03, 0x10, 0x02}, bytes.Repeat([]byte{0x10}, 300)} {
		f := link.AppendFrame(nil, apdu)
		got, n, err := link.Unframe(f)
		if err != nil || n != len(f) || !bytes.Equal(got, apdu) {
			t.Errorf("round trip % X: got % X, n %d, err %v", apdu, got, n, err)
		}
	}
}

func FuzzDeframeSerial(f *testing.F) {
	for _, v := range frameVectors {
		f.Add(unhex(f, v.frame))
	}
	f.Add([]byte{0x10, 0x02, 0x10})
	serial, raw := vectorSeeds(f, true)
	for _, b := range append(serial, raw...) {
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		apdu, n, err := link.Unframe(b)
		if n < 0 || n > len(b) {
			t.Fatalf("n = %d out of range 0..%d", n, len(b))
		}
		if err != nil {
			return
		}
		// Oracle: re-framing gives back exactly the bytes consumed.
		if re := link.AppendFrame(nil, apdu); !bytes.Equal(re, b[:n]) {
			t.Fatalf("reframe = % X, want % X", re, b[:n])
		}
	})
}
