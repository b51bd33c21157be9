package zvt

import "fmt"

// LLVAR and LLLVAR lengths (spec ch. 13, research/zvt.md §2.2): two or three
// bytes Fx, each carrying one decimal digit in its low nibble, most
// significant first. F1 F2 = 12, F0 F0 F3 = 3.

// readVarLen reads an n-byte (2 or 3) F-nibble length at b[off:] and
// returns the length and the offset after it. The high nibble of each byte
// must be F and the low nibble a digit.
func readVarLen(b []byte, off, n int, field string) (int, int, error) {
	if len(b)-off < n {
		return 0, len(b), errShort(field, off, n, len(b)-off)
	}
	v := 0
	for i := range n {
		c := b[off+i]
		if c>>4 != 0xF {
			return 0, len(b), errAt(field, off+i, ErrLength, "length byte %02X: high nibble not F", c)
		}
		if c&15 > 9 {
			return 0, len(b), errAt(field, off+i, ErrLength, "length byte %02X: low nibble not a digit", c)
		}
		v = v*10 + int(c&15)
	}
	return v, off + n, nil
}

// appendVarLen appends length v as n F-nibble bytes.
func appendVarLen(dst []byte, v, n int) ([]byte, error) {
	max := 99
	if n == 3 {
		max = 999
	}
	if v < 0 || v > max {
		return dst, fmt.Errorf("%w: %d bytes do not fit a %d-digit length", ErrLength, v, n)
	}
	if n == 3 {
		dst = append(dst, 0xF0|byte(v/100))
	}
	return append(dst, 0xF0|byte(v/10%10), 0xF0|byte(v%10)), nil
}
