package zvt

import "fmt"

// BCD in ZVT (spec ch. 13): two decimal digits per byte, high nibble first.
// Nibble E is a masked digit (PCI), F pads an odd number of digits at the end.

// bcdUint reads b as an unsigned decimal number. Masked (E) or padding (F)
// nibbles and A–D make it fail.
func bcdUint(b []byte) (uint64, bool) {
	var v uint64
	for _, c := range b {
		hi, lo := c>>4, c&15
		if hi > 9 || lo > 9 {
			return 0, false
		}
		v = v*100 + uint64(hi)*10 + uint64(lo)
	}
	return v, true
}

// checkBCD reports the index of the first nibble in b that is neither a digit,
// a masked digit (E) nor padding (F), or -1.
func checkBCD(b []byte) int {
	for i, c := range b {
		if hi := c >> 4; hi >= 0xA && hi <= 0xD {
			return 2 * i
		}
		if lo := c & 15; lo >= 0xA && lo <= 0xD {
			return 2*i + 1
		}
	}
	return -1
}

// digitString returns the digits of b: 0–9 as themselves, E as '*' (masked),
// F padding dropped, anything else as '?'.
func digitString(b []byte) string {
	out := make([]byte, 0, 2*len(b))
	for _, c := range b {
		for _, n := range [2]byte{c >> 4, c & 15} {
			switch {
			case n <= 9:
				out = append(out, '0'+n)
			case n == 0xE:
				out = append(out, '*')
			case n == 0xF:
			default:
				out = append(out, '?')
			}
		}
	}
	return string(out)
}

// appendBCDUint appends v as n BCD bytes. A value with more than 2n digits
// is an error wrapping ErrBCD.
func appendBCDUint(dst []byte, v uint64, n int) ([]byte, error) {
	start := len(dst)
	for range n {
		dst = append(dst, 0)
	}
	for i := start + n - 1; i >= start; i-- {
		dst[i] = byte(v%10) | byte(v/10%10)<<4
		v /= 100
	}
	if v != 0 {
		return dst[:start], fmt.Errorf("%w: value does not fit in %d BCD bytes", ErrBCD, n)
	}
	return dst, nil
}

// packDigits packs a digit string into BCD: '0'–'9' as digits, '*' or 'E'
// as a masked digit, an odd count padded with F at the end.
func packDigits(digits string) ([]byte, error) {
	out := make([]byte, 0, (len(digits)+1)/2)
	for i := 0; i < len(digits); i += 2 {
		hi, err := digitNibble(digits[i])
		if err != nil {
			return nil, err
		}
		lo := byte(0xF)
		if i+1 < len(digits) {
			if lo, err = digitNibble(digits[i+1]); err != nil {
				return nil, err
			}
		}
		out = append(out, hi<<4|lo)
	}
	return out, nil
}

func digitNibble(c byte) (byte, error) {
	switch {
	case c >= '0' && c <= '9':
		return c - '0', nil
	case c == '*' || c == 'E' || c == 'e':
		return 0xE, nil
	}
	return 0, fmt.Errorf("%w: %q is not a digit", ErrBCD, c)
}
