package zvt

import (
	"sync"

	"github.com/posdoctor/posdoctor/terminal"
)

// Mask returns a copy of apdu with card data masked, for traces and frame
// events: BMP 22 PAN digits other than the first six and last four become E
// nibbles (with ten digits or fewer only the last four stay, as
// terminal.NewPAN does), track data (23, 24, 2D), CVV (3A), PIN data (D1)
// and the ECR password (the 3 bytes that start Registration, Reversal,
// Status Enquiry, …, and BMP 3D) are overwritten completely. The masked
// APDU still decodes (masked digits read as '*'). Card data this structure
// does not reach is masked by two last-line rules: runs of 13 to 19 ASCII
// digits anywhere in the data ([terminal.ScrubPAN]: a receipt line that
// prints a full PAN), and BCD runs of 7 bytes or more in bytes that could
// not be parsed (after an unknown BMP, in an unknown command, in a truncated
// APDU: a BMP 22 there cannot be found by its tag).
// The input is never modified.
func Mask(apdu []byte) []byte { return maskOpen(nil, apdu, 0, false) }

// maskOpen masks knowing the open command (for the Completion's form),
// the copy appended to dst[:0].
func maskOpen(dst, apdu []byte, open Command, noVersion bool) []byte {
	out := append(dst[:0], apdu...)
	a, n, err := ReadAPDU(apdu)
	if err != nil {
		// Truncated or oversized: nothing can be told apart.
		if len(out) > 2 {
			terminal.ScrubPAN(out[2:])
			maskLooseBCD(out[2:])
		}
		return out
	}
	msg := out[:n]
	start := n - len(a.Data)
	if hasPassword(a) {
		for i := start; i < start+3; i++ {
			msg[i] = 0xEE
		}
	}
	off, ok := bmpStart(a, start, open, noVersion)
	if ok {
		parsed := off
		stop, err := scanBMPs(msg, off, func(tag byte, _ bmpSpec, val, end int) error {
			maskValue(tag, msg[val:end])
			parsed = end
			return nil
		})
		if err == nil {
			parsed = stop
		}
		// An unknown BMP (or a broken one) ends the list: the rest is raw.
		maskLooseBCD(terminal.ScrubPAN(msg[parsed:]))
	} else if commandNames[a.Command()] == "" {
		maskLooseBCD(terminal.ScrubPAN(msg[start:])) // a command this package does not know
	}
	// Receipt lines and texts in any form: a full PAN printed as digits.
	terminal.ScrubPAN(msg[start:])
	return out
}

// bmpStart returns where the BMP list of the APDU starts.
func bmpStart(a APDU, start int, open Command, noVersion bool) (int, bool) {
	d := len(a.Data)
	switch c := a.Command(); c {
	case CmdStatusInfo, CmdAuthorization, CmdAck, CmdPrintTextBlock, CmdAbortECR, CmdDiagnosis,
		CmdSelftest, CmdPrintSystemConfig, CmdSetTimeECR, CmdPreAuth, CmdPartialReversal, CmdPreAuthReversal,
		CmdRequestForData, CmdChangeConfiguration:
		return start, true
	case CmdReversal, CmdRefund, CmdRepeatReceipt, CmdEndOfDay, CmdInitialisation, CmdSetDateTime,
		CmdStatusEnquiry, CmdWriteFile:
		return start + 3, d >= 3
	case CmdFeigFunctions:
		return start + d, true // [password] function: no BMPs
	case CmdRegistration:
		return start + 6, d >= 6
	case CmdAbortPT, CmdReadCard:
		return start + 1, d >= 1
	case CmdIntermediate:
		return start + 2, d >= 2
	case CmdCompletion:
		if open == CmdFeigFunctions {
			if _, ok := decodeSystemInfo(a.Data); ok {
				return start + d, true // fixed text fields, no BMPs
			}
		}
		if open != CmdStatusEnquiry {
			return start, true
		}
		off := start
		if !noVersion && looksLLLVAR(a.Data) {
			n := int(a.Data[0]&15)*100 + int(a.Data[1]&15)*10 + int(a.Data[2]&15)
			off += 3 + n
		}
		return off + 1, off+1 <= start+d
	}
	return 0, false
}

