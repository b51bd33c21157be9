package zvt

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"

	"github.com/posdoctor/posdoctor/terminal"
)

// bmpFormat is how a BMP's value is laid out on the wire (spec ch. 13).
type bmpFormat uint8

const (
	fmtBin   bmpFormat = iota // fixed number of binary bytes
	fmtBCD                    // fixed number of BCD bytes
	fmtASCII                  // fixed number of text bytes
	fmtLL                     // LLVAR: Fx Fy, 0–99 bytes
	fmtLLL                    // LLLVAR: Fx Fy Fz, 0–999 bytes
	fmtTLV                    // BER length, then TLV data objects (BMP 06)
)

// bmpKind is how a BMP's value is shown.
type bmpKind uint8

const (
	kindHex      bmpKind = iota // bytes as hex
	kindByte                    // one byte as hex
	kindNumber                  // BCD as a decimal number
	kindDigits                  // BCD as a digit string (dates, TID)
	kindAmount                  // BCD minor units
	kindText                    // text in the terminal's charset
	kindPAN                     // BCD digits, E masked, F padded; masked in output
	kindSecret                  // track data, CVV: never shown
	kindResult                  // result code (§4.1)
	kindTLV                     // BMP 06
	kindPassword                // shown as ****** unless unmasked
)

type bmpSpec struct {
	name   string
	format bmpFormat
	size   int // for fixed formats
	kind   bmpKind
}

// BMP ids used by the messages and their accessors (spec ch. 13,
// research/zvt.md §2.2).
const (
	BMPTimeout        byte = 0x01
	BMPMaxStatusInfos byte = 0x02
	BMPServiceByte    byte = 0x03
	BMPAmount         byte = 0x04
	BMPTLV            byte = 0x06
	BMPTrace          byte = 0x0B
	BMPTime           byte = 0x0C
	BMPDate           byte = 0x0D
	BMPExpiry         byte = 0x0E
	BMPCardSeq        byte = 0x17
	BMPStatusByte     byte = 0x19 // status byte / payment type / card type, by command
	BMPPAN            byte = 0x22
	BMPTrack2         byte = 0x23
	BMPTrack3         byte = 0x24
	BMPResultCode     byte = 0x27
	BMPTID            byte = 0x29
	BMPVUNumber       byte = 0x2A
	BMPTrack1         byte = 0x2D
	BMPOriginalTrace  byte = 0x37
	BMPCVV            byte = 0x3A
	BMPAuthCode       byte = 0x3B
	BMPText           byte = 0x3C
	BMPPassword       byte = 0x3D
	BMPCurrency       byte = 0x49
	BMPTotals         byte = 0x60
	BMPReceipt        byte = 0x87
	BMPTurnover       byte = 0x88
	BMPCardType       byte = 0x8A
	BMPCardName       byte = 0x8B
	BMPNetworkCard    byte = 0x8C
	BMPResultCodeAS   byte = 0xA0
	BMPDateYYMMDD     byte = 0xAA
	BMPCardOutDir     byte = 0xD2
	BMPDialogControl  byte = 0xFC
	BMPReaderAction   byte = 0xFA
)

