package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"io"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/posdoctor/posdoctor/internal/swar"
	"github.com/posdoctor/posdoctor/terminal/zvt"
)

// decode --json writes its array one message at a time, as each is decoded,
// without reflection: the bytes are exactly those json.Encoder writes for
// the whole []decodedMessage with SetIndent("", "  ") and
// SetEscapeHTML(false) (TestDecodeJSONWriterEqualsEncoder checks it).

// jsonArray writes the elements of decode --json's array to w.
type jsonArray struct {
	w *bufio.Writer
	n int
}

// jsonElementSep starts each element that appendMessageJSON makes for
// addElements: the separator of every element but the first, whose "["
// addElements puts in its place (the two are as long).
const jsonElementSep = ",\n  "

// addElements writes n elements, each begun with jsonElementSep. A write
// error is not returned: w is a bufio.Writer, whose error stays and is
// returned by close and Flush. A run longer than the buffer's room goes
// straight to the underlying writer, not copied through the buffer.
func (a *jsonArray) addElements(out []byte, n int) {
	if n == 0 {
		return
	}
	if a.n == 0 {
		out[0] = '['
	}
	if a.w.Buffered() > 0 && len(out) > a.w.Available() {
		a.w.Flush() //nolint:errcheck // see above
	}
	a.w.Write(out) //nolint:errcheck // see above
	a.n += n
}

// close ends the array: "[]" when no message was written.
func (a *jsonArray) close() error {
	end := "\n]\n"
	if a.n == 0 {
		end = "[]\n"
	}
	_, err := io.WriteString(a.w, end)
	return err
}

// jsonObject appends the members of one object at depth d: key starts each
// member on its own line.
type jsonObject struct {
	b     []byte
	d     int
	first bool
}

func openObject(b []byte, d int) jsonObject { return jsonObject{b: append(b, '{'), d: d, first: true} }

func (o *jsonObject) key(k string) {
	o.b = appendSep(o.b, !o.first, o.d+1)
	o.first = false
	o.b = append(o.b, '"')
	o.b = append(o.b, k...)
	o.b = append(o.b, '"', ':', ' ')
}

func (o *jsonObject) str(k, v string) {
	o.key(k)
	o.b = appendJSONString(o.b, v)
}

// strOmit is a string member tagged omitempty.
func (o *jsonObject) strOmit(k, v string) {
	if v != "" {
		o.str(k, v)
	}
}

func (o *jsonObject) int(k string, v int) {
	o.key(k)
	o.b = strconv.AppendInt(o.b, int64(v), 10)
}

func (o *jsonObject) close() []byte {
	if o.first {
		return append(o.b, '}')
	}
	return append(appendNewline(o.b, o.d), '}')
}

// newlines is a comma, a newline and the indentation of up to 32 levels.
var newlines = ",\n" + strings.Repeat("  ", 32)

// appendNewline starts a line at depth d.
func appendNewline(b []byte, d int) []byte { return appendSep(b, false, d) }

// appendSep starts a line at depth d, after a comma when comma is set: one
// append of a piece of newlines, the hot path of the JSON writer.
func appendSep(b []byte, comma bool, d int) []byte {
	from := 1
	if comma {
		from = 0
	}
	if 2+2*d <= len(newlines) {
		return append(b, newlines[from:2+2*d]...)
	}
	b = append(b, newlines[from:]...)
	for range d - 32 {
		b = append(b, ' ', ' ')
	}
	return b
}

// appendMessageJSON appends m as an object at depth d, members in the
// order of decodedMessage's fields and zvt.View's (embedded).
func appendMessageJSON(b []byte, m *decodedMessage, d int) []byte {
	o := openObject(b, d)
	o.int("index", m.Index)
	o.int("offset", m.Offset)
	o.str("link", m.Link)
	o.strOmit("crc", m.CRC)
	o.strOmit("signal", m.Signal)
	o.str("type", m.Type)
	o.str("command", m.Command)
	o.str("name", m.Name)
	o.strOmit("dir", m.Dir)
	o.int("length", m.Length)
	if m.hex != nil {
		o.key("hex")
		o.b = append(zvt.AppendHex(append(o.b, '"'), m.hex), '"') // hex digits and spaces: nothing to escape
	} else {
		o.str("hex", m.Hex)
	}
	o.key("fields")
	o.b = appendItemsJSON(o.b, m.Fields, d+1, true)
	o.strOmit("error", m.Error)
	return o.close()
}

