package terminal

import (
	"strings"
	"testing"
)

// receiptText is a terminal's system-configuration receipt as decode sees
// it (fixtures/vectors/cap-feig-system-config.hex): 40-column lines of
// versions, dates and padding, and no card number.
var receiptText = strings.Repeat(""+
	"          ** Konfiguration **           "+
	"20.11.2023                      15:38:05"+
	"PIN-Pad Software:             SeW-700.02"+
	"Firmware:           cR02.01.01-00.09-2-2"+
	"Terminal Serien-Nr.:            17F59B1F"+
	"Batteriespannung (V):               3.12"+
	"Cert:                         16.03.2031"+
	"                                        ", 13)

// BenchmarkScrubReceipt: ScrubPAN over a 4 KB receipt, as decode masks
// every Print Text-Block, and ScrubString over its lines, as it scrubs
// each decoded text.
func BenchmarkScrubReceipt(b *testing.B) {
	b.Run("bytes", func(b *testing.B) {
		buf := []byte(receiptText)
		b.SetBytes(int64(len(buf)))
		for b.Loop() {
			ScrubPAN(buf)
		}
	})
	b.Run("lines", func(b *testing.B) {
		var lines []string
		for s := receiptText; len(s) >= 40; s = s[40:] {
			lines = append(lines, s[:40])
		}
		b.SetBytes(int64(len(receiptText)))
		for b.Loop() {
			for _, l := range lines {
				ScrubString(l)
			}
		}
	})
}
