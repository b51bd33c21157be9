package link_test

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"

	"github.com/posdoctor/posdoctor/terminal/link"
)

// evString is an event in one line, every field that matters: the
// comparisons below are on these lines.
func evString(ev link.Event) string {
	s := fmt.Sprintf("%s %d-%d", ev.Kind, ev.Offset, ev.End)
	if ev.Kind == link.EventFrame {
		s += fmt.Sprintf(" apdu % X crc % X", ev.APDU, ev.CRC)
	}
	if ev.Skipped != nil {
		s += fmt.Sprintf(" skipped % X", ev.Skipped)
	}
	if ev.Err != nil {
		s += ": " + ev.Err.Error()
	}
	return s
}

func evStrings(evs []link.Event) []string {
	out := []string{}
	for _, ev := range evs {
		out = append(out, evString(ev))
	}
	return out
}

func TestDeframerEvents(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		max  int // MaxFrame
		in   string
		want []string
	}{
		{"one frame", 0, "10 02 80 00 00 10 03 F5 1F", []string{"frame 0-9 apdu 80 00 00 crc F5 1F"}},
		{"frame DLE doubled", 0, "10 02 06 0F 0A 19 10 10 29 52 52 35 35 49 09 78 10 03 26 92",
			[]string{"frame 0-20 apdu 06 0F 0A 19 10 29 52 52 35 35 49 09 78 crc 26 92"}},
		{"ack and nak between frames", 0, "06 10 02 80 00 00 10 03 F5 1F 15",
			[]string{"ack 0-1", "frame 1-10 apdu 80 00 00 crc F5 1F", "nak 10-11"}},
		{"ACK inside a frame is data", 0, "10 02 06 15 10 03 6B 0F", []string{"frame 0-8 apdu 06 15 crc 6B 0F"}},
		{"garbage run is one event", 0, "41 42 43 06",
			[]string{"skipped 0-3 skipped 41 42 43: link: serial frame: byte 0: want DLE (10) to start a frame, got 41", "ack 3-4"}},
		{"skipped keeps 6 bytes", 0, "22 F0 F8 55 98 83 12 34 56 80 74 87 15",
			[]string{"skipped 0-12 skipped 22 F0 F8 55 98 83: link: serial frame: byte 0: want DLE (10) to start a frame, got 22", "nak 12-13"}},
		{"DLE DLE STX starts at the second DLE", 0, "10 10 02 80 00 00 10 03 F5 1F",
			[]string{"skipped 0-1 skipped 10: link: serial frame: byte 1: want STX (02) after DLE, got 10", "frame 1-10 apdu 80 00 00 crc F5 1F"}},
		{"DLE before ACK does not hide it", 0, "10 06",
			[]string{"skipped 0-1 skipped 10: link: serial frame: byte 1: want STX (02) after DLE, got 06", "ack 1-2"}},
		{"DLE then junk outside a frame", 0, "10 41 06",
			[]string{"skipped 0-2 skipped 10 41: link: serial frame: byte 1: want STX (02) after DLE, got 41", "ack 2-3"}},
		{"bad DLE inside a frame", 0, "10 02 80 10 41 06",
			[]string{"bad_dle 0-5: link: serial frame: byte 4: DLE followed by 41: want DLE (10) or ETX (03)", "ack 5-6"}},
		{"bad CRC names the CRC's offset", 0, "06 10 02 80 00 00 10 03 F5 1E",
			[]string{"ack 0-1", "bad_crc 1-10: link: serial frame: byte 8: bad CRC: computed F5 1F, received F5 1E (low byte first)"}},
		{"CRC bytes are not stuffed", 0, "10 02 10 10 10 03 10 10", // the CRC of 10 is 0A A7
			[]string{"bad_crc 0-8: link: serial frame: byte 6: bad CRC: computed 0A A7, received 10 10 (low byte first)"}},
		{"cut short before ETX", 0, "10 02 80 00", []string{"cut_short 0-4: link: serial frame: byte 4: frame cut short before DLE ETX"}},
		{"cut short after DLE", 0, "10 02 80 10", []string{"cut_short 0-4: link: serial frame: byte 4: frame cut short after DLE"}},
		{"cut short in CRC", 0, "10 02 80 00 00 10 03 F5", []string{"cut_short 0-8: link: serial frame: byte 8: frame cut short in CRC"}},
		{"cut short after lone DLE", 0, "41 10",
			[]string{"skipped 0-1 skipped 41: link: serial frame: byte 0: want DLE (10) to start a frame, got 41",
				"cut_short 1-2: link: serial frame: byte 2: frame cut short before DLE STX"}},
		{"garbage at the end", 0, "06 41", []string{"ack 0-1", "skipped 1-2 skipped 41: link: serial frame: byte 1: want DLE (10) to start a frame, got 41"}},
		{"max frame exactly", 3, "10 02 80 00 00 10 03 F5 1F", []string{"frame 0-9 apdu 80 00 00 crc F5 1F"}},
		{"max frame plus one swallows the rest", 2, "10 02 80 00 00 10 03 F5 1F 06",
			[]string{"too_long 0-5: link: serial frame: byte 4: frame longer than 2 bytes"}},
		{"doubled DLE counts once against max", 1, "10 02 10 10 10 03 0A A7", []string{"frame 0-8 apdu 10 crc 0A A7"}},
		{"empty", 0, "", []string{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			d := link.Deframer{MaxFrame: tt.max}
			in := unhex(t, tt.in)
			got := evStrings(d.End(d.Feed(nil, in)))
			if !reflect.DeepEqual(got, tt.want) {
				t.Fatalf("events\n  %s\nwant\n  %s", strings.Join(got, "\n  "), strings.Join(tt.want, "\n  "))
			}
			if d.Offset() != len(in) {
				t.Errorf("Offset %d, want %d", d.Offset(), len(in))
			}
		})
	}
}

