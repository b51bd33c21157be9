package zvt

import (
	"fmt"
	"strconv"

	"github.com/posdoctor/posdoctor/terminal"
)

// tlvViews shows the values of TLV tags whose bytes mean more than hex: one
// row per tag, each filling the item (the name and tag are set already).
// Card data (EMV 5A, 57) shows only the masked PAN and the expiry; the
// Feig password (FF40) only stars.
var tlvViews = map[Tag]func(v *viewer, b []byte, it *Item){
	TagAID:           viewAID,
	TagCardTypeID:    viewCardTypeID,
	tagEMVPAN:        viewEMVPAN,
	tagEMVTrack2:     viewEMVTrack2,
	tagEMVExpiry:     viewDigits,
	TagFileOffset:    viewUint,
	TagFileSize:      viewUint,
	TagFileBlock:     viewFileBlock,
	TagFeigPassword:  func(v *viewer, b []byte, it *Item) { it.Value = v.password(digitString(b)).Value },
	TagFeigHostConf:  viewHostConfig,
	TagRefNumberBMP:  viewText,
	TagRefNumber:     viewText,
	TagTotalAmount:   viewDigits,
	TagCardHash:      viewHex,
	TagReceiptParams: viewHex,
	0x1F74:           func(v *viewer, b []byte, it *Item) { it.Value = v.password(digitString(b)).Value },
	0x1F08:           viewTrack(BMPTrack1),
	0x1F09:           viewTrack(BMPTrack2),
	0x1F0A:           viewTrack(BMPTrack3),
}

// Tags named by their view (spec 13.11 TLV table; Feig cVEND manual §6).
const (
	TagAID           Tag = 0x43   // application id
	TagFileBlock     Tag = 0x1C   // file block (Write File, Request For Data)
	TagFileOffset    Tag = 0x1E   // start position in the file, 4 bytes big-endian
	TagFileSize      Tag = 0x1F00 // total length of the file, 4 bytes big-endian
	TagCardHash      Tag = 0x1F14 // card identification item
	TagRefNumberBMP  Tag = 0x1F62 // BMP 60 identifier for the individual reference number
	TagRefNumber     Tag = 0x1F63 // individual reference number
	TagTotalAmount   Tag = 0x1F20
	TagReceiptParams Tag = 0x45
	TagFeigPassword  Tag = 0xFF40 // Feig Change Configuration: the password, 3 BCD
	TagFeigHostConf  Tag = 0xFF41 // Feig: host IP (4 bytes), port (2 bytes BE), config byte
)

func viewHex(_ *viewer, b []byte, it *Item) { it.Hex = Hex(b) }

func viewText(v *viewer, b []byte, it *Item) { it.Value = v.cs.DecodeText(b) }

func viewDigits(_ *viewer, b []byte, it *Item) { it.Hex, it.Value = Hex(b), digitString(b) }

func viewAID(_ *viewer, b []byte, it *Item) { it.Hex, it.Text = Hex(b), AIDName(b) }

// viewCardTypeID shows TLV 41, the ZVT card type id (1 or 2 bytes, big-endian).
func viewCardTypeID(_ *viewer, b []byte, it *Item) {
	it.Hex = Hex(b)
	if n := beUint(b); len(b) <= 2 && n <= 0xFF {
		it.Text = CardTypeText(byte(n))
	}
}

func viewUint(_ *viewer, b []byte, it *Item) {
	it.Hex = Hex(b)
	if len(b) <= 4 {
		it.Value = beUint(b)
	}
}

// viewFileBlock shows a file block as text when it is text (a Feig
// firmware manifest is JSON), else as hex. Card numbers in it are masked
// like any text's.
func viewFileBlock(v *viewer, b []byte, it *Item) {
	if isText(b) {
		it.Value = string(b)
		return
	}
	it.Hex = v.looseHex(b)
}

// viewHostConfig shows Feig's host configuration: IP, port, config byte.
func viewHostConfig(_ *viewer, b []byte, it *Item) {
	it.Hex = Hex(b)
	if len(b) != 7 {
		return
	}
	it.Value = fmt.Sprintf("%d.%d.%d.%d:%d", b[0], b[1], b[2], b[3], int(b[4])<<8|int(b[5]))
	it.Text = "config byte " + byteHex[b[6]]
}

// viewEMVPAN shows EMV 5A as BMP 22 is shown: masked digits.
func viewEMVPAN(v *viewer, b []byte, it *Item) {
	digits := digitString(b)
	if v.unmask {
		it.Hex, it.Value = Hex(b), digits
		return
	}
	it.Hex, it.Value = Hex(maskPANBytes(b)), terminal.NewPAN(digits).String()
}

// viewTrack shows track data in TLV (1F08–1F0A) as the BMP of that track.
func viewTrack(id byte) func(v *viewer, b []byte, it *Item) {
	return func(v *viewer, b []byte, it *Item) {
		if v.unmask {
			it.Hex = Hex(b)
		} else {
			it.Text = strconv.Itoa(len(b)) + " bytes, masked"
		}
		if c, ok := TrackCard(id, b); ok {
			it.Items = cardItems(c)
		}
	}
}

// viewEMVTrack2 shows EMV 57 as BMP 23: never the bytes, only the masked
// PAN and the expiry.
func viewEMVTrack2(v *viewer, b []byte, it *Item) {
	if v.unmask {
		it.Hex = Hex(b)
	} else {
		it.Text = strconv.Itoa(len(b)) + " bytes, masked"
	}
	if c, ok := bcdTrack2Card(b); ok {
		it.Items = cardItems(c)
	}
}

// cardItems are the items of the card data in a track: the masked PAN and
// the expiry (YYMM, shown MM/YY).
func cardItems(c CardData) []Item {
	out := []Item{{Name: "pan", Value: c.PAN.String()}}
	if c.Expiry != "" {
		out = append(out, Item{Name: "expiry", Value: c.Expiry, Text: expiryText(c.Expiry)})
	}
	return out
}

// expiryText is a YYMM expiry as MM/YY, or "" when it is not four digits.
func expiryText(yymm string) string {
	if len(yymm) != 4 || !allDigits([]byte(yymm)) {
		return ""
	}
	return ExpiryMMYY(yymm)
}

func beUint(b []byte) uint64 {
	var n uint64
	for _, c := range b {
		n = n<<8 | uint64(c)
	}
	return n
}

// isText reports whether b is printable text (ASCII, tabs, line breaks).
func isText(b []byte) bool {
	for _, c := range b {
		if (c < 0x20 || c > 0x7E) && c != '\n' && c != '\r' && c != '\t' {
			return false
		}
	}
	return len(b) > 0
}
