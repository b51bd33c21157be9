package zvt_test

import (
	"bytes"
	"fmt"
	"io/fs"
	"testing"

	"github.com/posdoctor/posdoctor/fixtures"
	"github.com/posdoctor/posdoctor/terminal/zvt"
)

// parseHexWhole is ParseHex as it was before HexReader (one pass over the
// whole text): the reference the streamed reader must equal.
func parseHexWhole(s string) ([]byte, error) {
	var out []byte
	hi, have := byte(0), false
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '#':
			for i < len(s) && s[i] != '\n' {
				i++
			}
			continue
		case c == '0' && i+1 < len(s) && (s[i+1] == 'x' || s[i+1] == 'X') && !have:
			i++
			continue
		case c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == ':' || c == ',' || c == '-':
			if have {
				return nil, fmt.Errorf("odd number of hex digits before offset %d", i)
			}
			continue
		}
		var v byte
		switch {
		case c >= '0' && c <= '9':
			v = c - '0'
		case c >= 'a' && c <= 'f':
			v = c - 'a' + 10
		case c >= 'A' && c <= 'F':
			v = c - 'A' + 10
		default:
			return nil, fmt.Errorf("character %q at offset %d is not hex", c, i)
		}
		if have {
			out = append(out, hi<<4|v)
			have = false
		} else {
			hi, have = v, true
		}
	}
	if have {
		return nil, fmt.Errorf("odd number of hex digits at the end")
	}
	return out, nil
}

// streamHex feeds s to a HexReader in pieces cut at the given points (and
// an empty piece at each cut, as a reader may return).
func streamHex(s string, cuts ...int) ([]byte, error) {
	var h zvt.HexReader
	var out []byte
	prev := 0
	for _, c := range cuts {
		var err error
		if out, err = h.AppendString(out, s[prev:c], false); err != nil {
			return nil, err
		}
		if out, err = h.Append(out, nil, false); err != nil {
			return nil, err
		}
		prev = c
	}
	out, err := h.AppendString(out, s[prev:], true)
	if err != nil {
		return nil, err
	}
	return out, nil
}

func sameHex(t *testing.T, in string, got []byte, gotErr error) {
	t.Helper()
	want, wantErr := parseHexWhole(in)
	if fmt.Sprint(gotErr) != fmt.Sprint(wantErr) || !bytes.Equal(got, want) {
		t.Fatalf("%q: got % X, %v; want % X, %v", in, got, gotErr, want, wantErr)
	}
}

// TestHexReaderEqualsWholeParse: cut anywhere (once and at every byte), the
// streamed reader gives ParseHex's bytes and errors, offsets included.
func TestHexReaderEqualsWholeParse(t *testing.T) {
	t.Parallel()
	inputs := []string{
		"", "0", "00", "0x", "0x0", "0x06 0x0F", "0X0f,0x00", "0\n6", "0# c\n6", "06 # comment\n0F 00",
		"06#\n0F", "#only a comment", "0xx", "06 0F 0G", "1 2", "06:0f-00,\r\n", "0 x", "00x06", "0#x\nx6",
		"10 02 80 00 00 10 03 F5 1F 06 15", "0x0x06",
		// eight digits at a time, and a bad or spaced character at each place
		"06D3FF12", "06D3FF1206D3FF12AB", "G6D3FF12", "06D3FFG2", "06D3FF1G", "06D3 FF12", "06D3FF 1206",
		"06D30x1206", "06D3FF12#c\n0F", "06d3ff12", "06D3FF120",
		"06 D3 FF 12 ", "06 D3 FF 12 34 56 78 9A BC", "06 D3 FF 12\n34 56 78 9A ", "06 D3  FF 12 34 ", "06 D3 F 12 34 56 ",
		"06 D3 FF 1G 34 ", "06 D3 FF 12:34 56 78 9A ", "06 D3FF12 34 56 78 9A ", "06D3 FF 12 34 56 78",
	}
	entries, err := fs.ReadDir(fixtures.FS, "vectors")
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if b, err := fs.ReadFile(fixtures.FS, "vectors/"+e.Name()); err == nil && len(b) < 1200 {
			inputs = append(inputs, string(b))
		}
	}
	for _, in := range inputs {
		got, err := zvt.ParseHex(in)
		sameHex(t, in, got, err)
		every := make([]int, 0, len(in))
		for i := 0; i <= len(in); i++ {
			got, err := streamHex(in, i)
			sameHex(t, in, got, err)
			every = append(every, i)
		}
		got, err = streamHex(in, every...)
		sameHex(t, in, got, err)
	}
}

// FuzzHexReader: any text cut at any two points reads as ParseHex reads it
// whole, bytes and error.
func FuzzHexReader(f *testing.F) {
	for _, s := range []string{"0x06 0F", "0# c\n6", "06 0F 0G", "0\n", "0xx", "06 D3 FF 12 34 56 78 9A BC", "06D3FF1206D3FF12AB"} {
		f.Add(s, uint16(1), uint16(3))
	}
	f.Fuzz(func(t *testing.T, s string, a, b uint16) {
		i, j := int(a)%(len(s)+1), int(b)%(len(s)+1)
		if i > j {
			i, j = j, i
		}
		got, err := streamHex(s, i, j)
		sameHex(t, s, got, err)
	})
}

// TestHexIsSpacedUpperCase: Hex is fmt's "% X" for every byte value and
// for short and long runs.
func TestHexIsSpacedUpperCase(t *testing.T) {
	t.Parallel()
	all := make([]byte, 256)
	for i := range all {
		all[i] = byte(i)
	}
	runs := [][]byte{nil, {}, {0}, {0xAB, 0x0F}, all}
	for n := 1; n <= 9; n++ { // four bytes at a time and the rest
		runs = append(runs, all[:n], all[256-n:])
	}
	for _, b := range runs {
		if got, want := zvt.Hex(b), fmt.Sprintf("% X", b); got != want {
			t.Errorf("Hex(% X) = %q, want %q", b, got, want)
		}
	}
}
