package zvt

import "github.com/posdoctor/posdoctor/terminal"

// Card data that arrives where this package cannot see its structure (after
// an unknown BMP, in an unknown command or TLV tag, in a truncated APDU, in
// the text of a receipt line) is not masked by the BMP table. Two last-line
// rules catch it: BCD runs (maskLooseBCD) in bytes that could not be parsed
// and ASCII digit runs ([terminal.ScrubPAN]) in text and raw bytes.

// maskLooseBCD masks, in place, card data in bytes whose structure is
// unknown (after an unknown BMP, in an unknown command, in a truncated
// APDU), as Mask masks BMP 22: the first six and last four digits stay, the
// others become E. A number there is card data only where it has the shape
// of one (issue 12: masking every long BCD run hid amounts, receipt numbers
// and the digits of ASCII text, whose bytes 0x30–0x39 are BCD too):
//
//   - an LLVAR of 7 to 10 bytes (F0 F7 … F1 F0, as BMP 22 and 23 carry it)
//     or an EMV 5A of that length, holding 13 to 19 digits (F-padded);
//   - 13 to 19 digits followed by a D nibble: track 2 (the digits after the
//     separator, expiry and discretionary data, are masked too);
//   - a whole BCD run of 13 to 19 digits that starts with 2 to 6 (the
//     ISO/IEC 7812-1 major industry identifiers of card schemes) and is not
//     printable text (many letters are BCD-valid bytes too: "sha256" is);
//
// and in every case the digits pass the Luhn check. b is returned.
func maskLooseBCD(b []byte) []byte {
	for i := 0; i < len(b); i++ {
		if n := panPrefixAt(b, i); n > 0 && i+2+n <= len(b) {
			maskIfPAN(b[i+2 : i+2+n])
		}
	}
	for i := 0; i < len(b); {
		if !isBCDByte(b[i]) {
			i++
			continue
		}
		j := i
		for j < len(b) && isBCDByte(b[j]) {
			j++
		}
		end := j
		if j < len(b) && b[j]>>4 <= 9 && b[j]&15 == 0xF {
			end = j + 1 // odd number of digits, F-padded
		}
		maskTrack2In(b[i:], j-i)
		if run := b[i:end]; run[0]>>4 >= 2 && run[0]>>4 <= 6 && !printable(run) {
			maskIfPAN(run)
		}
		i = end
	}
	return b
}

// panPrefixAt returns the length in bytes announced at b[i:] by an LLVAR
// (Fx Fy) or an EMV 5A tag when it is 7 to 10 (13 to 19 digits), else 0.
func panPrefixAt(b []byte, i int) int {
	if i+1 >= len(b) {
		return 0
	}
	var n int
	switch {
	case b[i]>>4 == 0xF && b[i+1]>>4 == 0xF && b[i]&15 <= 9 && b[i+1]&15 <= 9:
		n = int(b[i]&15)*10 + int(b[i+1]&15)
	case b[i] == byte(tagEMVPAN):
		n = int(b[i+1])
	}
	if n < 7 || n > 10 {
		return 0
	}
	return n
}

// maskIfPAN masks v (BCD, maybe F-padded) when it holds 13 to 19 digits
// that pass the Luhn check.
func maskIfPAN(v []byte) {
	n := 2 * len(v)
	if len(v) > 0 && v[len(v)-1]&15 == 0xF {
		n--
	}
	for k := range n {
		if nibble(v, k) > 9 {
			return
		}
	}
	if terminal.IsPANLength(n) && terminal.LuhnNibbles(v, n) {
		copy(v, maskPANBytesN(v, n))
	}
}

// maskTrack2In masks a BCD track 2 that starts in the first starts bytes
// of b: 13 to 19 Luhn-valid digits that start at a byte and are followed by
// a D nibble; the PAN keeps its first six and last four digits, the digits
// after the separator become E.
func maskTrack2In(b []byte, starts int) {
	digits := 2 * len(b)
	for s := 0; s < starts && 2*s+13 < digits; s++ {
		sep := -1
		for k := 2 * s; k < digits && k-2*s <= 19; k++ {
			d := nibble(b, k)
			if d == 0xD {
				sep = k
				break
			}
			if d > 9 {
				break
			}
		}
		n := sep - 2*s
		if sep < 0 || !terminal.IsPANLength(n) || printable(b[s:sep/2]) || !terminal.LuhnNibbles(b[s:], n) {
			continue
		}
		copy(b[s:], maskPANBytesN(b[s:(sep+1)/2+(sep+1)%2], n))
		for k := sep + 1; k < digits && nibble(b, k) <= 9; k++ {
			setNibble(b, k, 0xE)
		}
		return
	}
}

func setNibble(b []byte, k int, v byte) {
	if k%2 == 0 {
		b[k/2] = v<<4 | b[k/2]&0x0F
	} else {
		b[k/2] = b[k/2]&0xF0 | v
	}
}

func isBCDByte(c byte) bool { return c>>4 <= 9 && c&15 <= 9 }

// printable reports whether every byte of run is printable ASCII: text,
// whose card numbers [terminal.ScrubPAN] finds as digit characters.
func printable(run []byte) bool {
	for _, c := range run {
		if c < 0x20 || c > 0x7E {
			return false
		}
	}
	return true
}

// looseHex is Hex of raw bytes of unknown structure, with BCD and ASCII
// digit runs masked unless the viewer unmasks.
func (v *viewer) looseHex(b []byte) string {
	if v.unmask || len(b) == 0 {
		return Hex(b)
	}
	c := append([]byte(nil), b...)
	return Hex(maskLooseBCD(terminal.ScrubPAN(c)))
}

// tlvHex is Hex of a TLV value with card data masked (maskTLVValue)
// unless the viewer unmasks.
func (v *viewer) tlvHex(tag Tag, b []byte) string {
	if v.unmask || len(b) == 0 {
		return Hex(b)
	}
	c := append([]byte(nil), b...)
	maskTLVValue(tag, terminal.ScrubPAN(c))
	return Hex(c)
}

// textHex is Hex of a text value, with a full PAN in it masked unless the
// viewer unmasks.
func (v *viewer) textHex(b []byte) string {
	if v.unmask {
		return Hex(b)
	}
	return Hex(terminal.ScrubPAN(append([]byte(nil), b...)))
}

// maskedItems is items after scrubItems.
func maskedItems(items []Item) []Item {
	scrubItems(items)
	return items
}

// scrubItems runs [terminal.ScrubString] over every string value, recursively:
// a receipt line, a card name or a host's text may carry a full PAN.
func scrubItems(items []Item) {
	for i := range items {
		if s, ok := items[i].Value.(string); ok {
			if t := terminal.ScrubString(s); t != s {
				items[i].Value = t // boxed again only when it changed
			}
		}
		items[i].Text = terminal.ScrubString(items[i].Text)
		scrubItems(items[i].Items)
	}
}
