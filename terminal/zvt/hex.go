package zvt

import (
	"encoding/binary"
	"fmt"
	"slices"
	"unsafe"
)

// ParseHex reads hex bytes as technicians paste them: separated or not by
// spaces, colons, commas, dashes or newlines, with or without 0x prefixes;
// "#" starts a comment that runs to the end of the line. Errors name the
// character offset of the bad input.
func ParseHex(s string) ([]byte, error) {
	var h HexReader
	out, err := h.AppendString(nil, s, true)
	if err != nil {
		return nil, err
	}
	return out, nil
}

// HexReader is [ParseHex] for a stream: feed the text in pieces of any size
// with Append and the bytes and errors are those ParseHex gives for the
// whole text, offsets counted from the first piece. The zero value is
// ready. posdoctor decode reads stdin through it.
type HexReader struct {
	off     int  // offset of the next character
	hi      byte // the first digit of a byte
	have    bool // hi is set
	comment bool // inside a "#" comment, up to and with its newline
	zero    bool // the last piece ended in a "0" that may start "0x"
}

// Append decodes the next piece s, appends its bytes to dst and returns it.
// final says s is the end of the text. After an error the reader is spent.
func (h *HexReader) Append(dst, s []byte, final bool) ([]byte, error) {
	return appendHex(h, dst, s, final)
}

// AppendString is Append for a piece held as a string.
func (h *HexReader) AppendString(dst []byte, s string, final bool) ([]byte, error) {
	return appendHex(h, dst, s, final)
}

func appendHex[T string | []byte](h *HexReader, dst []byte, s T, final bool) ([]byte, error) {
	i := 0
	if h.zero {
		if len(s) == 0 && !final {
			return dst, nil
		}
		h.zero = false
		if len(s) > 0 && (s[0] == 'x' || s[0] == 'X') {
			i++ // the "0x" prefix that began in the last piece
		} else {
			h.hi, h.have = 0, true // that "0" was a digit
		}
	}
	for ; i < len(s); i++ {
		if !h.have && !h.comment && i+1 < len(s) {
			var n int
			if dst, n = appendPairs(dst, s[i:]); n > 0 { // a run of bytes
				i += n - 1
				continue
			}
		}
		c := s[i]
		if h.comment {
			for i < len(s) && s[i] != '\n' {
				i++
			}
			h.comment = i == len(s) // the newline ends the comment and is skipped with it
			continue
		}
		v, ok := hexVal(c)
		switch {
		case ok && h.have:
			dst = append(dst, h.hi<<4|v)
			h.have = false
			continue
		case c == '0' && !h.have:
			if i+1 < len(s) {
				if s[i+1] == 'x' || s[i+1] == 'X' {
					i++
					continue
				}
			} else if !final {
				h.zero = true
				continue
			}
			h.hi, h.have = 0, true
			continue
		case ok:
			h.hi, h.have = v, true
			continue
		case c == '#':
			h.comment = true
			continue
		case c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == ':' || c == ',' || c == '-':
			if h.have {
				return dst, fmt.Errorf("odd number of hex digits before offset %d", h.off+i)
			}
			continue
		}
		return dst, fmt.Errorf("character %q at offset %d is not hex", c, h.off+i)
	}
	h.off += len(s)
	if final && h.have {
		return dst, fmt.Errorf("odd number of hex digits at the end")
	}
	return dst, nil
}

