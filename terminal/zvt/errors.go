package zvt

import (
	"errors"
	"fmt"
)

// Sentinels for errors.Is. Every decode error wraps one of them inside a
// [*DecodeError] that names the message, the field and the byte offset.
var (
	// ErrShort means the input ended before a field did.
	ErrShort = errors.New("short")
	// ErrLength means a length field is invalid or disagrees with the data
	// (LLVAR high nibble not F, TLV length form 80 or 83+, trailing bytes,
	// an APDU body above 65535 bytes).
	ErrLength = errors.New("bad length")
	// ErrBCD means a BCD field holds a nibble that is not a digit (A–D), or
	// a value does not fit its BCD width when encoding.
	ErrBCD = errors.New("bad bcd")
	// ErrDepth means TLV objects nest deeper than [MaxTLVDepth].
	ErrDepth = errors.New("tlv nested too deep")
	// ErrFormat means the bytes do not have the shape of the message (wrong
	// command, bad tag, invalid value).
	ErrFormat = errors.New("bad format")
)

// DecodeError says where decoding failed: Msg names the message ("completion
// 06 0F"), Field the field ("BMP 27", "TLV 1F44", "length") and Offset the
// byte offset from the start of the APDU (or of the TLV data given to
// [DecodeTLV]). Err wraps one of the sentinels.
//
//	zvt: completion 06 0F: BMP 27 at offset 14: short: need 1 byte, have 0
type DecodeError struct {
	Msg    string
	Field  string
	Offset int
	Err    error
}

// Error reads "zvt: msg: field at offset n: cause", leaving out the parts
// that are empty.
func (e *DecodeError) Error() string {
	s := "zvt: "
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
	if format == "" {
		return &DecodeError{Field: field, Offset: off, Err: sentinel}
	}
	return &DecodeError{Field: field, Offset: off, Err: fmt.Errorf("%w: %s", sentinel, fmt.Sprintf(format, a...))}
}

// withMsg fills in the message name of a DecodeError that has none.
func withMsg(err error, msg string) error {
	var de *DecodeError
	if errors.As(err, &de) && de.Msg == "" {
		de.Msg = msg
	}
	return err
}

// withBase shifts the offset of a DecodeError by base (for nested data).
func withBase(err error, base int) error {
	var de *DecodeError
	if base != 0 && errors.As(err, &de) {
		de.Offset += base
	}
	return err
}

// EncodeError is returned by Encode when a value cannot be put on the wire.
type EncodeError struct {
	Msg   string
	Field string
	Err   error
}

// Error reads "zvt: encode msg: field: cause", leaving out the parts that are
// empty.
func (e *EncodeError) Error() string {
	s := "zvt: encode "
	if e.Msg != "" {
		s += e.Msg + ": "
	}
	if e.Field != "" {
		s += e.Field + ": "
	}
	return s + e.Err.Error()
}

// Unwrap returns the wrapped sentinel error.
func (e *EncodeError) Unwrap() error { return e.Err }
