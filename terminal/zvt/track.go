package zvt

import (
	"bytes"

	"github.com/posdoctor/posdoctor/terminal"
)

// Card data inside track data (research/zvt.md §2.2, §3 "Read Card data
// reality"): a terminal that sends only track 2 (BMP 23, no BMP 22; Feig
// V11) still gives the card's PAN and expiry, which PCI DSS allows to be
// shown masked. These functions read them without keeping the full number:
// the PAN comes back as a [terminal.PAN] (first six, last four), the expiry
// as YYMM. Track data itself is never returned or stored.
//
//   - track 2, BCD (BMP 23, EMV 57): PAN digits, separator D, YYMM, service
//     code, discretionary data, F pad; E is a masked digit.
//   - track 2, ASCII (BMP 23 from some terminals, TLV 1F09): ";" PAN "=" YYMM …
//   - track 1, ASCII (BMP 2D): "%B" PAN "^" name "^" YYMM … (the name is not read).

// CardData is what a track holds that may be shown.
type CardData struct {
	PAN    terminal.PAN
	Expiry string // YYMM; "" when the track has none
}

// TrackCard reads the PAN and expiry of track data in the form of BMP id
// (BMPTrack2 or BMPTrack1; EMV 57 reads as BMPTrack2). ok is false when the
// bytes do not look like that track.
func TrackCard(id byte, v []byte) (CardData, bool) {
	switch id {
	case BMPTrack2:
		if asciiTrack(v) {
			return asciiTrackCard(v, '=')
		}
		return bcdTrack2Card(v)
	case BMPTrack1:
		return asciiTrackCard(v, '^')
	}
	return CardData{}, false
}

// asciiTrack reports whether v is a track written in ASCII (track 1 or an
// ASCII track 2): it starts with a sentinel or a digit character.
func asciiTrack(v []byte) bool {
	return len(v) > 0 && (v[0] == ';' || v[0] == '%' || v[0] >= '0' && v[0] <= '9' && len(v) > 1 && v[1] >= '0' && v[1] <= '9')
}

// bcdTrack2Card reads a BCD track 2: digits up to the D separator, then
// YYMM.
func bcdTrack2Card(v []byte) (CardData, bool) {
	var pan [19]byte
	n, sep := 0, -1
	for i := 0; i < 2*len(v) && sep < 0; i++ {
		switch d := nibble(v, i); {
		case d <= 9 || d == 0xE:
			if n == len(pan) {
				return CardData{}, false
			}
			pan[n] = '0' + d
			if d == 0xE {
				pan[n] = '*'
			}
			n++
		case d == 0xD:
			sep = i
		default:
			return CardData{}, false
		}
	}
	if sep < 0 || n < 8 {
		return CardData{}, false
	}
	c := CardData{PAN: terminal.NewPAN(string(pan[:n]))}
	clear(pan[:])
	if 2*len(v) >= sep+5 {
		var exp [4]byte
		for k := range 4 {
			d := nibble(v, sep+1+k)
			if d > 9 {
				return c, true
			}
			exp[k] = '0' + d
		}
		c.Expiry = string(exp[:])
	}
	return c, true
}

// asciiTrackCard reads "[%B|;]PAN<sep>…": for track 1 the name field comes
// between two '^' and is skipped; for track 2 the expiry follows '='.
func asciiTrackCard(v []byte, sep byte) (CardData, bool) {
	v = bytes.TrimLeft(v, "%;")
	if len(v) > 0 && (v[0] == 'B' || v[0] == 'b') {
		v = v[1:]
	}
	i := bytes.IndexByte(v, sep)
	if i < 8 || i > 19 {
		return CardData{}, false
	}
	for _, c := range v[:i] {
		if (c < '0' || c > '9') && c != '*' {
			return CardData{}, false
		}
	}
	c := CardData{PAN: terminal.NewPAN(string(v[:i]))}
	rest := v[i+1:]
	if sep == '^' {
		j := bytes.IndexByte(rest, '^')
		if j < 0 {
			return c, true
		}
		rest = rest[j+1:]
	}
	if len(rest) >= 4 && allDigits(rest[:4]) {
		c.Expiry = string(rest[:4])
	}
	return c, true
}

func allDigits(b []byte) bool {
	for _, c := range b {
		if c < '0' || c > '9' {
			return false
		}
	}
	return len(b) > 0
}

// ExpiryMMYY shows a YYMM expiry as MM/YY, the way a card prints it; any
// other form is returned as it is.
func ExpiryMMYY(yymm string) string {
	if len(yymm) != 4 {
		return yymm
	}
	return yymm[2:] + "/" + yymm[:2]
}

// CardOf returns the card in a Status Information's fields: the PAN from
// BMP 22, else track 2 (BMP 23), else track 1 (BMP 2D), else EMV 5A or 57
// in BMP 06; the expiry from BMP 0E, else from the same track or EMV 57 /
// 5F24.
func CardOf(f Fields) CardData {
	var c CardData
	if p, ok := f.PAN(); ok && !p.IsZero() {
		c.PAN = p
	}
	c.Expiry, _ = f.Expiry()
	for _, id := range [...]byte{BMPTrack2, BMPTrack1} {
		if fd, ok := f.Get(id); ok {
			if t, ok := TrackCard(id, fd.Value); ok {
				c = fill(c, t)
			}
		}
	}
	if l, ok := f.TLV(); ok {
		if v, ok := l.Value(tagEMVPAN); ok && c.PAN.IsZero() {
			c.PAN = terminal.NewPAN(digitString(v))
		}
		if v, ok := l.Value(tagEMVTrack2); ok {
			if t, ok := bcdTrack2Card(v); ok {
				c = fill(c, t)
			}
		}
		if v, ok := l.Value(tagEMVExpiry); ok && c.Expiry == "" && len(v) >= 2 {
			c.Expiry = digitString(v[:2])
		}
	}
	return c
}

// fill sets what c lacks from t.
func fill(c, t CardData) CardData {
	if c.PAN.IsZero() {
		c.PAN = t.PAN
	}
	if c.Expiry == "" {
		c.Expiry = t.Expiry
	}
	return c
}

// EMV data objects a terminal may pass on in BMP 06.
const (
	tagEMVPAN    Tag = 0x5A   // application PAN, BCD, F-padded
	tagEMVTrack2 Tag = 0x57   // track 2 equivalent data, BCD
	tagEMVExpiry Tag = 0x5F24 // application expiration date YYMMDD
)
