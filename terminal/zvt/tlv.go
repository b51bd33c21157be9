package zvt

import (
	"errors"
	"fmt"
	"strings"
)

// TLV data objects in BMP 06 (spec ch. 9, research/zvt.md §2.3): BER tags
// of one or more bytes, lengths 00–7F, 81 nn or 82 hi lo (big-endian here,
// unlike the APDU's extended length), constructed objects nested.

// MaxTLVDepth is how deep constructed objects may nest. The deepest the spec
// uses is three (62 → 60 → 41); eight leaves room for vendor data and stops
// a hostile input from recursing without end.
const MaxTLVDepth = 8

// maxTagBytes bounds a multi-byte tag so it fits a Tag.
const maxTagBytes = 4

// Tag is a BER tag with its bytes big-endian in a number: 0x07, 0x1F44,
// 0xFF01.
type Tag uint32

// Well-known TLV tags (research/zvt.md §2.3).
const (
	TagTextLine        Tag = 0x07
	TagAttribute       Tag = 0x09
	TagZVTCommand      Tag = 0x0A
	TagExtraResult     Tag = 0x13
	TagCharset         Tag = 0x14
	TagDiagnosisType   Tag = 0x1B
	TagDisplayTexts    Tag = 0x24
	TagPrintTexts      Tag = 0x25
	TagPermittedCmds   Tag = 0x26
	TagDateTime        Tag = 0x34
	TagCardTypeID      Tag = 0x41
	TagDeviceInfo      Tag = 0xE4
	TagReceiptType     Tag = 0x1F07
	TagTechnology      Tag = 0x1F12
	TagExtErrorCode    Tag = 0x1F16
	TagExtErrorText    Tag = 0x1F17
	TagSyncReceipt     Tag = 0x1F1F
	TagLongTrace       Tag = 0x1F2B
	TagDeviceName      Tag = 0x1F40
	TagSoftwareVersion Tag = 0x1F41
	TagSerialNumber    Tag = 0x1F42
	TagDeviceState     Tag = 0x1F43
	TagTID             Tag = 0x1F44
	TagMsgSeqID        Tag = 0x1F73
	TagDate            Tag = 0x1F0E
	TagTime            Tag = 0x1F0F
)

// appendTag appends the tag's bytes (without leading zero bytes) to dst.
func appendTag(dst []byte, t Tag) []byte {
	switch {
	case t > 0xFFFFFF:
		return append(dst, byte(t>>24), byte(t>>16), byte(t>>8), byte(t))
	case t > 0xFFFF:
		return append(dst, byte(t>>16), byte(t>>8), byte(t))
	case t > 0xFF:
		return append(dst, byte(t>>8), byte(t))
	}
	return append(dst, byte(t))
}

func (t Tag) first() byte {
	for t > 0xFF {
		t >>= 8
	}
	return byte(t)
}

// Constructed reports whether the tag's first byte has the constructed bit
// (0x20): its value is more data objects.
func (t Tag) Constructed() bool { return t.first()&0x20 != 0 }

// String returns the tag as hex, e.g. "1F44".
func (t Tag) String() string {
	if t <= 0xFF {
		return byteHex[t]
	}
	if sp := tagSpecs[t]; sp != nil {
		return sp.str // made once for every tag the tables know
	}
	return tagString(t)
}

func tagString(t Tag) string { return strings.ReplaceAll(Hex(appendTag(nil, t)), " ", "") }

// Name returns the tag's snake_case name or "tag_XXXX".
func (t Tag) Name() string {
	if n, ok := tlvNames[t]; ok {
		return n
	}
	return "tag_" + strings.ToLower(t.String())
}

// TLV is one data object. A constructed object has Children; a primitive one,
// or a constructed one whose content could not be parsed (unknown tags only),
// has Value. After decoding, Value points into the decoded bytes.
type TLV struct {
	Tag      Tag
	Value    []byte
	Children TLVList
}

