package iso8583

import "strings"

// Packed BCD as the CUP profile writes it (research/iso8583.md §1.5): two
// digits a byte, high nibble first. Fixed numeric fields are right-aligned
// (an odd count starts with a 0 nibble), variable ones and field 22
// left-aligned (an odd count ends with a pad nibble, 0 or F). Track data uses
// the nibble D for '='.

const hexDigits = "0123456789ABCDEF"

// nibble returns nibble i of b (0 is the high nibble of b[0]).
func nibble(b []byte, i int) byte {
	if i%2 == 0 {
		return b[i/2] >> 4
	}
	return b[i/2] & 15
}

// digitsOf returns count nibbles of v as characters ('=' for D in track
// data), taken from the left or, right-aligned, from the right.
func digitsOf(v []byte, count int, left, track bool) string {
	total := 2 * len(v)
	if count > total {
		count = total
	}
	start := 0
	if !left {
		start = total - count
	}
	var sb strings.Builder
	sb.Grow(count)
	for i := start; i < start+count; i++ {
		d := nibble(v, i)
		if track && d == 0xD {
			sb.WriteByte('=')
			continue
		}
		sb.WriteByte(hexDigits[d])
	}
	return sb.String()
}

// firstNonDigit returns the index of the first nibble above 9 among count
// nibbles (aligned as digitsOf takes them), or -1.
func firstNonDigit(v []byte, count int, left bool) int {
	total := 2 * len(v)
	start := 0
	if !left {
		start = total - count
	}
	for i := start; i < start+count && i < total; i++ {
		if nibble(v, i) > 9 {
			return i
		}
	}
	return -1
}

// packDigits packs s ('0'–'9', 'A'–'F', '=' as D) into BCD: left-aligned with
// a trailing pad nibble 0, or right-aligned with a leading 0.
func packDigits(s string, left bool) ([]byte, bool) {
	n := len(s)
	out := make([]byte, (n+1)/2)
	pad := 0
	if !left && n%2 == 1 {
		pad = 1
	}
	for i := 0; i < n; i++ {
		c := s[i]
		var d byte
		switch {
		case c >= '0' && c <= '9':
			d = c - '0'
		case c >= 'A' && c <= 'F':
			d = c - 'A' + 10
		case c >= 'a' && c <= 'f':
			d = c - 'a' + 10
		case c == '=':
			d = 0xD
		default:
			return nil, false
		}
		j := i + pad
		if j%2 == 0 {
			out[j/2] |= d << 4
		} else {
			out[j/2] |= d
		}
	}
	return out, true
}

// bcdNumber reads b as a BCD number; ok is false when a nibble is not a digit.
func bcdNumber(b []byte) (int, bool) {
	n := 0
	for i := range 2 * len(b) {
		d := nibble(b, i)
		if d > 9 {
			return 0, false
		}
		n = n*10 + int(d)
	}
	return n, true
}

// appendBCDNumber appends v as width BCD bytes.
func appendBCDNumber(dst []byte, v, width int) []byte {
	out := make([]byte, width)
	for i := width - 1; i >= 0; i-- {
		out[i] = byte(v%10) | byte(v/10%10)<<4
		v /= 100
	}
	return append(dst, out...)
}

// hexString is b as upper-case hex without separators.
func hexString(b []byte) string {
	out := make([]byte, 2*len(b))
	for i, c := range b {
		out[2*i], out[2*i+1] = hexDigits[c>>4], hexDigits[c&15]
	}
	return string(out)
}

// spacedHex is b as upper-case hex, bytes separated by spaces.
func spacedHex(b []byte) string {
	var sb strings.Builder
	for i, c := range b {
		if i > 0 {
			sb.WriteByte(' ')
		}
		sb.WriteByte(hexDigits[c>>4])
		sb.WriteByte(hexDigits[c&15])
	}
	return sb.String()
}