// bmps is the one BMP table (research/zvt.md §2.2). Every BMP decoder and
// encoder in the package is driven by it.
var bmps = map[byte]bmpSpec{
	0x01: {"timeout", fmtBin, 1, kindByte},
	0x02: {"max_status_infos", fmtBin, 1, kindByte},
	0x03: {"service_byte", fmtBin, 1, kindByte},
	0x04: {"amount", fmtBCD, 6, kindAmount},
	0x05: {"pump_no", fmtBin, 1, kindByte},
	0x06: {"tlv", fmtTLV, 0, kindTLV},
	0x0B: {"trace_no", fmtBCD, 3, kindNumber},
	0x0C: {"time", fmtBCD, 3, kindDigits},
	0x0D: {"date", fmtBCD, 2, kindDigits},
	0x0E: {"expiry", fmtBCD, 2, kindDigits},
	0x17: {"card_sequence_no", fmtBCD, 2, kindNumber},
	0x19: {"status_byte", fmtBin, 1, kindByte},
	0x22: {"pan", fmtLL, 0, kindPAN},
	0x23: {"track2", fmtLL, 0, kindSecret},
	0x24: {"track3", fmtLLL, 0, kindSecret},
	0x27: {"result_code", fmtBin, 1, kindResult},
	0x29: {"tid", fmtBCD, 4, kindDigits},
	0x2A: {"vu_number", fmtASCII, 15, kindText},
	0x2D: {"track1", fmtLL, 0, kindSecret},
	0x2E: {"sync_chip_data", fmtLLL, 0, kindHex},
	0x37: {"original_trace_no", fmtBCD, 3, kindNumber},
	0x3A: {"cvv", fmtBCD, 2, kindSecret},
	0x3B: {"auth_code", fmtASCII, 8, kindText},
	0x3C: {"text", fmtLLL, 0, kindText},
	0x3D: {"password", fmtBCD, 3, kindPassword},
	0x49: {"currency", fmtBCD, 2, kindNumber},
	0x4C: {"blocked_goods_groups", fmtLL, 0, kindHex},
	0x60: {"totals", fmtLLL, 0, kindHex},
	0x70: {"display_image_id", fmtBin, 4, kindHex},
	0x71: {"display_image_size", fmtBin, 4, kindHex},
	0x72: {"display_image_mime", fmtBin, 1, kindByte},
	0x73: {"display_image_encoding", fmtBin, 1, kindByte},
	0x74: {"display_image_chunks", fmtBin, 1, kindByte},
	0x75: {"display_image_chunk", fmtBin, 1, kindByte},
	0x87: {"receipt_no", fmtBCD, 2, kindNumber},
	0x88: {"turnover_no", fmtBCD, 3, kindNumber},
	0x8A: {"card_type", fmtBin, 1, kindByte},
	0x8B: {"card_name", fmtLL, 0, kindText},
	0x8C: {"network_card_type", fmtBin, 1, kindByte},
	0x9A: {"geldkarte_record", fmtLLL, 0, kindHex},
	0xA0: {"result_code_as", fmtBin, 1, kindByte},
	0xA7: {"chip_ef_id", fmtLL, 0, kindHex},
	0xAA: {"date_yymmdd", fmtBCD, 3, kindDigits},
	0xAF: {"ef_info", fmtLLL, 0, kindHex},
	0xBA: {"aid_parameter", fmtBin, 5, kindHex},
	0xD0: {"algorithm_key", fmtBin, 1, kindByte},
	0xD1: {"card_offset_pin_data", fmtLL, 0, kindSecret},
	0xD2: {"card_output_direction", fmtBin, 1, kindByte},
	0xD3: {"dukpt_key_id", fmtBin, 1, kindByte},
	0xE0: {"control_e0", fmtBin, 1, kindByte},
	0xE9: {"control_e9", fmtBin, 1, kindByte},
	0xEA: {"control_ea", fmtBin, 1, kindByte},
	0xF0: {"control_f0", fmtBin, 1, kindByte},
	0xF9: {"control_f9", fmtBin, 1, kindByte},
	0xFA: {"reader_activation", fmtBin, 1, kindByte},
	0xFB: {"control_fb", fmtBin, 1, kindByte},
	0xFC: {"dialog_control", fmtBin, 1, kindByte},
	0xFD: {"control_fd", fmtBin, 1, kindByte},
}

// bmpFieldNames are the field names in errors ("BMP 27"), made once;
// bmpIndex is the table as an array for the decode loop.
var (
	bmpFieldNames [256]string
	bmpIndex      [256]*bmpSpec
)

func init() {
	for i := range bmpFieldNames {
		bmpFieldNames[i] = fmt.Sprintf("BMP %02X", i)
	}
	for i := byte(1); i <= 8; i++ {
		bmps[0xE0+i] = bmpSpec{"text2_line_" + strconv.Itoa(int(i)), fmtLL, 0, kindText}
		bmps[0xF0+i] = bmpSpec{"text1_line_" + strconv.Itoa(int(i)), fmtLL, 0, kindText}
	}
	for id, spec := range bmps {
		bmpIndex[id] = &spec
	}
}

// BMPName returns the snake_case name of a BMP, or "bmp_XX" when unknown.
func BMPName(id byte) string {
	if s, ok := bmps[id]; ok {
		return s.name
	}
	return fmt.Sprintf("bmp_%02x", id)
}

// KnownBMP reports whether id is in the BMP table.
func KnownBMP(id byte) bool { _, ok := bmps[id]; return ok }