// TLVList is a sequence of data objects.
type TLVList []TLV

// NewTLV returns a primitive object.
func NewTLV(tag Tag, value []byte) TLV { return TLV{Tag: tag, Value: value} }

// NewConstructed returns a constructed object holding children.
func NewConstructed(tag Tag, children ...TLV) TLV {
	if children == nil {
		children = TLVList{}
	}
	return TLV{Tag: tag, Children: children}
}

// Find returns the first object with tag, searching depth first.
func (l TLVList) Find(tag Tag) (TLV, bool) {
	for _, o := range l {
		if o.Tag == tag {
			return o, true
		}
		if c, ok := o.Children.Find(tag); ok {
			return c, true
		}
	}
	return TLV{}, false
}

// Value returns the value of the first object with tag (depth first).
func (l TLVList) Value(tag Tag) ([]byte, bool) {
	o, ok := l.Find(tag)
	return o.Value, ok
}

// All returns every object with tag, depth first, in wire order.
func (l TLVList) All(tag Tag) []TLV {
	var out []TLV
	for _, o := range l {
		if o.Tag == tag {
			out = append(out, o)
		}
		out = append(out, o.Children.All(tag)...)
	}
	return out
}

// DecodeTLV decodes the data objects in b (the content of BMP 06, without
// its length). Unknown tags are kept; constructed objects are decoded from
// their own bytes only, at most MaxTLVDepth deep. Offsets in errors count
// from the start of b.
func DecodeTLV(b []byte) (TLVList, error) { return decodeTLV(b, 0, nil) }

// decodeTLV is DecodeTLV at depth, its lists cut from lists (nil: allocated).
func decodeTLV(b []byte, depth int, lists *slab[TLV]) (TLVList, error) {
	if depth >= MaxTLVDepth {
		return nil, errAt("TLV", 0, ErrDepth, "more than %d levels", MaxTLVDepth)
	}
	var l TLVList
	if n := countTLV(b); n > 0 {
		l = lists.list(n) // objects actually present, not a length from the wire
	}
	off := 0
	for off < len(b) {
		start := off
		tag, n, err := readTag(b, off)
		if err != nil {
			return nil, err
		}
		size, val, err := readTLVLen(b, off+n, "")
		if err != nil {
			err.(*DecodeError).Field = "TLV " + tag.String() + " length"
			return nil, err
		}
		field := "" // built only on the error paths: this loop is hot
		if len(b)-val < size {
			return nil, errShort("TLV "+tag.String(), val, size, len(b)-val)
		}
		o := TLV{Tag: tag}
		content := b[val : val+size : val+size]
		if tag.Constructed() && !primitiveTags[tag] {
			children, err := decodeTLV(content, depth+1, lists)
			switch {
			case err == nil:
				if children == nil {
					children = TLVList{}
				}
				o.Children = children
			case errors.Is(err, ErrDepth) || knownTag(tag):
				return nil, withBase(err, val)
			default:
				o.Value = content // unknown constructed tag with odd content: keep raw
			}
		} else {
			o.Value = content
		}
		l = append(l, o)
		off = val + size
		if off <= start { // cannot happen (tag takes a byte); keeps the loop provably forward
			return nil, errAt("TLV "+tag.String()+field, start, ErrFormat, "no progress")
		}
	}
	return l, nil
}

// countTLV counts the data objects at the top level of b, stopping at the
// first one that does not fit. Each step moves forward by at least two bytes.
func countTLV(b []byte) int {
	n, off := 0, 0
	for off < len(b) {
		_, tn, err := readTag(b, off)
		if err != nil {
			break
		}
		size, val, err := readTLVLen(b, off+tn, "")
		if err != nil || len(b)-val < size {
			break
		}
		n++
		off = val + size
	}
	return n
}

