package iso8583

import "github.com/posdoctor/posdoctor/terminal"

// maskNibble is what masked digits and bytes become: E, not a digit, so a
// masked message still decodes and shows '*' there.
const maskNibble = 0xE

// Mask returns a copy of m with card data masked, for views, traces and
// logs: the PAN (field 2, EMV 5A) to its first six and last four digits
// (fewer than eleven digits: the last four), tracks 2 and 3 (35, 36, EMV
// 56/57/9F1F/9F20/9F6B) completely, and always, even with opts.Unmask, the
// PIN block (52), the MAC (64) and the keys of a sign-in answer (62). Text
// fields and the raw rest get the last-line rules: a run of 13–19 ASCII
// digits ([terminal.ScrubPAN]) and BCD runs of seven bytes or more. m is not
// modified.
func Mask(m *Message, opts ViewOptions) *Message {
	out := *m
	out.Fields = make([]Field, len(m.Fields))
	for i, f := range m.Fields {
		v := append([]byte(nil), f.Value...)
		maskField(m, f.No, f.Len, v, opts)
		out.Fields[i] = Field{No: f.No, Len: f.Len, Value: v}
	}
	if m.Rest != nil {
		out.Rest = maskLooseBCD(terminal.ScrubPAN(append([]byte(nil), m.Rest...)))
	}
	return &out
}

// maskField masks one field's value v in place.
func maskField(m *Message, n, length int, v []byte, opts ViewOptions) {
	spec := fields[n]
	switch spec.kind {
	case kindPAN:
		if !opts.Unmask {
			maskPAN(v, length)
		}
	case kindTrack:
		if !opts.Unmask {
			fill(v)
		}
	case kindSecret, kindMAC:
		fill(v)
	case kindTLV:
		maskTLV(v, opts)
	case kindF62:
		maskKeys(m, v)
	default:
		if spec.enc == encANS && !idFields[n] {
			terminal.ScrubPAN(v)
		}
	}
}

func fill(v []byte) {
	for i := range v {
		v[i] = maskNibble<<4 | maskNibble
	}
}

// maskPAN sets the middle digits of a left-aligned BCD PAN of length digits
// to E.
func maskPAN(v []byte, length int) {
	length = min(length, 2*len(v))
	for i := range length {
		if i < 6 && length > 10 || i >= length-4 {
			continue
		}
		if i%2 == 0 {
			v[i/2] = maskNibble<<4 | v[i/2]&0x0F
		} else {
			v[i/2] = v[i/2]&0xF0 | maskNibble
		}
	}
}

// maskTLV masks card data inside field 55 in place; TLV that does not parse
// gets the loose BCD rule.
func maskTLV(v []byte, opts ViewOptions) {
	l, err := DecodeTLV(v, 0)
	if err != nil {
		maskLooseBCD(v)
	}
	var walk func([]TLV)
	walk = func(l []TLV) {
		for _, o := range l {
			switch {
			case o.Children != nil:
				walk(o.Children)
			case opts.Unmask:
			case o.Tag == "5A":
				n := 2 * len(o.Value)
				for n > 0 && nibble(o.Value, n-1) == 0xF {
					n--
				}
				maskPAN(o.Value, n)
			case emvSecret[o.Tag]:
				fill(o.Value)
			}
		}
	}
	walk(l)
}

// maskLooseBCD masks BCD runs of seven bytes or more (14+ digits, a PAN's
// shape) in bytes that could not be read, keeping the first six and last four
// digits.
func maskLooseBCD(b []byte) []byte {
	isBCD := func(c byte) bool { return c>>4 <= 9 && c&15 <= 9 }
	for i := 0; i < len(b); {
		j := i
		for j < len(b) && isBCD(b[j]) {
			j++
		}
		if j-i >= 7 {
			maskPAN(b[i:j], 2*(j-i))
		}
		i = max(j, i+1)
	}
	return b
}
