package iso8583

import (
	"fmt"
	"strings"
)

// ParseHex reads hex bytes as they are pasted from logs: spaces, tabs,
// colons, commas, dashes and 0x prefixes between bytes are allowed, and '#'
// starts a comment that runs to the end of the line. An odd number of digits
// or a character that is not hex is an error naming its position.
func ParseHex(s string) ([]byte, error) {
	out := make([]byte, 0, len(s)/2)
	var hi byte
	half := false
	col, line := 0, 1
	for i := 0; i < len(s); i++ {
		c := s[i]
		col++
		switch {
		case c == '#':
			for i < len(s) && s[i] != '\n' {
				i++
			}
			line, col = line+1, 0
			continue
		case c == '\n':
			line, col = line+1, 0
			continue
		case c == '0' && i+1 < len(s) && (s[i+1] == 'x' || s[i+1] == 'X') && !half:
			i++
			col++
			continue
		case c == ' ' || c == '\t' || c == '\r' || c == ':' || c == ',' || c == '-':
			continue
		}
		d, ok := hexValue(c)
		if !ok {
			if strings.Contains(s, "\n") {
				return nil, fmt.Errorf("line %d column %d: %q is not a hex digit", line, col, c)
			}
			return nil, fmt.Errorf("column %d: %q is not a hex digit", col, c)
		}
		if half {
			out = append(out, hi<<4|d)
		} else {
			hi = d
		}
		half = !half
	}
	if half {
		return nil, fmt.Errorf("odd number of hex digits: the last byte is cut")
	}
	return out, nil
}

func hexValue(c byte) (byte, bool) {
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

// isHexToken reports whether a word of a log line is hex data (digits,
// 0x prefix, byte separators), as opposed to a label such as "SEND:".
func isHexToken(w string) bool {
	w = strings.TrimPrefix(strings.TrimPrefix(w, "0x"), "0X")
	if w == "" {
		return false
	}
	for i := 0; i < len(w); i++ {
		if _, ok := hexValue(w[i]); !ok && w[i] != ':' && w[i] != ',' && w[i] != '-' {
			return false
		}
	}
	return true
}