// appendItemsJSON appends items as an array at depth d; nilNull writes a
// nil slice as null (a member without omitempty).
func appendItemsJSON(b []byte, items []zvt.Item, d int, nilNull bool) []byte {
	if items == nil && nilNull {
		return append(b, "null"...)
	}
	if len(items) == 0 {
		return append(b, "[]"...)
	}
	b = append(b, '[')
	for i := range items {
		b = appendSep(b, i > 0, d+1)
		b = appendItemJSON(b, &items[i], d+1)
	}
	return append(appendNewline(b, d), ']')
}

func appendItemJSON(b []byte, it *zvt.Item, d int) []byte {
	o := openObject(b, d)
	o.str("name", it.Name)
	o.strOmit("bmp", it.BMP)
	o.strOmit("tag", it.Tag)
	o.strOmit("hex", it.Hex)
	if it.Value != nil {
		o.key("value")
		o.b = appendValueJSON(o.b, it.Value, d+1)
	}
	o.strOmit("text", it.Text)
	if len(it.Items) > 0 {
		o.key("items")
		o.b = appendItemsJSON(o.b, it.Items, d+1, false)
	}
	return o.close()
}

// appendValueJSON appends an Item's value: the types the codec puts there
// (string, int, uint64, bool) directly, anything else through encoding/json
// (indented as a member at depth d), which writes the same bytes, slower.
func appendValueJSON(b []byte, v any, d int) []byte {
	switch x := v.(type) {
	case string:
		return appendJSONString(b, x)
	case int:
		return strconv.AppendInt(b, int64(x), 10)
	case uint64:
		return strconv.AppendUint(b, x, 10)
	case bool:
		return strconv.AppendBool(b, x)
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	prefix := appendNewline(nil, d)[1:]
	enc.SetIndent(string(prefix), "  ")
	if err := enc.Encode(v); err != nil {
		// json.Encoder would fail the whole array; a value the codec
		// made is always encodable, so show the failure in place.
		return appendJSONString(b, "unencodable value: "+err.Error())
	}
	return append(b, bytes.TrimSuffix(buf.Bytes(), []byte("\n"))...)
}

// jsonSafe marks the bytes a JSON string holds as they are: ASCII from
// space on but the quote and the backslash.
var jsonSafe = func() (t [256]bool) {
	for c := 0x20; c < utf8.RuneSelf; c++ {
		t[c] = c != '"' && c != '\\'
	}
	return t
}()

// jsonSafeRun returns where the run of jsonSafe bytes that starts at s[i]
// ends, looking at eight bytes at a time (the long hex dumps): a word
// holds an unsafe byte when one of its bytes is below 0x20, is '"' or
// '\\', or has the high bit (a byte of a multi-byte rune).
func jsonSafeRun(s string, i int) int {
	for ; i+8 <= len(s); i += 8 {
		x := swar.Load64(s, i)
		if swar.AnyHigh(x) || swar.AnyBelow(x, 0x20) || swar.AnyEqual(x, '"') || swar.AnyEqual(x, '\\') {
			break
		}
	}
	for i < len(s) && jsonSafe[s[i]] {
		i++
	}
	return i
}

// appendJSONString appends s quoted as encoding/json quotes it without
// HTML escaping: \" \\ \b \f \n \r \t, other control bytes as \u00XX,
// invalid UTF-8 as \ufffd, U+2028 and U+2029 escaped.
func appendJSONString(b []byte, s string) []byte {
	const hex = "0123456789abcdef"
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); {
		i = jsonSafeRun(s, i)
		if i == len(s) {
			break
		}
		c := s[i]
		if c < utf8.RuneSelf {
			b = append(b, s[start:i]...)
			switch c {
			case '\\', '"':
				b = append(b, '\\', c)
			case '\b':
				b = append(b, '\\', 'b')
			case '\f':
				b = append(b, '\\', 'f')
			case '\n':
				b = append(b, '\\', 'n')
			case '\r':
				b = append(b, '\\', 'r')
			case '\t':
				b = append(b, '\\', 't')
			default:
				b = append(b, '\\', 'u', '0', '0', hex[c>>4], hex[c&0xF])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			b = append(b, s[start:i]...)
			b = append(b, `\ufffd`...)
		case r == '\u2028' || r == '\u2029':
			b = append(b, s[start:i]...)
			b = append(b, '\\', 'u', '2', '0', '2', hex[r&0xF])
		default:
			i += size
			continue
		}
		i += size
		start = i
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}
