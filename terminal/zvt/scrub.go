package zvt

import "github.com/posdoctor/posdoctor/terminal"

// Card data that arrives where this package cannot see its structure (after
// an unknown BMP, in an unknown command or TLV tag, in a truncated APDU, in
// the text of a receipt line) is not masked by the BMP table. Two last-line
// rules catch it: BCD runs (maskLooseBCD) in bytes that could not be parsed
// and ASCII digit runs ([terminal.ScrubPAN]) in text and raw bytes.

// minBCDRun is the shortest BCD run (in bytes) maskLooseBCD looks into:
// 13 digits, the shortest PAN, need 7 bytes.
const minBCDRun = 7

// maskLooseBCD masks, in place, the card numbers in BCD runs (bytes whose
// nibbles are all decimal digits, the last may be an F pad) of bytes whose
// structure is unknown, as Mask masks BMP 22: the first six and last four
// digits stay, the others become E. A card number is a window of 13 to 19
// digits that starts on a byte, with a first digit of 2 to 6 (ISO/IEC
// 7812-1 major industry identifiers of card schemes: 2 and 5 Mastercard,
// 3 Amex, JCB and Diners, 4 Visa, 6 UnionPay, Maestro, girocard and
// Discover) and passes the Luhn check; the longest such window at a start
// wins. Amounts, dates, receipt and trace numbers, currency codes and the
// digits of ASCII text (0x30–0x39 are BCD too) are not card numbers and
// stay readable (issue 12). b is returned.
func maskLooseBCD(b []byte) []byte {
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
		if end-i >= minBCDRun {
			maskPANWindows(b[i:end])
		}
		i = end
	}
	return b
}

func isBCDByte(c byte) bool { return c>>4 <= 9 && c&15 <= 9 }

// maskPANWindows masks the Luhn-valid card numbers in run, a BCD run (the
// last byte may hold an F pad).
func maskPANWindows(run []byte) {
	digits := 2 * len(run)
	if run[len(run)-1]&15 == 0xF {
		digits--
	}
	for s := 0; 2*s+13 <= digits; {
		w := run[s:]
		first := w[0] >> 4
		n := 0
		if first >= 2 && first <= 6 {
			for l := min(19, digits-2*s); l >= 13; l-- {
				if terminal.LuhnNibbles(w, l) {
					n = l
					break
				}
			}
		}
		if n == 0 {
			s++
			continue
		}
		nb := (n + 1) / 2
		copy(w[:nb], maskPANBytesN(w[:nb], n))
		s += nb
	}
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
