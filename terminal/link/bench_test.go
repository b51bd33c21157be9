package link_test

import (
	"testing"

	"github.com/posdoctor/posdoctor/terminal/link"
)

// A 4 KB print text block like Feig's system configuration (zvt.md §5 V5),
// with every 16th byte a DLE so stuffing is exercised.
func bigAPDU() []byte {
	b := extLen(4093)
	for i := 5; i < len(b); i += 16 {
		b[i] = link.DLE
	}
	return b
}

func BenchmarkUnframe4KB(b *testing.B) {
	frame := link.AppendFrame(nil, bigAPDU())
	b.SetBytes(int64(len(frame)))
	for b.Loop() {
		if _, _, err := link.Unframe(frame); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkAppendFrame4KB(b *testing.B) {
	apdu := bigAPDU()
	b.SetBytes(int64(len(apdu)))
	buf := make([]byte, 0, 2*len(apdu))
	for b.Loop() {
		buf = link.AppendFrame(buf[:0], apdu)
	}
}

func BenchmarkReassemble4KBIn1KBReads(b *testing.B) {
	apdu := bigAPDU()
	b.SetBytes(int64(len(apdu)))
	var r link.Reassembler
	for b.Loop() {
		for i := 0; i < len(apdu); i += 1024 {
			r.Write(apdu[i:min(i+1024, len(apdu))])
		}
		if a, err := r.Next(); err != nil || len(a) != len(apdu) {
			b.Fatalf("got %d bytes, %v", len(a), err)
		}
	}
}

// The live link's path: the Deframer fed a 4 KB frame in 64-byte reads, as
// a serial port at speed delivers it, with the per-read Flush.
func BenchmarkDeframer4KBIn64ByteReads(b *testing.B) {
	frame := link.AppendFrame(nil, bigAPDU())
	b.SetBytes(int64(len(frame)))
	var d link.Deframer
	var evs []link.Event
	for b.Loop() {
		evs = evs[:0]
		for i := 0; i < len(frame); i += 64 {
			evs = d.Flush(d.Feed(evs, frame[i:min(i+64, len(frame))]))
		}
		if len(evs) != 1 || evs[0].Kind != link.EventFrame {
			b.Fatalf("events %v", evs)
		}
	}
}
