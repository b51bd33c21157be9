package iso8583

import "fmt"

// Sizes of the framing parts (research/iso8583.md §1.1–1.4).
const (
	lengthSize = 2
	tpduSize   = 5
	headerSize = 6
	mtiSize    = 2
	bitmapSize = 8
	tpduID     = 0x60
)

// layouts are the framings Decode tries, most complete first: a message may
// come with or without its length and TPDU (host logs often cut them), and
// with or without the header (an MTI-first dump of the MAC block).
var layouts = []Parts{
	{true, true, true}, {true, false, true}, {true, true, false}, {true, false, false},
	{false, true, true}, {false, false, true}, {false, true, false}, {false, false, false},
}

// Decode reads one message from b, finding which framing parts are there: it
// tries each layout whose parts fit (the length equals the bytes after it,
// the TPDU starts with 60, the MTI is BCD) and keeps the first that reads to
// the end without a problem, else, among those with an MTI of the profile,
// the one that read the most fields.
//
// The error is non-nil only when no layout gives an MTI and a bitmap; field
// problems are in [Message.Problems] and the unread bytes in [Message.Rest].
func Decode(b []byte) (*Message, error) {
	var best *Message
	var firstErr error
	bestScore := 0
	for _, p := range layouts {
		m, err := decodeLayout(b, p)
		if err != nil {
			if firstErr == nil && !p.Length && !p.TPDU && !p.Header {
				firstErr = err
			}
			continue
		}
		if len(m.Problems) == 0 {
			return m, nil
		}
		if _, known := mtis[m.MTI]; !known {
			continue // an MTI out of the profile that does not read cleanly: not this layout
		}
		if s := score(m); best == nil || s > bestScore {
			best, bestScore = m, s
		}
	}
	if best != nil {
		return best, nil
	}
	if firstErr == nil {
		firstErr = errAt("mti", 0, ErrFormat, "no MTI and bitmap found")
	}
	return nil, firstErr
}

// score ranks a layout that read with problems: fields read count, problems
// and raw leftovers count against.
func score(m *Message) int {
	return 4*len(m.Fields) - len(m.Problems) - len(m.Rest)/16
}

// DecodeParts reads b with exactly the framing parts p.
func DecodeParts(b []byte, p Parts) (*Message, error) { return decodeLayout(b, p) }

// decodeLayout reads b with the framing parts p.
func decodeLayout(b []byte, p Parts) (*Message, error) {
	r := &reader{b: b}
	m := &Message{Parts: p}
	if p.Length {
		v := r.take("length", lengthSize)
		if r.err != nil {
			return nil, r.err
		}
		m.Length = int(v[0])<<8 | int(v[1])
		if m.Length != len(b)-lengthSize {
			return nil, errAt("length", 0, ErrLength, "says %d bytes follow, %d do", m.Length, len(b)-lengthSize)
		}
	}
	if p.TPDU {
		m.TPDU = r.take("tpdu", tpduSize)
		if r.err == nil && m.TPDU[0] != tpduID {
			return nil, errAt("tpdu", r.off-tpduSize, ErrFormat, "starts with %02X, not 60", m.TPDU[0])
		}
	}
	if p.Header {
		hoff := r.off
		m.Header = r.take("header", headerSize)
		if r.err == nil {
			if _, ok := bcdNumber(m.Header[:2]); !ok {
				return nil, errAt("header", hoff, ErrBCD, "application class and version are not BCD")
			}
		}
	}
	moff := r.off
	mti := r.take("mti", mtiSize)
	if r.err != nil {
		return nil, r.err
	}
	if _, ok := bcdNumber(mti); !ok || mti[0]>>4 != 0 || mti[0]&15 == 0 {
		return nil, errAt("mti", moff, ErrFormat, "%02X %02X is not an MTI", mti[0], mti[1])
	}
	m.MTI = digitsOf(mti, 4, true, false)
	boff := r.off
	bm := r.take("bitmap", bitmapSize)
	if r.err != nil {
		return nil, r.err
	}
	if bm[0]&0x80 != 0 {
		r.take("secondary bitmap", bitmapSize)
		if r.err != nil {
			return nil, r.err
		}
	}
	m.Bitmap = b[boff:r.off:r.off]
	readFields(r, m)
	return m, nil
}