// hasPassword reports whether the APDU starts its data with the 3-byte
// password.
func hasPassword(a APDU) bool {
	switch a.Command() {
	case CmdRegistration, CmdReversal, CmdRefund, CmdRepeatReceipt, CmdEndOfDay, CmdInitialisation,
		CmdSetDateTime, CmdStatusEnquiry, CmdWriteFile:
		return len(a.Data) >= 3
	case CmdFeigFunctions:
		return len(a.Data) == 5
	}
	return false
}

// maskValue overwrites sensitive values in place.
func maskValue(tag byte, v []byte) {
	switch tag {
	case BMPPAN:
		copy(v, maskPANBytes(v))
	case BMPTrack2, BMPTrack3, BMPCVV, BMPPassword, 0xD1:
		for i := range v {
			v[i] = 0xEE
		}
	case BMPTrack1:
		for i := range v {
			v[i] = '*'
		}
	case BMPTLV:
		maskTLV(v)
	}
}

// maskTLV masks card data in TLV values in place: EMV card data tags
// (maskTLVValue) and BCD runs in the values of tags this package does not
// know; TLV it cannot parse is masked as raw bytes.
func maskTLV(v []byte) {
	lists := maskSlabs.Get().(*slab[TLV])
	defer func() { lists.reset(); maskSlabs.Put(lists) }()
	l, err := decodeTLV(v, 0, lists)
	if err != nil {
		maskLooseBCD(v)
		return
	}
	maskTLVList(l)
}

// maskTLVList masks the primitive values of l and its children in place.
func maskTLVList(l TLVList) {
	for _, o := range l {
		if o.Children != nil {
			maskTLVList(o.Children)
		} else {
			maskTLVValue(o.Tag, o.Value) // Value points into the masked bytes
		}
	}
}

// maskSlabs hold the TLV trees masking reads and drops.
var maskSlabs = sync.Pool{New: func() any { return new(slab[TLV]) }}

// emvSecretTags are EMV data objects that hold track data: 56 track 1,
// 57 track 2 equivalent, 9F1F and 9F20 discretionary data, 9F6B track 2
// (contactless). A terminal may pass them on in BMP 06.
var emvSecretTags = map[Tag]bool{0x56: true, 0x57: true, 0x9F1F: true, 0x9F20: true, 0x9F6B: true,
	0x1F08: true, 0x1F09: true, 0x1F0A: true} // ZVT TLV magnetic stripe tracks 1–3

// maskTLVValue masks one primitive TLV value in place: EMV 5A (PAN) as BMP
// 22, EMV track data completely, and BCD runs in tags this package does not
// know.
func maskTLVValue(tag Tag, v []byte) {
	sp := tagSpecs[tag]
	switch {
	case tag == 0x5A:
		copy(v, maskPANBytes(v))
	case sp != nil && sp.secret || tag == TagFeigPassword || tag == 0x1F74:
		for i := range v {
			v[i] = 0xEE
		}
	case sp == nil || sp.name == "":
		maskLooseBCD(v)
	}
}

// maskPANBytes returns a copy of a BCD PAN with the middle digits set to E:
// the first six and last four stay when there are more than ten digits,
// otherwise only the last four.
func maskPANBytes(v []byte) []byte {
	n := 2 * len(v)
	for n > 0 && nibble(v, n-1) == 0xF {
		n--
	}
	return maskPANBytesN(v, n)
}

// maskPANBytesN is maskPANBytes of the first n digits of v; a nibble after
// them (in the last byte) is kept.
func maskPANBytesN(v []byte, n int) []byte {
	out := append([]byte(nil), v...)
	for i := range n {
		keep := i < 6 && n > 10 || i >= n-4
		if keep {
			continue
		}
		if i%2 == 0 {
			out[i/2] = 0xE0 | out[i/2]&0x0F
		} else {
			out[i/2] = out[i/2]&0xF0 | 0x0E
		}
	}
	return out
}