func TestDeframerEventErrors(t *testing.T) {
	t.Parallel()
	var d link.Deframer
	evs := d.End(d.Feed(nil, unhex(t, "41 10 02 80 00 00 10 03 F5 1E 10 02 80 10 41 10 02 80")))
	kinds := []link.EventKind{link.EventSkipped, link.EventBadCRC, link.EventBadDLE, link.EventCutShort}
	wantErr := []error{link.ErrFrame, link.ErrFrame, link.ErrFrame, io.ErrUnexpectedEOF}
	wantNAK := []bool{false, true, true, false}
	if len(evs) != len(kinds) {
		t.Fatalf("events %q", evStrings(evs))
	}
	for i, ev := range evs {
		if ev.Kind != kinds[i] || !errors.Is(ev.Err, wantErr[i]) || ev.Kind.NAK() != wantNAK[i] {
			t.Errorf("event %d: %s (NAK %v), want %s wrapping %v, NAK %v", i, evString(ev), ev.Kind.NAK(), kinds[i], wantErr[i], wantNAK[i])
		}
	}
	var ce *link.CRCError
	if !errors.As(evs[1].Err, &ce) || ce.Want != 0x1FF5 || ce.Got != 0x1EF5 {
		t.Errorf("bad CRC error %v, want *CRCError{Want 1FF5, Got 1EF5}", evs[1].Err)
	}
	if link.EventACK.Control() != link.ACK || link.EventNAK.Control() != link.NAK || link.EventFrame.Control() != 0 {
		t.Error("EventKind.Control: want 06 for ACK, 15 for NAK, 0 otherwise")
	}
}

// The live link's T1: Reset drops the frame in progress; the next frame is
// read cleanly, and the offsets keep counting.
func TestDeframerReset(t *testing.T) {
	t.Parallel()
	var d link.Deframer
	if evs := d.Feed(nil, unhex(t, "10 02 80 00")); len(evs) != 0 || !d.InFrame() || d.Buffered() != 2 {
		t.Fatalf("events %q, InFrame %v, Buffered %d; want none, true, 2", evStrings(evs), d.InFrame(), d.Buffered())
	}
	d.Reset()
	if d.InFrame() || d.Buffered() != 0 {
		t.Fatalf("after Reset: InFrame %v, Buffered %d", d.InFrame(), d.Buffered())
	}
	got := evStrings(d.End(d.Feed(nil, unhex(t, "10 02 80 00 00 10 03 F5 1F"))))
	if want := []string{"frame 4-13 apdu 80 00 00 crc F5 1F"}; !reflect.DeepEqual(got, want) {
		t.Errorf("after Reset %q, want %q", got, want)
	}
	// A pending DLE that T1 ends is skipped, not lost.
	d.Feed(nil, []byte{link.DLE})
	d.Reset()
	if got := evStrings(d.Flush(nil)); len(got) != 1 || !strings.HasPrefix(got[0], "skipped 13-14 skipped 10") {
		t.Errorf("pending DLE after Reset: %q, want it skipped", got)
	}
}

// Flush hands out the skipped bytes at once; the run goes on afterwards.
func TestDeframerFlush(t *testing.T) {
	t.Parallel()
	var d link.Deframer
	if evs := d.Feed(nil, unhex(t, "41 42")); len(evs) != 0 {
		t.Fatalf("a run not yet ended is held back: %q", evStrings(evs))
	}
	got := evStrings(d.Flush(nil))
	got = append(got, evStrings(d.End(d.Feed(nil, unhex(t, "43 06"))))...)
	want := []string{
		"skipped 0-2 skipped 41 42: link: serial frame: byte 0: want DLE (10) to start a frame, got 41",
		"skipped 2-3 skipped 43: link: serial frame: byte 2: want DLE (10) to start a frame, got 43",
		"ack 3-4",
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("events %q, want %q", got, want)
	}
}

