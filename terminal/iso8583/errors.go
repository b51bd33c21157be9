package iso8583

import (
	"errors"
	"fmt"
)

// Sentinels for errors.Is. Every decode error wraps one of them inside a
// [*DecodeError] that names the message, the field and the byte offset.
var (
	// ErrShort means the input ended before a part or a field did.
	ErrShort = errors.New("short")
	// ErrLength means a length is invalid: an LL/LLL prefix that is not
	// BCD, a length above the field's maximum, a 2-byte length that does not
	// match the bytes given, or a BER length form this codec does not read.
	ErrLength = errors.New("bad length")
	// ErrBCD means a BCD value holds a nibble that is not a digit where the
	// profile wants digits (MTI, LL/LLL prefixes, header, fixed numbers).
	ErrBCD = errors.New("bad bcd")
	// ErrUnknownField means the bitmap names a field the profile does not
	// define, so its length cannot be known.
	ErrUnknownField = errors.New("field not in the profile")
	// ErrFormat means the bytes do not have the shape of a message (no MTI
	// where one must be, TLV that does not parse).
	ErrFormat = errors.New("bad format")
)

// DecodeError says where decoding failed: Msg names the message ("0210"),
// Field the part or field ("mti", "field 39", "field 55 tag 9F26") and Offset
// the byte offset from the start of the bytes given to [Decode]. Err wraps one
// of the sentinels.
//
//	iso8583: 0210: field 39 at offset 57: short: need 2 bytes, have 1
type DecodeError struct {
	Msg    string
	Field  string
	Offset int
	Err    error
}

// Error reads "iso8583: msg: field at offset n: cause", leaving out the parts
// that are empty.
func (e *DecodeError) Error() string {
	s := "iso8583: "
	if e.Msg != "" {
		s += e.Msg + ": "
	}
	if e.Field != "" {
		s += e.Field + " "
	}
	s += fmt.Sprintf("at offset %d", e.Offset)
	if e.Err != nil {
		s += ": " + e.Err.Error()
	}
	return s
}

// Unwrap returns the wrapped sentinel error.
func (e *DecodeError) Unwrap() error { return e.Err }

// errShort builds the "short: need n bytes, have m" error.
func errShort(field string, off, need, have int) *DecodeError {
	unit := "bytes"
	if need == 1 {
		unit = "byte"
	}
	return &DecodeError{Field: field, Offset: off, Err: fmt.Errorf("%w: need %d %s, have %d", ErrShort, need, unit, have)}
}

func errAt(field string, off int, sentinel error, format string, a ...any) *DecodeError {
	return &DecodeError{Field: field, Offset: off, Err: fmt.Errorf("%w: %s", sentinel, fmt.Sprintf(format, a...))}
}

// EncodeError is returned by Encode when a value cannot be put on the wire.
type EncodeError struct {
	Field string
	Err   error
}

// Error reads "iso8583: encode field: cause".
func (e *EncodeError) Error() string {
	s := "iso8583: encode "
	if e.Field != "" {
		s += e.Field + ": "
	}
	return s + e.Err.Error()
}

// Unwrap returns the wrapped sentinel error.
func (e *EncodeError) Unwrap() error { return e.Err }