// readFields walks the fields the bitmap names. A field the profile does
// not define, or one that does not fit, stops the walk: it and the bytes
// after it go to Rest.
func readFields(r *reader, m *Message) {
	nbits := 8 * len(m.Bitmap)
	for n := 2; n <= nbits; n++ {
		if m.Bitmap[(n-1)/8]&(0x80>>((n-1)%8)) == 0 {
			continue
		}
		start := r.off
		f, stop := readField(r, m, n)
		if stop {
			m.Rest = r.b[start:len(r.b):len(r.b)]
			return
		}
		m.Fields = append(m.Fields, f)
	}
	if r.off < len(r.b) {
		m.problem(errAt("end", r.off, ErrLength, "%d bytes after the last field", len(r.b)-r.off))
		m.Rest = r.b[r.off:len(r.b):len(r.b)]
	}
}

// readField reads field n at r. stop is true when the walk cannot go on.
func readField(r *reader, m *Message, n int) (Field, bool) {
	label := fieldLabel(n)
	spec, ok := fields[n]
	if !ok {
		m.problem(errAt(label, r.off, ErrUnknownField, "its length is not known; kept raw with the rest"))
		return Field{}, true
	}
	count := spec.size
	switch spec.prefix {
	case ll, lll:
		w := 1
		if spec.prefix == lll {
			w = 2
		}
		loff := r.off
		lb := r.take(label+" length", w)
		if r.err != nil {
			m.problem(r.err)
			return Field{}, true
		}
		v, ok := bcdNumber(lb)
		if !ok {
			m.problem(errAt(label+" length", loff, ErrLength, "% X is not a BCD length", lb))
			return Field{}, true
		}
		if v > spec.size {
			m.problem(errAt(label+" length", loff, ErrLength, "%d is above the profile's maximum %d", v, spec.size))
		}
		count = v
	}
	nbytes := count
	if spec.enc == encN || spec.enc == encZ {
		nbytes = (count + 1) / 2
	}
	voff := r.off
	v := r.take(label, nbytes)
	if r.err != nil {
		m.problem(r.err)
		return Field{}, true
	}
	if spec.enc == encN && spec.kind != kindF60 {
		if i := firstNonDigit(v, count, spec.prefix != fixed || spec.left); i >= 0 {
			m.problem(errAt(label, voff+i/2, ErrBCD, "nibble %X is not a digit; kept raw", nibble(v, i)))
		}
	}
	return Field{No: n, Len: count, Value: v}, false
}

func (m *Message) problem(err error) {
	if de, ok := err.(*DecodeError); ok {
		if de.Msg == "" {
			de.Msg = m.MTI
		}
		m.Problems = append(m.Problems, de)
		return
	}
	m.Problems = append(m.Problems, &DecodeError{Msg: m.MTI, Err: err})
}

// reader is a sticky-error reader over one message. Offsets are from the
// start of the bytes given to Decode. After the first error take returns nil.
type reader struct {
	b   []byte
	off int
	err error
}

func (r *reader) take(field string, n int) []byte {
	if r.err != nil {
		return nil
	}
	if n < 0 || len(r.b)-r.off < n {
		r.err = errShort(field, r.off, n, len(r.b)-r.off)
		r.off = len(r.b)
		return nil
	}
	v := r.b[r.off : r.off+n : r.off+n]
	r.off += n
	return v
}

