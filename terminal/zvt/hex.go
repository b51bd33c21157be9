package zvt

import (
	"fmt"
	"strings"
)

// ParseHex reads hex bytes as technicians paste them: separated or not by
// spaces, colons, commas, dashes or newlines, with or without 0x prefixes;
// "#" starts a comment that runs to the end of the line. Errors name the
// character offset of the bad input.
func ParseHex(s string) ([]byte, error) {
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
		v, ok := hexVal(c)
		if !ok {
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

func hexVal(c byte) (byte, bool) {
	switch {
	case c >= '0' && c <= '9':
		return c - '0', true
	case c >= 'a' && c <= 'f':
		return c - 'a' + 10, true
	case c >= 'A' && c <= 'F':
		return c - 'A' + 10, true
	}
	return 0, false
}

// Hex formats b as upper-case hex bytes separated by spaces: "06 0F 00".
func Hex(b []byte) string {
	const digits = "0123456789ABCDEF"
	var sb strings.Builder
	sb.Grow(len(b) * 3)
	for i, c := range b {
		if i > 0 {
			sb.WriteByte(' ')
		}
		sb.WriteByte(digits[c>>4])
		sb.WriteByte(digits[c&15])
	}
	return sb.String()
}