// scanBMPs walks the BMPs in b[off:] and calls fn for each with its tag, the
// offset of its value and the offset after it. It stops at the first unknown
// BMP and returns that BMP's offset (len(b) when every BMP was known).
// Every iteration moves off forward by at least one byte.
func scanBMPs(b []byte, off int, fn func(tag byte, spec bmpSpec, val, end int) error) (int, error) {
	for off < len(b) {
		tag := b[off]
		sp := bmpIndex[tag]
		if sp == nil {
			return off, nil
		}
		spec := *sp
		field := bmpFieldNames[tag]
		val, n := off+1, spec.size
		var err error
		switch spec.format {
		case fmtLL:
			n, val, err = readVarLen(b, val, 2, field)
		case fmtLLL:
			n, val, err = readVarLen(b, val, 3, field)
		case fmtTLV:
			n, val, err = readTLVLen(b, val, field)
		}
		if err != nil {
			return len(b), err
		}
		if len(b)-val < n {
			return len(b), errShort(field, val, n, len(b)-val)
		}
		if spec.format == fmtBCD {
			if i := checkBCD(b[val : val+n]); i >= 0 {
				return len(b), errAt(field, val+i/2, ErrBCD, "nibble %X is not a digit", nibble(b[val:val+n], i))
			}
		}
		if fn != nil {
			if err := fn(tag, spec, val, val+n); err != nil {
				return len(b), err
			}
		}
		off = val + n
	}
	return off, nil
}

func nibble(b []byte, i int) byte {
	if i%2 == 0 {
		return b[i/2] >> 4
	}
	return b[i/2] & 15
}

// Field is one BMP: its id and its value without the length prefix. For BMP
// 06, TLV holds the decoded data objects (Value is nil after Decode); Encode
// writes TLV, or Value as raw TLV data when TLV is nil.
//
// After Decode, Value points into the decoded APDU.
type Field struct {
	BMP   byte
	Value []byte
	TLV   TLVList
}

// Name returns the BMP's snake_case name.
func (f Field) Name() string { return BMPName(f.BMP) }

// Fields is a list of BMPs in wire order. Rest holds the bytes from the
// first unknown BMP to the end of the data, kept raw because an unknown BMP's
// length is unknown (research/zvt.md §2.2); Encode writes them back as they
// were. The setters record the first invalid value and Encode reports it.
type Fields struct {
	List []Field
	Rest []byte
	err  error
}

// decodeFields decodes the BMPs in b[off:], the lists cut from mem (nil:
// allocated). Offsets in errors count from the start of b.
func decodeFields(b []byte, off int, mem *decodeMem) (Fields, error) {
	var f Fields
	// A BMP takes at least two bytes; the capacity comes from the bytes
	// present, never from a length field, and is capped.
	if n := min((len(b)-off)/2, 16); n > 0 {
		f.List = mem.fieldLists().list(n)
	}
	rest, err := scanBMPs(b, off, func(tag byte, spec bmpSpec, val, end int) error {
		fd := Field{BMP: tag, Value: b[val:end:end]}
		if spec.format == fmtTLV {
			l, err := decodeTLV(b[val:end], 0, mem.tlvLists())
			if err != nil {
				return withBase(err, val)
			}
			if l == nil {
				l = TLVList{}
			}
			fd.TLV, fd.Value = l, nil
		}
		f.List = append(f.List, fd)
		return nil
	})
	if err != nil {
		return Fields{}, err
	}
	if rest < len(b) {
		f.Rest = b[rest:len(b):len(b)]
	}
	return f, nil
}

// DecodeBMPs decodes a list of BMPs (the data part of a BMP-carrying
// message). Values point into b. An unknown BMP ends the list: it and
// everything after it go to Rest.
func DecodeBMPs(b []byte) (Fields, error) { return decodeFields(b, 0, nil) }

// AppendBMPs appends the wire form of f to dst.
func AppendBMPs(dst []byte, f Fields) ([]byte, error) { return f.append(dst) }

func (f Fields) append(dst []byte) ([]byte, error) {
	if f.err != nil {
		return dst, f.err
	}
	start := len(dst)
	for _, fd := range f.List {
		spec, ok := bmps[fd.BMP]
		field := fmt.Sprintf("BMP %02X", fd.BMP)
		if !ok {
			// An unknown BMP given by the caller: written as tag + raw value.
			dst = append(dst, fd.BMP)
			dst = append(dst, fd.Value...)
			continue
		}
		dst = append(dst, fd.BMP)
		var err error
		switch spec.format {
		case fmtBin, fmtBCD, fmtASCII:
			if len(fd.Value) != spec.size {
				err = fmt.Errorf("%w: %s needs %d bytes, has %d", ErrLength, spec.name, spec.size, len(fd.Value))
			}
			dst = append(dst, fd.Value...)
		case fmtLL:
			dst, err = appendVarLen(dst, len(fd.Value), 2)
			dst = append(dst, fd.Value...)
		case fmtLLL:
			dst, err = appendVarLen(dst, len(fd.Value), 3)
			dst = append(dst, fd.Value...)
		case fmtTLV:
			if fd.TLV == nil && fd.Value != nil {
				dst = appendTLVLen(dst, len(fd.Value))
				dst = append(dst, fd.Value...)
			} else {
				dst, err = appendTLVObject(dst, fd.TLV)
			}
		}
		if err != nil {
			return dst[:start], &EncodeError{Field: field, Err: err}
		}
	}
	return append(dst, f.Rest...), nil
}

