package zvt

import "github.com/posdoctor/posdoctor/terminal"

// Card data that arrives where this package cannot see its structure (after
// an unknown BMP, in an unknown command or TLV tag, in a truncated APDU, in
// the text of a receipt line) is not masked by the BMP table. Two last-line
// rules catch it: BCD runs (maskLooseBCD) in bytes that could not be parsed
// and ASCII digit runs ([terminal.ScrubPAN]) in text and raw bytes.

// minBCDRun is the shortest BCD run (in bytes) maskLooseBCD masks: 13
// digits, the shortest PAN, need 7 bytes.
const minBCDRun = 7

// maskLooseBCD masks, in place, every run of at least minBCDRun bytes whose
// nibbles are all decimal digits (the last may be an F pad), as Mask masks
// BMP 22: the first six and last four digits stay, the others become E.
// It is meant for bytes whose structure is unknown; a BCD PAN there cannot
// be told from other numbers, so any long run is masked. b is returned.
func maskLooseBCD(b []byte) []byte {
	isBCD := func(c byte) bool { return c>>4 <= 9 && c&15 <= 9 }
	for i := 0; i < len(b); {
		if !isBCD(b[i]) {
			i++
			continue
		}
		j := i
		for j < len(b) && isBCD(b[j]) {
			j++
		}
		end := j
		if j < len(b) && b[j]>>4 <= 9 && b[j]&15 == 0xF {
			end = j + 1 // odd number of digits, F-padded
		}
		if end-i >= minBCDRun {
			copy(b[i:end], maskPANBytes(b[i:end]))
		}
		i = end
	}
	return b
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
			items[i].Value = terminal.ScrubString(s)
		}
		items[i].Text = terminal.ScrubString(items[i].Text)
		scrubItems(items[i].Items)
	}
}
