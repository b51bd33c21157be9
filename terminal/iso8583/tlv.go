package iso8583

import "fmt"

// Field 55 (ICC data) is a list of EMV BER-TLV data objects
// (research/iso8583.md §4; EMV 4.4 Book 3 Annex B): tags of one to three
// bytes, lengths 00–7F, 81 nn or 82 hi lo, constructed objects (71, 72
// issuer scripts) nested.

// maxTLVDepth bounds nesting: EMV nests two levels (72 → 9F18/86); four
// leaves room and stops a hostile input from recursing without end.
const maxTLVDepth = 4

// TLV is one data object. After decoding, Value points into the decoded
// bytes; a constructed object also has Children decoded from Value.
type TLV struct {
	Tag      string // upper-case hex, "9F26"
	Value    []byte
	Children []TLV
	// Offset is where the tag starts, from the start of the bytes given to
	// Decode.
	Offset int
}

// DecodeTLV reads the data objects in b; base is b's offset in the message,
// for errors. Errors name the tag and the byte offset.
func DecodeTLV(b []byte, base int) ([]TLV, error) { return decodeTLV(b, base, 0) }

func decodeTLV(b []byte, base, depth int) ([]TLV, error) {
	if depth >= maxTLVDepth {
		return nil, errAt("field 55", base, ErrFormat, "TLV nested more than %d levels", maxTLVDepth)
	}
	var out []TLV
	off := 0
	for off < len(b) {
		start := off
		if b[off] == 0x00 || b[off] == 0xFF { // padding between objects (EMV Book 3 §B1)
			off++
			continue
		}
		tn := 1
		if b[off]&0x1F == 0x1F {
			for off+tn < len(b) && b[off+tn]&0x80 != 0 && tn < 3 {
				tn++
			}
			tn++
		}
		if off+tn > len(b) {
			return out, errShort("field 55 tag", base+off, tn, len(b)-off)
		}
		tag := hexString(b[off : off+tn])
		field := "field 55 tag " + tag
		size, val, err := tlvLength(b, off+tn)
		if err != nil {
			err.Field, err.Offset = field+" length", base+err.Offset
			return out, err
		}
		if len(b)-val < size {
			return out, errShort(field, base+val, size, len(b)-val)
		}
		o := TLV{Tag: tag, Value: b[val : val+size : val+size], Offset: base + start}
		if b[off]&0x20 != 0 {
			children, err := decodeTLV(o.Value, base+val, depth+1)
			if err != nil {
				return out, err
			}
			o.Children = children
		}
		out = append(out, o)
		off = val + size
	}
	return out, nil
}

// tlvLength reads a BER length at b[off:] and returns it with the offset of
// the value.
func tlvLength(b []byte, off int) (int, int, *DecodeError) {
	if off >= len(b) {
		return 0, 0, errShort("", off, 1, 0)
	}
	c := b[off]
	switch {
	case c < 0x80:
		return int(c), off + 1, nil
	case c == 0x81 && off+2 <= len(b):
		return int(b[off+1]), off + 2, nil
	case c == 0x82 && off+3 <= len(b):
		return int(b[off+1])<<8 | int(b[off+2]), off + 3, nil
	case c == 0x81 || c == 0x82:
		return 0, 0, errShort("", off+1, int(c-0x80), len(b)-off-1)
	}
	return 0, 0, &DecodeError{Offset: off, Err: fmt.Errorf("%w: length form %02X", ErrLength, c)}
}