// appendTLVObject appends a BER length and the encoded list.
func appendTLVObject(dst []byte, l TLVList) ([]byte, error) {
	body, err := AppendTLV(nil, l)
	if err != nil {
		return dst, err
	}
	dst = appendTLVLen(dst, len(body))
	return append(dst, body...), nil
}

// String shows the field with card data masked, e.g. "22 pan=559883******8074".
func (f Field) String() string {
	var sb strings.Builder
	writeItems(&sb, maskedItems([]Item{(&viewer{}).field(f)}), -1)
	return strings.TrimSpace(sb.String())
}

// MarshalJSON writes the field as decoded, card data masked.
func (f Field) MarshalJSON() ([]byte, error) {
	return json.Marshal(maskedItems([]Item{(&viewer{}).field(f)})[0])
}

// String shows the fields one per line with card data masked.
func (f Fields) String() string {
	var sb strings.Builder
	writeItems(&sb, maskedItems((&viewer{}).fields(f)), -1)
	return strings.TrimRight(sb.String(), "\n")
}

// MarshalJSON writes the fields as decoded items, card data masked, so a
// Fields inside any logged struct never leaks a PAN.
func (f Fields) MarshalJSON() ([]byte, error) {
	items := maskedItems((&viewer{}).fields(f))
	if items == nil {
		items = []Item{}
	}
	return json.Marshal(items)
}

// Get returns the first field with the BMP id.
func (f Fields) Get(id byte) (Field, bool) {
	for _, fd := range f.List {
		if fd.BMP == id {
			return fd, true
		}
	}
	return Field{}, false
}

// Has reports whether the BMP is present.
func (f Fields) Has(id byte) bool { _, ok := f.Get(id); return ok }

// Err returns the first error a setter recorded.
func (f Fields) Err() error { return f.err }

// Byte returns a 1-byte BMP's value.
func (f Fields) Byte(id byte) (byte, bool) {
	fd, ok := f.Get(id)
	if !ok || len(fd.Value) != 1 {
		return 0, false
	}
	return fd.Value[0], true
}

// Uint returns a BCD BMP as a number; false when absent or masked.
func (f Fields) Uint(id byte) (uint64, bool) {
	fd, ok := f.Get(id)
	if !ok {
		return 0, false
	}
	return bcdUint(fd.Value)
}

// Digits returns a BCD BMP as digits, masked digits as '*', padding dropped.
// BMP 22 comes back masked like [Fields.PAN].
func (f Fields) Digits(id byte) (string, bool) {
	fd, ok := f.Get(id)
	if !ok {
		return "", false
	}
	if id == BMPPAN {
		return terminal.NewPAN(digitString(fd.Value)).String(), true
	}
	return digitString(fd.Value), true
}

// Amount returns BMP 04 in minor units (cents).
func (f Fields) Amount() (int64, bool) {
	v, ok := f.Uint(BMPAmount)
	return int64(v), ok
}

// Currency returns BMP 49 as an ISO 4217 number (978 EUR).
func (f Fields) Currency() (int, bool) {
	v, ok := f.Uint(BMPCurrency)
	return int(v), ok
}

// ResultCode returns BMP 27 (research/zvt.md §4.1).
func (f Fields) ResultCode() (byte, bool) { return f.Byte(BMPResultCode) }

// Trace returns BMP 0B, the trace number.
func (f Fields) Trace() (int, bool) {
	v, ok := f.Uint(BMPTrace)
	return int(v), ok
}

// Receipt returns BMP 87, the receipt number.
func (f Fields) Receipt() (int, bool) {
	v, ok := f.Uint(BMPReceipt)
	return int(v), ok
}

// TID returns BMP 29, the terminal id (8 digits).
func (f Fields) TID() (string, bool) { return f.Digits(BMPTID) }

// PAN returns BMP 22 as a masked [terminal.PAN]: the full number never
// leaves this package through an accessor.
func (f Fields) PAN() (terminal.PAN, bool) {
	fd, ok := f.Get(BMPPAN)
	if !ok {
		return terminal.PAN{}, false
	}
	return terminal.NewPAN(digitString(fd.Value)), true
}

// Expiry returns BMP 0E as YYMM (masked digits as '*').
func (f Fields) Expiry() (string, bool) { return f.Digits(BMPExpiry) }