// Encode appends the wire form of m to dst: the parts m.Parts names, the
// MTI, the bitmap (m.Bitmap, or computed from Fields when nil), the fields in
// order and Rest. The length, when present, is computed.
func (m *Message) Encode(dst []byte) ([]byte, error) {
	start := len(dst)
	if m.Parts.Length {
		dst = append(dst, 0, 0)
	}
	if m.Parts.TPDU {
		if len(m.TPDU) != tpduSize {
			return dst[:start], &EncodeError{Field: "tpdu", Err: fmt.Errorf("%w: %d bytes, want %d", ErrLength, len(m.TPDU), tpduSize)}
		}
		dst = append(dst, m.TPDU...)
	}
	if m.Parts.Header {
		if len(m.Header) != headerSize {
			return dst[:start], &EncodeError{Field: "header", Err: fmt.Errorf("%w: %d bytes, want %d", ErrLength, len(m.Header), headerSize)}
		}
		dst = append(dst, m.Header...)
	}
	mti, ok := packDigits(m.MTI, true)
	if !ok || len(m.MTI) != 4 {
		return dst[:start], &EncodeError{Field: "mti", Err: fmt.Errorf("%w: %q is not four digits", ErrBCD, m.MTI)}
	}
	dst = append(dst, mti...)
	bm := m.Bitmap
	if bm == nil {
		bm = m.bitmap()
	}
	dst = append(dst, bm...)
	for _, f := range m.Fields {
		var err error
		if dst, err = appendField(dst, f); err != nil {
			return dst[:start], err
		}
	}
	dst = append(dst, m.Rest...)
	if m.Parts.Length {
		n := len(dst) - start - lengthSize
		if n > 0xFFFF {
			return dst[:start], &EncodeError{Field: "length", Err: fmt.Errorf("%w: %d bytes do not fit 2 bytes", ErrLength, n)}
		}
		dst[start], dst[start+1] = byte(n>>8), byte(n)
	}
	return dst, nil
}

// bitmap computes the bitmap from the fields (secondary when one is above 64).
func (m *Message) bitmap() []byte {
	size := bitmapSize
	for _, f := range m.Fields {
		if f.No > 64 {
			size = 2 * bitmapSize
		}
	}
	bm := make([]byte, size)
	if size > bitmapSize {
		bm[0] |= 0x80
	}
	for _, f := range m.Fields {
		if f.No >= 1 && f.No <= 8*size {
			bm[(f.No-1)/8] |= 0x80 >> ((f.No - 1) % 8)
		}
	}
	return bm
}

// appendField appends f's length prefix and value.
func appendField(dst []byte, f Field) ([]byte, error) {
	spec, ok := fields[f.No]
	label := fieldLabel(f.No)
	if !ok {
		return dst, &EncodeError{Field: label, Err: fmt.Errorf("%w: not in the profile", ErrUnknownField)}
	}
	want := f.Len
	if spec.enc == encN || spec.enc == encZ {
		want = (f.Len + 1) / 2
	}
	if len(f.Value) != want {
		return dst, &EncodeError{Field: label, Err: fmt.Errorf("%w: length %d needs %d bytes, value has %d", ErrLength, f.Len, want, len(f.Value))}
	}
	switch spec.prefix {
	case fixed:
		if f.Len != spec.size {
			return dst, &EncodeError{Field: label, Err: fmt.Errorf("%w: fixed size %d, length %d", ErrLength, spec.size, f.Len)}
		}
	case ll:
		if f.Len > 99 {
			return dst, &EncodeError{Field: label, Err: fmt.Errorf("%w: %d does not fit LL", ErrLength, f.Len)}
		}
		dst = appendBCDNumber(dst, f.Len, 1)
	case lll:
		if f.Len > 999 {
			return dst, &EncodeError{Field: label, Err: fmt.Errorf("%w: %d does not fit LLL", ErrLength, f.Len)}
		}
		dst = appendBCDNumber(dst, f.Len, 2)
	}
	return append(dst, f.Value...), nil
}
