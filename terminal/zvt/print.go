package zvt

// PrintLine (06 D1, PT → ECR) is one receipt line: <attribute> <text>
// (research/zvt.md §3). Attribute 0000nnnn is normal text indented n,
// bit 0x80 (≠ 80) marks the last line, FF is line feeds.
//
// Some PTs (card complete, §5 V13) append a TLV container "06 <len> <TLV>"
// at the end of the text. Decode splits it off into TLV when the tail parses
// as exactly one such container; TLV is nil otherwise.
type PrintLine struct {
	Attribute byte
	Text      []byte // in the terminal's charset
	TLV       TLVList
}

// PT marks PrintLine as a message the PT sends.
func (*PrintLine) PT() {}

// Command returns the command PrintLine is sent with.
func (*PrintLine) Command() Command { return CmdPrintLine }
func (*PrintLine) typeName() string { return "print_line" }

// Last reports whether the attribute marks the last line of a receipt.
func (m *PrintLine) Last() bool {
	return m.Attribute&0x80 != 0 && m.Attribute != 0x80 && m.Attribute != 0xFF
}

// Decode reads a Print Line APDU.
func (m *PrintLine) Decode(apdu []byte) error {
	*m = PrintLine{}
	r, _, err := openAPDU(apdu, CmdPrintLine)
	if err != nil {
		return err
	}
	m.Attribute = r.u8("attribute")
	text := r.rest()
	if err := r.done(CmdPrintLine); err != nil {
		return err
	}
	m.Text = text
	if i, l := trailingTLV(text); i >= 0 {
		m.Text, m.TLV = text[:i:i], l
	}
	return nil
}

// maxTrailingTLV bounds the trailing TLV of a print line: the one seen in
// the field is 6 bytes (research/zvt.md §5 V13).
const maxTrailingTLV = 256

// trailingTLV finds a "06 <len> <TLV>" that ends exactly at the end of b and
// parses, and returns its start, or -1.
func trailingTLV(b []byte) (int, TLVList) {
	// 06 is a control character, never part of printable receipt text. Try
	// each 06 from the left so the longest tail wins; only the last
	// maxTrailingTLV bytes are searched, which keeps this linear.
	for i := max(0, len(b)-maxTrailingTLV); i+2 <= len(b); i++ {
		if b[i] != BMPTLV {
			continue
		}
		n, val, err := readTLVLen(b, i+1, "TLV")
		if err != nil || val+n != len(b) {
			continue
		}
		l, err := DecodeTLV(b[val:])
		if err != nil || len(l) == 0 {
			continue
		}
		return i, l
	}
	return -1, nil
}

// Encode appends the Print Line APDU to dst.
func (m *PrintLine) Encode(dst []byte) ([]byte, error) {
	dst, start := beginAPDU(dst, CmdPrintLine)
	dst = append(dst, m.Attribute)
	dst = append(dst, m.Text...)
	if m.TLV != nil {
		dst = append(dst, BMPTLV)
		var err error
		if dst, err = appendTLVObject(dst, m.TLV); err != nil {
			return dst[:start], &EncodeError{Msg: msgName(CmdPrintLine), Field: "TLV", Err: err}
		}
	}
	return finishAPDU(dst, start)
}

func (m *PrintLine) items(v *viewer) []Item {
	out := []Item{v.byteItem("attribute", m.Attribute, ""), {Name: "text", Value: v.cs.DecodeText(m.Text)}}
	if m.TLV != nil {
		out = append(out, Item{Name: "tlv", BMP: "06", Items: v.tlv(m.TLV, 0)})
	}
	return out
}

// MarshalJSON writes the message as decoded fields with a "type" key.
func (m *PrintLine) MarshalJSON() ([]byte, error) { return marshalMessage(m) }

// PrintTextBlock (06 D3, PT → ECR) is a whole receipt in one TLV container
// (research/zvt.md §3): 06 <TLV: 1F07 receipt type, 25{09 attribute, 07
// line…}, 14 charset, 1F37>. Receipts above 254 bytes use the extended
// length.
type PrintTextBlock struct {
	Fields Fields
}

// PT marks PrintTextBlock as a message the PT sends.
func (*PrintTextBlock) PT() {}

// Command returns the command PrintTextBlock is sent with.
func (*PrintTextBlock) Command() Command { return CmdPrintTextBlock }
func (*PrintTextBlock) typeName() string { return "print_text_block" }

// ReceiptType returns TLV 1F07: 01 merchant, 02 customer, 03 administration.
func (m *PrintTextBlock) ReceiptType() (byte, bool) {
	v, ok := m.Fields.TLVValue(TagReceiptType)
	if !ok || len(v) != 1 {
		return 0, false
	}
	return v[0], true
}

// Lines returns the text lines (TLV 07 in 25) decoded with cs; empty 07 00
// objects are empty lines.
func (m *PrintTextBlock) Lines(cs Charset) []string {
	l, _ := m.Fields.TLV()
	var out []string
	for _, o := range l.All(TagTextLine) {
		out = append(out, cs.DecodeText(o.Value))
	}
	return out
}

// NewPrintTextBlock builds a text block of receipt type typ from lines
// encoded in cs, ending with attribute FF.
func NewPrintTextBlock(typ byte, lines []string, cs Charset) (*PrintTextBlock, error) {
	texts := TLVList{}
	for _, s := range lines {
		b, err := cs.EncodeText(s)
		if err != nil {
			return nil, err
		}
		texts = append(texts, NewTLV(TagTextLine, b))
	}
	texts = append(texts, NewTLV(TagAttribute, []byte{0xFF}))
	m := &PrintTextBlock{}
	m.Fields.SetTLV(TLVList{NewTLV(TagReceiptType, []byte{typ}), NewConstructed(TagPrintTexts, texts...)})
	return m, nil
}

// Decode reads a Print Text-Block APDU.
func (m *PrintTextBlock) Decode(apdu []byte) error { return m.decodeIn(apdu, nil) }

func (m *PrintTextBlock) decodeIn(apdu []byte, mem *decodeMem) error {
	*m = PrintTextBlock{}
	var err error
	m.Fields, err = decodeFieldsOnly(apdu, CmdPrintTextBlock, mem)
	return err
}

// Encode appends the Print Text-Block APDU to dst.
func (m *PrintTextBlock) Encode(dst []byte) ([]byte, error) {
	return encodeFieldsOnly(dst, CmdPrintTextBlock, m.Fields)
}

func (m *PrintTextBlock) items(v *viewer) []Item { return v.fields(m.Fields) }

// MarshalJSON writes the message as decoded fields with a "type" key.
func (m *PrintTextBlock) MarshalJSON() ([]byte, error) { return marshalMessage(m) }