// StatusByte returns BMP 19.
func (f Fields) StatusByte() (byte, bool) { return f.Byte(BMPStatusByte) }

// CardType returns BMP 8A, the ZVT card type id.
func (f Fields) CardType() (byte, bool) { return f.Byte(BMPCardType) }

// ServiceByte returns BMP 03.
func (f Fields) ServiceByte() (byte, bool) { return f.Byte(BMPServiceByte) }

// Text returns a text BMP (3C, 8B, 2A, 3B, E1–E8, F1–F8) decoded with cs,
// with trailing NULs and padding spaces removed.
func (f Fields) Text(id byte, cs Charset) (string, bool) {
	fd, ok := f.Get(id)
	if !ok {
		return "", false
	}
	return trimText(cs.DecodeText(fd.Value)), true
}

// CardName returns BMP 8B (null-terminated in practice).
func (f Fields) CardName(cs Charset) (string, bool) { return f.Text(BMPCardName, cs) }

// AuthCode returns BMP 3B.
func (f Fields) AuthCode() (string, bool) { return f.Text(BMPAuthCode, CP437) }

// TLV returns the data objects of BMP 06.
func (f Fields) TLV() (TLVList, bool) {
	fd, ok := f.Get(BMPTLV)
	if !ok {
		return nil, false
	}
	return fd.TLV, true
}

// TLVValue finds tag anywhere in BMP 06 (depth first).
func (f Fields) TLVValue(tag Tag) ([]byte, bool) {
	l, ok := f.TLV()
	if !ok {
		return nil, false
	}
	return l.Value(tag)
}

// Set sets BMP id to value, replacing the first field with that id or
// appending one.
func (f *Fields) Set(id byte, value []byte) {
	for i := range f.List {
		if f.List[i].BMP == id {
			f.List[i].Value = value
			if id == BMPTLV {
				f.List[i].TLV = nil // raw TLV data from now on
			}
			return
		}
	}
	f.List = append(f.List, Field{BMP: id, Value: value})
}

// SetByte sets a 1-byte BMP.
func (f *Fields) SetByte(id byte, v byte) { f.Set(id, []byte{v}) }

// SetUint sets a fixed-width BCD BMP (04, 0B, 29, 49, 87, …) to v.
func (f *Fields) SetUint(id byte, v uint64) {
	spec, ok := bmps[id]
	if !ok || spec.format != fmtBCD {
		f.fail(id, fmt.Errorf("%w: BMP %02X is not a fixed BCD field", ErrFormat, id))
		return
	}
	b, err := appendBCDUint(nil, v, spec.size)
	if err != nil {
		f.fail(id, err)
		return
	}
	f.Set(id, b)
}

// SetDigits sets a BCD BMP from a digit string ('*' for masked digits). For
// an LLVAR BMP such as 22 an odd count is padded with F; for a fixed one the
// digits must fill it.
func (f *Fields) SetDigits(id byte, digits string) {
	b, err := packDigits(digits)
	if err != nil {
		f.fail(id, err)
		return
	}
	f.Set(id, b)
}

// SetAmount sets BMP 04 to v minor units.
func (f *Fields) SetAmount(v int64) {
	if v < 0 {
		f.fail(BMPAmount, fmt.Errorf("%w: negative amount %d", ErrBCD, v))
		return
	}
	f.SetUint(BMPAmount, uint64(v))
}

// SetCurrency sets BMP 49 to an ISO 4217 number.
func (f *Fields) SetCurrency(code int) {
	if code < 0 {
		f.fail(BMPCurrency, fmt.Errorf("%w: negative currency %d", ErrBCD, code))
		return
	}
	f.SetUint(BMPCurrency, uint64(code))
}

// SetText sets a text BMP encoded in cs.
func (f *Fields) SetText(id byte, s string, cs Charset) {
	b, err := cs.EncodeText(s)
	if err != nil {
		f.fail(id, err)
		return
	}
	f.Set(id, b)
}

// SetTLV sets BMP 06 to the data objects l (an empty, non-nil list encodes
// as 06 00, "I support TLV").
func (f *Fields) SetTLV(l TLVList) {
	if l == nil {
		l = TLVList{}
	}
	for i := range f.List {
		if f.List[i].BMP == BMPTLV {
			f.List[i].TLV, f.List[i].Value = l, nil
			return
		}
	}
	f.List = append(f.List, Field{BMP: BMPTLV, TLV: l})
}

func (f *Fields) fail(id byte, err error) {
	if f.err == nil {
		f.err = &EncodeError{Field: fmt.Sprintf("BMP %02X", id), Err: err}
	}
}
