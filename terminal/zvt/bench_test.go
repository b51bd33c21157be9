package zvt_test

import (
	"strings"
	"testing"

	"github.com/posdoctor/posdoctor/terminal/zvt"
)

// benchDecode decodes apdu into m, b.N times, as MB/s and allocations.
func benchDecode(b *testing.B, apdu []byte, m interface{ Decode([]byte) error }) {
	b.Helper()
	b.SetBytes(int64(len(apdu)))
	b.ReportAllocs()
	for b.Loop() {
		if err := m.Decode(apdu); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkDecodePrintTextBlock4K decodes a Print Text-Block of about 4 KB
// (the size of Feig's system-configuration receipt, research/zvt.md §5 V5).
func BenchmarkDecodePrintTextBlock4K(b *testing.B) {
	apdu := bigTextBlock(b, 97)
	if len(apdu) < 4000 || len(apdu) > 4096 {
		b.Fatalf("block is %d bytes, want about 4 KB", len(apdu))
	}
	benchDecode(b, apdu, &zvt.PrintTextBlock{})
}

// BenchmarkDecodeStatusInfo decodes the Feig status information of V7.
func BenchmarkDecodeStatusInfo(b *testing.B) {
	apdu := vector(b, "v07-status-info-feig-auth.hex")
	benchDecode(b, apdu, &zvt.StatusInfo{})
}

// BenchmarkEncodePrintTextBlock4K encodes the same 4 KB block.
func BenchmarkEncodePrintTextBlock4K(b *testing.B) {
	apdu := bigTextBlock(b, 97)
	var m zvt.PrintTextBlock
	if err := m.Decode(apdu); err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(apdu)))
	b.ReportAllocs()
	buf := make([]byte, 0, 8192)
	for b.Loop() {
		var err error
		if buf, err = m.Encode(buf[:0]); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkDecodeSystemConfigCapture decodes the real 4,093-byte Print
// Text-Block (cap-feig-system-config, a Feig cVEND's configuration receipt):
// the codec's own MB/s, which posdoctor decode's whole-process figure
// (cmd/posdoctor BenchmarkDecodeProcess) is measured against.
func BenchmarkDecodeSystemConfigCapture(b *testing.B) {
	apdu := vector(b, "cap-feig-system-config.hex")
	if len(apdu) != 4093 {
		b.Fatalf("capture is %d bytes, want 4093", len(apdu))
	}
	benchDecode(b, apdu, &zvt.PrintTextBlock{})
}

// explainFunc makes an explain step a benchDecode target.
type explainFunc func([]byte, zvt.ViewOptions) (zvt.View, error)

func (f explainFunc) Decode(apdu []byte) error { _, err := f(apdu, zvt.ViewOptions{}); return err }

// BenchmarkExplainSystemConfigCapture is what posdoctor decode does per
// message: decode, name every field, mask card data (the PAN scrubber over
// every value) and format the hex.
func BenchmarkExplainSystemConfigCapture(b *testing.B) {
	benchDecode(b, vector(b, "cap-feig-system-config.hex"), explainFunc(zvt.Explain))
}

// BenchmarkExplainerSystemConfigCapture is the same in one reused
// Explainer, as each decode --json worker and the tracer of decode's text
// explain message after message (OmitHex: the hex is written from Masked).
func BenchmarkExplainerSystemConfigCapture(b *testing.B) {
	e := &zvt.Explainer{OmitHex: true}
	benchDecode(b, vector(b, "cap-feig-system-config.hex"), explainFunc(e.Explain))
}

// BenchmarkHexReaderSystemConfig reads the capture's hex as decode reads
// stdin (zvt.HexReader), without spaces and "06 D3 FF"-spaced; MB/s are
// of the hex text.
func BenchmarkHexReaderSystemConfig(b *testing.B) {
	apdu := vector(b, "cap-feig-system-config.hex")
	for _, c := range []struct{ name, text string }{
		{"plain", strings.ReplaceAll(zvt.Hex(apdu), " ", "")},
		{"spaced", zvt.Hex(apdu)},
	} {
		b.Run(c.name, func(b *testing.B) {
			in := []byte(c.text)
			out := make([]byte, 0, len(apdu))
			b.SetBytes(int64(len(in)))
			b.ReportAllocs()
			for b.Loop() {
				var h zvt.HexReader
				var err error
				if out, err = h.Append(out[:0], in, true); err != nil || len(out) != len(apdu) {
					b.Fatalf("read %d bytes, %v", len(out), err)
				}
			}
		})
	}
}

// BenchmarkAppendHexSystemConfig formats the capture as decode writes it
// ("06 D3 FF …").
func BenchmarkAppendHexSystemConfig(b *testing.B) {
	apdu := vector(b, "cap-feig-system-config.hex")
	out := make([]byte, 0, 3*len(apdu))
	b.SetBytes(int64(len(apdu)))
	b.ReportAllocs()
	for b.Loop() {
		out = zvt.AppendHex(out[:0], apdu)
	}
}