// appendPairs decodes the run of two-digit bytes, each maybe followed by
// one space, that s starts with ("06D3FF", "06 D3 FF"), the hot path of a
// trace: it returns dst with them and how many characters it read. The
// rest of s is read one character at a time.
func appendPairs[T string | []byte](dst []byte, s T) ([]byte, int) {
	dst = slices.Grow(dst, len(s)/2)
	out := dst[len(dst):cap(dst)]
	i, n := 0, 0
	spaced := false // the last pair was followed by a space: so will this one be
	for i+1 < len(s) && n < len(out) {
		// Four bytes at a time where the run goes on as it began: eight
		// digits ("06D3FF12") or four spaced pairs ("06 D3 FF 12 "), one
		// check for all eight digits. A pasted capture is all such runs.
		// Two loops, not one with a stride or a helper: with constant
		// offsets the bounds checks go and the loop stays inline (either
		// form measured 30-40 % slower in BenchmarkHexReaderSystemConfig).
		for !spaced && i+8 <= len(s) && n+4 <= len(out) {
			c := s[i : i+8]
			d0, d1, d2, d3 := hexDigits[c[0]], hexDigits[c[1]], hexDigits[c[2]], hexDigits[c[3]]
			d4, d5, d6, d7 := hexDigits[c[4]], hexDigits[c[5]], hexDigits[c[6]], hexDigits[c[7]]
			if d0|d1|d2|d3|d4|d5|d6|d7 >= 16 {
				break
			}
			o := out[n : n+4]
			o[0], o[1], o[2], o[3] = d0<<4|d1, d2<<4|d3, d4<<4|d5, d6<<4|d7
			n += 4
			i += 8
		}
		for spaced && i+12 <= len(s) && n+4 <= len(out) {
			c := s[i : i+12]
			if c[2] != ' ' || c[5] != ' ' || c[8] != ' ' || c[11] != ' ' {
				break
			}
			d0, d1, d2, d3 := hexDigits[c[0]], hexDigits[c[1]], hexDigits[c[3]], hexDigits[c[4]]
			d4, d5, d6, d7 := hexDigits[c[6]], hexDigits[c[7]], hexDigits[c[9]], hexDigits[c[10]]
			if d0|d1|d2|d3|d4|d5|d6|d7 >= 16 {
				break
			}
			o := out[n : n+4]
			o[0], o[1], o[2], o[3] = d0<<4|d1, d2<<4|d3, d4<<4|d5, d6<<4|d7
			n += 4
			i += 12
		}
		if i+1 >= len(s) || n >= len(out) {
			break
		}
		hi, lo := hexDigits[s[i]], hexDigits[s[i+1]]
		if hi|lo >= 16 {
			break
		}
		out[n] = hi<<4 | lo
		n++
		i += 2
		spaced = i < len(s) && s[i] == ' '
		if spaced {
			i++
		}
	}
	return dst[:len(dst)+n], i
}

// hexDigits is the value of each hex digit; 0xFF for any other byte.
var hexDigits = func() (t [256]byte) {
	for i := range t {
		v, ok := hexVal(byte(i))
		t[i] = v
		if !ok {
			t[i] = 0xFF
		}
	}
	return t
}()

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
	if len(b) == 0 {
		return ""
	}
	out := AppendHex(make([]byte, 0, 3*len(b)), b)
	return unsafe.String(&out[0], len(out)) // out is never written again
}

// AppendHex appends Hex(b) to dst.
func AppendHex(dst, b []byte) []byte {
	if len(b) == 0 {
		return dst
	}
	n := len(dst)
	dst = slices.Grow(dst, 3*len(b))[:n+3*len(b)] // one space too many, cut below
	out := dst[n:]
	i := 0
	for ; i+4 <= len(b); i += 4 {
		// Four bytes in two stores: "D3 FF 12 " as 8 + 4 bytes.
		o := out[3*i : 3*i+12]
		p0, p1, p2, p3 := uint64(hexPairs[b[i]]), uint64(hexPairs[b[i+1]]), uint64(hexPairs[b[i+2]]), uint32(hexPairs[b[i+3]])
		binary.LittleEndian.PutUint64(o, p0|' '<<16|p1<<24|' '<<40|p2<<48)
		binary.LittleEndian.PutUint32(o[8:], ' '|p3<<8|' '<<24)
	}
	for ; i < len(b); i++ {
		binary.LittleEndian.PutUint16(out[3*i:], hexPairs[b[i]])
		out[3*i+2] = ' '
	}
	return dst[:len(dst)-1]
}

// hexPairs holds the two upper-case hex digits of each byte, the first in
// the low byte.
var hexPairs = func() (t [256]uint16) {
	const digits = "0123456789ABCDEF"
	for i := range t {
		t[i] = uint16(digits[i>>4]) | uint16(digits[i&15])<<8
	}
	return t
}()
