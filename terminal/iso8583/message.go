package iso8583

import (
	"fmt"
	"sort"
)

// Parts says which framing parts a message came with: the 2-byte length,
// the TPDU and the 6-byte header. The MTI and the bitmap are always there.
type Parts struct {
	Length bool `json:"length"`
	TPDU   bool `json:"tpdu"`
	Header bool `json:"header"`
}

// Field is one field: its number, its declared length (digits for n and z
// fields, bytes otherwise; the size for fixed fields) and its value as on the
// wire without the length prefix. After Decode, Value points into the decoded
// bytes.
type Field struct {
	No    int
	Len   int
	Value []byte
}

// Message is one CUP ISO 8583 message.
//
// Decode keeps references into its input: the bytes must not change while
// the message is in use. Encode appends the wire form, and for a decoded
// message writes back exactly the bytes decoded (Rest included).
type Message struct {
	Parts Parts
	// Length is the 2-byte length as received (bytes after it).
	Length int
	// TPDU is the 5-byte TPDU (60, destination, source) when Parts.TPDU.
	TPDU []byte
	// Header is the 6-byte message header when Parts.Header.
	Header []byte
	// MTI is the message type, four digits: "0200".
	MTI string
	// Bitmap is the primary bitmap, and the secondary when bit 1 is set, as
	// received. Encode recomputes it from Fields when it is nil.
	Bitmap []byte
	// Fields are the fields read, in wire order.
	Fields []Field
	// Rest holds the bytes from the first field that could not be read to
	// the end, raw; Encode writes them back.
	Rest []byte
	// Problems lists what did not follow the profile, each naming the field
	// and the byte offset. A problem that stopped the field walk is the last
	// one and Rest starts at its field.
	Problems []*DecodeError
}

// Field returns field n.
func (m *Message) Field(n int) (Field, bool) {
	for _, f := range m.Fields {
		if f.No == n {
			return f, true
		}
	}
	return Field{}, false
}

// Has reports whether field n was read.
func (m *Message) Has(n int) bool { _, ok := m.Field(n); return ok }

// Digits returns the digits of an n or z field ("" when absent).
func (m *Message) Digits(n int) string {
	f, ok := m.Field(n)
	if !ok {
		return ""
	}
	return f.Digits()
}

// Text returns an ans field as text, or an n field's digits ("" when absent).
func (m *Message) Text(n int) string {
	f, ok := m.Field(n)
	if !ok {
		return ""
	}
	if fields[n].enc == encANS {
		return string(f.Value)
	}
	return f.Digits()
}

// Err returns the first problem, or nil when the message follows the profile.
func (m *Message) Err() error {
	if len(m.Problems) == 0 {
		return nil
	}
	return m.Problems[0]
}

// Digits returns the value of an n or z field as characters (track
// separators as '='); for other fields, the value as hex.
func (f Field) Digits() string {
	s := fields[f.No]
	switch s.enc {
	case encN, encZ:
		return digitsOf(f.Value, f.Len, s.prefix != fixed || s.left, s.enc == encZ)
	case encANS:
		return string(f.Value)
	}
	return hexString(f.Value)
}

// Set sets field n to a raw wire value (without its length prefix), with
// len the declared length (digits for n and z fields, bytes otherwise).
// Fields stay in number order; the bitmap is recomputed by Encode.
func (m *Message) Set(n, length int, value []byte) {
	m.Bitmap = nil
	for i := range m.Fields {
		if m.Fields[i].No == n {
			m.Fields[i] = Field{No: n, Len: length, Value: value}
			return
		}
	}
	m.Fields = append(m.Fields, Field{No: n, Len: length, Value: value})
	sort.Slice(m.Fields, func(i, j int) bool { return m.Fields[i].No < m.Fields[j].No })
}

// SetDigits sets an n or z field from digits ('=' for the track separator),
// aligned as the profile says.
func (m *Message) SetDigits(n int, digits string) error {
	s, ok := fields[n]
	if !ok || s.enc != encN && s.enc != encZ {
		return &EncodeError{Field: fieldLabel(n), Err: fmt.Errorf("%w: not a numeric field", ErrFormat)}
	}
	if s.prefix == fixed && len(digits) != s.size || len(digits) > s.size {
		return &EncodeError{Field: fieldLabel(n), Err: fmt.Errorf("%w: %d digits, the field takes %d", ErrLength, len(digits), s.size)}
	}
	b, ok := packDigits(digits, s.prefix != fixed || s.left)
	if !ok {
		return &EncodeError{Field: fieldLabel(n), Err: fmt.Errorf("%w: %q is not digits", ErrBCD, digits)}
	}
	m.Set(n, len(digits), b)
	return nil
}

// SetText sets an ans or b field to the bytes of s.
func (m *Message) SetText(n int, s string) error {
	spec, ok := fields[n]
	if !ok || spec.enc == encN || spec.enc == encZ {
		return &EncodeError{Field: fieldLabel(n), Err: fmt.Errorf("%w: not a text field", ErrFormat)}
	}
	if spec.prefix == fixed && len(s) != spec.size || len(s) > spec.size {
		return &EncodeError{Field: fieldLabel(n), Err: fmt.Errorf("%w: %d bytes, the field takes %d", ErrLength, len(s), spec.size)}
	}
	m.Set(n, len(s), []byte(s))
	return nil
}