// Next stops at each event: one Unframe reads one frame and not the rest.
func TestDeframerNext(t *testing.T) {
	t.Parallel()
	var d link.Deframer
	in := unhex(t, "10 02 80 00 00 10 03 F5 1F 06 41")
	n, ev, ok := d.Next(in)
	if !ok || n != 9 || ev.Kind != link.EventFrame {
		t.Fatalf("Next = %d, %s, %v; want 9, a frame, true", n, evString(ev), ok)
	}
	n, ev, ok = d.Next(in[9:])
	if !ok || n != 1 || ev.Kind != link.EventACK || ev.Offset != 9 {
		t.Fatalf("Next = %d, %s, %v; want 1, ack at 9, true", n, evString(ev), ok)
	}
	if n, _, ok = d.Next(in[10:]); ok || n != 1 {
		t.Fatalf("Next on garbage = %d, %v; want 1 consumed and no event yet", n, ok)
	}
}

// chunkFeed feeds b to a fresh Deframer in pieces cut by a generator seeded
// with seed, each 0 to maxChunk bytes, calling Flush after each piece when
// flush is set (as the live link does after each read).
func chunkFeed(b []byte, seed uint64, maxChunk int, flush bool) []link.Event {
	r := rand.New(rand.NewPCG(seed, seed>>32|1))
	d := link.Deframer{MaxFrame: 40}
	var evs []link.Event
	for len(b) > 0 {
		n := min(r.IntN(maxChunk+1), len(b))
		evs = d.Feed(evs, b[:n])
		if flush {
			evs = d.Flush(evs)
		}
		b = b[n:]
	}
	return d.End(evs)
}

// mergeSkipped joins skipped runs that a Flush split.
func mergeSkipped(evs []link.Event) []link.Event {
	var out []link.Event
	for _, ev := range evs {
		if n := len(out); n > 0 && ev.Kind == link.EventSkipped && out[n-1].Kind == link.EventSkipped && out[n-1].End == ev.Offset {
			last := &out[n-1]
			last.End = ev.End
			// Not cut to SkippedHead: the pieces together must show no more
			// than one whole run does (no frame's bytes across notices).
			last.Skipped = append(last.Skipped, ev.Skipped...)
			continue
		}
		out = append(out, ev)
	}
	return out
}

// FuzzDeframerChunks: however the stream is split into reads, the Deframer
// (the one the live serial link runs) emits exactly the events one whole
// Feed does. With a Flush after every read, as the live link does, only the
// skipped runs may be cut in pieces: joined, the events are the same again.
// Every event stays inside the stream, in order, and each frame reframes to
// exactly its bytes.
func FuzzDeframerChunks(f *testing.F) {
	for _, v := range frameVectors {
		f.Add(unhex(f, v.frame), uint64(1), uint8(3))
	}
	f.Add(unhex(f, "06 10 10 02 80 00 00 10 03 F5 1F 41 42 10 06 10 02 80 10 41 15 10 02 80"), uint64(7), uint8(2))
	f.Add(append(link.AppendFrame(nil, make([]byte, 41)), link.AppendFrame(nil, []byte{0x80, 0, 0})...), uint64(3), uint8(5))
	serial, raw := vectorSeeds(f, false)
	for i, b := range append(serial, raw...) {
		f.Add(b, uint64(i), uint8(i%17))
	}
	f.Fuzz(func(t *testing.T, b []byte, seed uint64, maxChunk uint8) {
		d := link.Deframer{MaxFrame: 40}
		whole := d.End(d.Feed(nil, b))
		mc := int(maxChunk%32) + 1
		if got := chunkFeed(b, seed, mc, false); !reflect.DeepEqual(evStrings(got), evStrings(whole)) {
			t.Fatalf("split reads (seed %d, up to %d bytes)\n  %s\nwhole\n  %s", seed, mc,
				strings.Join(evStrings(got), "\n  "), strings.Join(evStrings(whole), "\n  "))
		}
		if got := mergeSkipped(chunkFeed(b, seed, mc, true)); !reflect.DeepEqual(evStrings(got), evStrings(whole)) {
			t.Fatalf("split reads with Flush (seed %d, up to %d bytes)\n  %s\nwhole\n  %s", seed, mc,
				strings.Join(evStrings(got), "\n  "), strings.Join(evStrings(whole), "\n  "))
		}
		end := 0
		for _, ev := range whole {
			if ev.Offset < end || ev.End < ev.Offset || ev.End > len(b) {
				t.Fatalf("event %s out of order or outside 0..%d (previous ended at %d)", evString(ev), len(b), end)
			}
			if ev.Kind == link.EventFrame && !bytes.Equal(link.AppendFrame(nil, ev.APDU), b[ev.Offset:ev.End]) {
				t.Fatalf("frame %s does not reframe to its bytes % X", evString(ev), b[ev.Offset:ev.End])
			}
			end = ev.End
		}
	})
}
