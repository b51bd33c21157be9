package zvt

import (
	"fmt"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/encoding/charmap"
)

// Charset is the text encoding of a terminal (research/zvt.md §2.7). The
// ZVT default is CP437; card complete/Worldline and TeleCash send
// ISO-8859-1; UTF-8 can be negotiated (TLV 14 = FE).
type Charset int

// Charsets.
const (
	CP437 Charset = iota
	ISO88591
	UTF8
)

var charsetNames = [...]string{CP437: "cp437", ISO88591: "iso8859-1", UTF8: "utf8"}

// String returns the charset's flag name: cp437, iso8859-1 or utf8.
func (c Charset) String() string {
	if c >= 0 && int(c) < len(charsetNames) {
		return charsetNames[c]
	}
	return fmt.Sprintf("charset(%d)", int(c))
}

// ParseCharset reads a charset name: cp437, iso8859-1 (also latin1,
// iso-8859-1) or utf8 (also utf-8). "" is CP437.
func ParseCharset(s string) (Charset, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "", "cp437", "ibm437", "437":
		return CP437, nil
	case "iso8859-1", "iso-8859-1", "latin1", "latin-1", "iso88591":
		return ISO88591, nil
	case "utf8", "utf-8":
		return UTF8, nil
	}
	return CP437, fmt.Errorf("unknown charset %q: valid values are cp437, iso8859-1, utf8", s)
}

// DecodeText turns terminal bytes into a string. It never fails: invalid
// UTF-8 becomes U+FFFD.
func (c Charset) DecodeText(b []byte) string {
	switch c {
	case UTF8:
		return strings.ToValidUTF8(string(b), "\uFFFD")
	case ISO88591:
		return decodeWith(charmap.ISO8859_1, b)
	}
	return decodeWith(charmap.CodePage437, b)
}

func decodeWith(cm *charmap.Charmap, b []byte) string {
	ascii := true
	for _, c := range b {
		if c >= 0x80 {
			ascii = false
			break
		}
	}
	if ascii {
		return string(b)
	}
	var sb strings.Builder
	sb.Grow(len(b) + len(b)/2)
	for _, c := range b {
		sb.WriteRune(cm.DecodeByte(c))
	}
	return sb.String()
}

// EncodeText turns s into terminal bytes. A rune the charset cannot hold is
// an error.
func (c Charset) EncodeText(s string) ([]byte, error) {
	if c == UTF8 {
		if !utf8.ValidString(s) {
			return nil, fmt.Errorf("%w: text is not valid UTF-8", ErrFormat)
		}
		return []byte(s), nil
	}
	cm := charmap.CodePage437
	if c == ISO88591 {
		cm = charmap.ISO8859_1
	}
	out := make([]byte, 0, len(s))
	for _, r := range s {
		if r < 0x80 {
			out = append(out, byte(r))
			continue
		}
		b, ok := cm.EncodeRune(r)
		if !ok {
			return nil, fmt.Errorf("%w: %q cannot be written in %s", ErrFormat, r, c)
		}
		out = append(out, b)
	}
	return out, nil
}

// trimText drops trailing NULs (null-terminated card names) and padding
// spaces.
func trimText(s string) string {
	if i := strings.IndexByte(s, 0); i >= 0 {
		s = s[:i]
	}
	return strings.TrimRight(s, " ")
}