// primitiveTags have the constructed bit in their first byte but hold a
// plain value: Feig's FF40 password (BCD) and FF41 host configuration
// (IP, port, config byte) in Change Configuration 08 13 (EVerest/zvt
// zvt/src/feig/packets/tlv.rs, capture zvt/data/change_host_config.blob).
var primitiveTags = map[Tag]bool{TagFeigPassword: true, TagFeigHostConf: true}

func knownTag(t Tag) bool { _, ok := tlvNames[t]; return ok }

// readTag reads a BER tag at b[off:] and returns it with its size in bytes.
func readTag(b []byte, off int) (Tag, int, error) {
	if off >= len(b) {
		return 0, 0, errShort("TLV tag", off, 1, 0)
	}
	t := Tag(b[off])
	n := 1
	if b[off]&0x1F == 0x1F {
		for {
			if off+n >= len(b) {
				return 0, 0, errShort("TLV tag", off+n, 1, 0)
			}
			c := b[off+n]
			t = t<<8 | Tag(c)
			n++
			if c&0x80 == 0 {
				break
			}
			if n >= maxTagBytes {
				return 0, 0, errAt("TLV tag", off, ErrFormat, "tag longer than %d bytes", maxTagBytes)
			}
		}
	}
	return t, n, nil
}

// readTLVLen reads a BER length at b[off:]: 00–7F, 81 nn, 82 hi lo
// (big-endian). 80 and 83+ are rejected. It returns the length and the
// offset after it.
func readTLVLen(b []byte, off int, field string) (int, int, error) {
	if off >= len(b) {
		return 0, len(b), errShort(field+" length", off, 1, 0)
	}
	c := b[off]
	switch {
	case c < 0x80:
		return int(c), off + 1, nil
	case c == 0x81:
		if len(b)-off < 2 {
			return 0, len(b), errShort(field+" length", off+1, 1, len(b)-off-1)
		}
		return int(b[off+1]), off + 2, nil
	case c == 0x82:
		if len(b)-off < 3 {
			return 0, len(b), errShort(field+" length", off+1, 2, len(b)-off-1)
		}
		return int(b[off+1])<<8 | int(b[off+2]), off + 3, nil
	}
	return 0, len(b), errAt(field+" length", off, ErrLength, "length form %02X not supported", c)
}

// appendTLVLen appends n as the shortest BER length.
func appendTLVLen(dst []byte, n int) []byte {
	switch {
	case n < 0x80:
		return append(dst, byte(n))
	case n <= 0xFF:
		return append(dst, 0x81, byte(n))
	}
	return append(dst, 0x82, byte(n>>8), byte(n))
}

// AppendTLV appends the data objects of l to dst (without an outer length).
// A value above 65535 bytes is an error wrapping ErrLength.
func AppendTLV(dst []byte, l TLVList) ([]byte, error) { return appendTLV(dst, l, 0) }

func appendTLV(dst []byte, l TLVList, depth int) ([]byte, error) {
	if depth >= MaxTLVDepth {
		return dst, fmt.Errorf("%w: more than %d levels", ErrDepth, MaxTLVDepth)
	}
	for _, o := range l {
		dst = appendTag(dst, o.Tag)
		value := o.Value
		if o.Children != nil {
			var err error
			if value, err = appendTLV(nil, o.Children, depth+1); err != nil {
				return dst, err
			}
		}
		if len(value) > 0xFFFF {
			return dst, fmt.Errorf("%w: TLV %s value of %d bytes", ErrLength, o.Tag, len(value))
		}
		dst = appendTLVLen(dst, len(value))
		dst = append(dst, value...)
	}
	return dst, nil
}

// tlvNames names the tags of research/zvt.md §2.3.
var tlvNames = map[Tag]string{
	0x07: "text_line", 0x09: "attribute", 0x0A: "zvt_command", 0x10: "columns", 0x11: "lines",
	0x12: "printer_width", 0x13: "extra_result_code", 0x14: "charset", 0x15: "language", 0x1A: "max_apdu_length",
	0x1B: "diagnosis_type", 0x1D: "file_id", 0x1E: "start_position",
	0x1F00: "file_size", 0x1F01: "repeat_receipt_filter", 0x1F02: "repeat_receipt_no", 0x1F03: "repeat_receipt_type",
	0x1F04: "receipt_parameter", 0x1F05: "transaction_type", 0x1F07: "receipt_type", 0x1F0B: "max_pre_auth",
	0x1F0E: "date", 0x1F0F: "time", 0x1F10: "cvm", 0x1F11: "online", 0x1F12: "technology", 0x1F14: "card_hash",
	0x1F15: "card_reading_control", 0x1F16: "ext_error_code", 0x1F17: "ext_error_text", 0x1F1F: "sync_receipt_no",
	0x1F2B: "long_trace_no", 0x1F37: "receipt_id", 0x1F3F: "card_details", 0x1F40: "device_name", 0x1F41: "software_version",
	0x1F42: "serial_number", 0x1F43: "device_state", 0x1F44: "tid", 0x1F55: "terminal_locks", 0x1F60: "read_card_control",
	0x1F6B: "card_reader_timeout", 0x1F71: "pt_capabilities", 0x1F72: "status_enquiry_options", 0x1F73: "msg_seq_id",
	0x1F76: "status_enquiry_flags", 0x1F78: "status_enquiry_extra",
	0x20: "display_texts_old", 0x21: "card_data", 0x22: "status_details", 0x23: "receipt_numbers",
	0x24: "display_texts", 0x25: "print_texts", 0x26: "permitted_commands", 0x27: "charsets", 0x28: "languages",
	0x29: "receipt_parameters", 0x2A: "ecr_capabilities", 0x2D: "file", 0x2F: "payment_type", 0x34: "date_time",
	0x40: "emv_config", 0x41: "card_type_id", 0x42: "application_name", 0x43: "aid", 0x44: "application_preferred_name",
	0x45: "receipt_parameter", 0x46: "emv_print_data_customer", 0x47: "emv_print_data_merchant", 0x48: "priority",
	0x49: "network_card_type_id", 0x4B: "issuer_country_code", 0x4C: "uid", 0x4D: "girogo_ef_id", 0x4E: "emv_par",
	0x60: "application", 0x61: "application_name", 0x62: "applications", 0xE4: "device_info", 0xE6: "card_info",
	// Spec 13.11 TLV table (BrunoHos/zvt-show zvt.mjs) for tags real captures carry
	// (EVerest/zvt zvt/data, Feig cVEND): Read Card's contactless data, the
	// reference number of a Partial Reversal, Write File's blocks.
	0x1C: "file_block", 0x1F09: "track2_data", 0x1F1C: "card_name", 0x1F20: "total_amount", 0x1F21: "currency_code",
	0x1F45: "ats", 0x1F46: "command_apdus", 0x1F47: "card_read_error", 0x1F4C: "card_type", 0x1F4D: "card_subtype",
	0x1F4F: "mifare_atqa", 0x1F50: "mifare_sak", 0x1F59: "payment_application", 0x1F62: "bmp60_reference_prefix",
	0x1F63: "reference_number", 0x1F64: "number_of_payments", 0x1F6F: "payment_type",
	0x1F74: "password", 0xE9: "reference_number_container", 0xE2: "dcc_container", 0xE5: "key_container",
	// EMV data objects a terminal may pass on (EMV 4.3 Book 3, annex A).
	0x5A: "pan", 0x57: "track2_equivalent", 0x5F24: "expiry_date", 0x4F: "emv_aid", 0x50: "application_label",
	// Feig cVEND Change Configuration (Feig manual §6.7, EVerest/zvt zvt/src/feig/packets/tlv.rs).
	0xFF40: "password", 0xFF41: "host_configuration",
}
