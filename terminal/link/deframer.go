package link

import (
	"fmt"
	"io"
	"math"
)

// Receiving side of the ZVT serial transport as a pure state machine
// (PA00P016 §3, research/zvt.md §2.4): DLE STX, the APDU with every DLE
// doubled, DLE ETX, CRC-16/KERMIT low byte first; lone ACK and NAK between
// frames. No timers, channels or goroutines: T1, the ACK/NAK answers and the
// delivery of APDUs belong to the caller (the live link in serial.go,
// [Unframe], [SerialScanner] for captures).

// EventKind says what an [Event] is.
type EventKind uint8

// The events a [Deframer] emits.
const (
	// EventFrame is a whole frame with a good CRC: APDU and CRC are set.
	EventFrame EventKind = iota + 1
	// EventACK is a lone ACK (06) outside a frame.
	EventACK
	// EventNAK is a lone NAK (15) outside a frame.
	EventNAK
	// EventSkipped is a run of bytes outside any frame that are neither
	// ACK, NAK nor the DLE STX of a frame. Err is a [*FrameError] naming the
	// run's first byte and what was wanted there; Skipped holds at most the
	// first [SkippedHead] bytes of the run.
	EventSkipped
	// EventBadCRC is a frame whose CRC does not match: Err is a [*CRCError].
	EventBadCRC
	// EventBadDLE is a DLE inside a frame followed by a byte other than DLE
	// or ETX: Err is a [*FrameError] naming that byte. The frame is dropped.
	EventBadDLE
	// EventTooLong is a frame whose APDU grew past MaxFrame: Err is a
	// [*FrameError] naming the first byte too many. The bytes after it are
	// swallowed until [Deframer.Reset] (the live link calls it after T1).
	EventTooLong
	// EventCutShort is the end of the stream inside a frame, or right after
	// a DLE that may have started one: Err is a [*FrameError] wrapping
	// [io.ErrUnexpectedEOF]. Only [Deframer.End] emits it.
	EventCutShort
)

// eventKinds is what each kind is called and whether a receiver answers it
// with NAK (PA00P016 §3.2: a bad CRC, a bad DLE sequence, an over-long frame).
var eventKinds = [...]struct {
	name string
	nak  bool
	ctrl byte // the control byte of ACK and NAK
}{
	EventFrame:    {name: "frame"},
	EventACK:      {name: "ack", ctrl: ACK},
	EventNAK:      {name: "nak", ctrl: NAK},
	EventSkipped:  {name: "skipped"},
	EventBadCRC:   {name: "bad_crc", nak: true},
	EventBadDLE:   {name: "bad_dle", nak: true},
	EventTooLong:  {name: "too_long", nak: true},
	EventCutShort: {name: "cut_short"},
}

// String is the kind's snake_case name, e.g. "bad_crc".
func (k EventKind) String() string {
	if int(k) < len(eventKinds) && eventKinds[k].name != "" {
		return eventKinds[k].name
	}
	return fmt.Sprintf("event_%d", k)
}

// NAK reports whether a receiver answers this kind of event with NAK.
func (k EventKind) NAK() bool { return int(k) < len(eventKinds) && eventKinds[k].nak }

// Control is the byte of EventACK (06) and EventNAK (15), else 0.
func (k EventKind) Control() byte {
	if int(k) < len(eventKinds) {
		return eventKinds[k].ctrl
	}
	return 0
}

// SkippedHead is how many bytes of a skipped run an [Event] keeps. The bytes
// may be the data of a frame whose DLE STX was lost, so they are kept short
// enough never to hold a card number: a BCD PAN (13 digits or more) needs 7.
const SkippedHead = 6

// Event is one thing a [Deframer] found in the byte stream. Offsets count
// bytes from the first byte the Deframer was fed (stream offsets).
type Event struct {
	Kind   EventKind
	Offset int // first byte: the frame's DLE, the ACK/NAK, the first skipped byte
	End    int // just past the last byte the event covers

	// APDU is the unstuffed APDU of an EventFrame: a fresh slice the caller owns.
	APDU []byte
	// CRC is an EventFrame's CRC as received, low byte first.
	CRC [2]byte
	// Skipped is the first bytes (at most SkippedHead) of an EventSkipped
	// run, a fresh slice; the run is End-Offset bytes long.
	Skipped []byte
	// Err says what is wrong, for every kind but frame, ACK and NAK. Its
	// offsets are stream offsets too.
	Err error
}

// Deframer cuts a serial byte stream into [Event]s. Feed it bytes in pieces
// of any size: the events do not depend on where the stream was split (only
// [Deframer.Flush], asked for explicitly, does). The zero value is ready and
// accepts APDUs of up to DefaultMaxLen data bytes plus header.
//
// A DLE outside a frame that is not followed by STX is skipped, and the byte
// after it is read afresh, so that DLE DLE STX starts a frame at the second
// DLE and a DLE before an ACK does not hide the ACK.
type Deframer struct {
	// MaxFrame is the longest APDU (unstuffed frame body) accepted; 0 means
	// DefaultMaxLen+5 (the largest APDU), a negative value no limit.
	MaxFrame int

	state dfState
	off   int    // stream offset of the next byte
	start int    // stream offset of the current frame's (or pending) DLE
	data  []byte // the frame's APDU so far; reused
	crc   uint16 // CRC-16/KERMIT over data, then ETX
	crcLo byte   // first CRC byte, in dfCRC2
	// handOver gives a frame's buffer to its event instead of copying it
	// (Unframe, which reads one frame and presizes the buffer).
	handOver bool
	skip     skipRun
	// skipShown is how many bytes of the current stretch of noise earlier
	// Flushes already put in events: the pieces a live link reports
	// together show at most SkippedHead bytes, like one whole run.
	skipShown int
}

// skipRun is a run of skipped bytes not yet emitted.
type skipRun struct {
	n     int         // bytes in the run; 0 when there is none
	start int         // stream offset of the first
	head  []byte      // the first SkippedHead of them
	why   *FrameError // what was wanted at the first
}

// Deframer states.
type dfState uint8

const (
	dfIdle     dfState = iota // between frames
	dfDLE                     // a DLE between frames: STX starts a frame
	dfData                    // in a frame's APDU
	dfDataDLE                 // a DLE in a frame: DLE is data, ETX ends it
	dfCRC1                    // after DLE ETX: the CRC's low byte
	dfCRC2                    // the CRC's high byte
	dfOverlong                // a frame too long: swallow until Reset
)

// dfSteps is the state machine: one function per state, each taking one
// byte. It reports whether it consumed the byte (a byte it did not consume is
// read again in the new state) and the event the byte completed, if any.
var dfSteps = [...]func(d *Deframer, b byte) (consumed bool, ev Event, ok bool){
	dfIdle:     (*Deframer).stepIdle,
	dfDLE:      (*Deframer).stepDLE,
	dfData:     (*Deframer).stepData,
	dfDataDLE:  (*Deframer).stepDataDLE,
	dfCRC1:     (*Deframer).stepCRC1,
	dfCRC2:     (*Deframer).stepCRC2,
	dfOverlong: func(*Deframer, byte) (bool, Event, bool) { return true, Event{}, false },
}

// controlKinds is the event of each control byte between frames.
var controlKinds = [256]EventKind{ACK: EventACK, NAK: EventNAK}

// cutShort is what End says about a stream that stops in each state.
var cutShort = [...]string{
	dfDLE:     "frame cut short before DLE STX",
	dfData:    "frame cut short before DLE ETX",
	dfDataDLE: "frame cut short after DLE",
	dfCRC1:    "frame cut short in CRC",
	dfCRC2:    "frame cut short in CRC",
}

// Feed appends to dst the events that the bytes p complete and returns the
// extended slice. Bytes that do not complete an event yet are kept.
func (d *Deframer) Feed(dst []Event, p []byte) []Event {
	for len(p) > 0 {
		n, ev, ok := d.Next(p)
		p = p[n:]
		if ok {
			dst = append(dst, ev)
		}
	}
	return dst
}

// Next consumes bytes from the front of p until one event is complete and
// returns how many it consumed and the event. When no event is complete,
// ok is false and n is len(p): the Deframer keeps what it needs.
func (d *Deframer) Next(p []byte) (n int, ev Event, ok bool) {
	for n < len(p) {
		if d.state == dfData {
			n += d.scanData(p[n:])
			if n == len(p) {
				break
			}
		}
		consumed, ev, ok := dfSteps[d.state](d, p[n])
		if consumed {
			n++
			d.off++
		}
		if ok {
			return n, ev, true
		}
	}
	return n, Event{}, false
}

// Flush appends the skipped bytes held back so far (a run not yet ended by
// a frame, an ACK or a NAK) as one EventSkipped. A live link calls it after
// each read to report line noise at once; it is the one call whose events
// depend on how the stream was split.
func (d *Deframer) Flush(dst []Event) []Event {
	if d.skip.n > 0 {
		shown := d.skipShown + len(d.skip.head)
		dst = append(dst, d.takeSkip())
		d.skipShown = shown // the stretch goes on until a frame, ACK or NAK
	}
	return dst
}

// End appends the events of the end of the stream: the skipped bytes held
// back, then an EventCutShort when the stream stops inside a frame or right
// after a DLE. The Deframer is then between frames again.
func (d *Deframer) End(dst []Event) []Event {
	dst = d.Flush(dst)
	d.skipShown = 0
	if msg := cutShortMsg(d.state); msg != "" {
		dst = append(dst, Event{Kind: EventCutShort, Offset: d.start, End: d.off,
			Err: &FrameError{Offset: d.off, Msg: msg, Err: io.ErrUnexpectedEOF}})
	}
	d.state = dfIdle
	return dst
}

func cutShortMsg(s dfState) string {
	if int(s) < len(cutShort) {
		return cutShort[s]
	}
	return ""
}

// InFrame reports whether a frame has begun (DLE STX seen) and not ended.
// The live link sends NAK when such a frame stalls for T1.
func (d *Deframer) InFrame() bool { return d.state >= dfData }

// Idle reports whether the Deframer is between frames with nothing begun:
// no frame and no DLE that may start one.
func (d *Deframer) Idle() bool { return d.state == dfIdle }

// Buffered is the number of APDU bytes of the frame in progress.
func (d *Deframer) Buffered() int { return len(d.data) }

// Offset is the stream offset of the next byte: the number of bytes fed.
func (d *Deframer) Offset() int { return d.off }

// Reset drops the frame in progress, as the live link does when the line
// stalls for T1 (PA00P016 §3.1). A DLE that might have started a frame
// counts as skipped. Skipped bytes held back and the offset are kept.
func (d *Deframer) Reset() {
	if d.state == dfDLE {
		d.skipByte(d.start, DLE, "want STX (02) after DLE, the line went quiet", d.start+1)
	}
	d.state, d.data = dfIdle, d.data[:0]
}

func (d *Deframer) maxFrame() int {
	switch {
	case d.MaxFrame < 0:
		return math.MaxInt
	case d.MaxFrame == 0:
		return DefaultMaxLen + 5
	}
	return d.MaxFrame
}

func (d *Deframer) stepIdle(b byte) (bool, Event, bool) {
	switch b {
	case ACK, NAK:
		if d.skip.n > 0 { // the run ends here: emit it first
			return false, d.takeSkip(), true
		}
		d.skipShown = 0
		return true, Event{Kind: controlKinds[b], Offset: d.off, End: d.off + 1}, true
	case DLE:
		d.state, d.start = dfDLE, d.off
	default:
		d.skipByte(d.off, b, fmt.Sprintf("want DLE (10) to start a frame, got %02X", b), d.off)
	}
	return true, Event{}, false
}

func (d *Deframer) stepDLE(b byte) (bool, Event, bool) {
	switch b {
	case STX:
		d.state, d.data, d.crc = dfData, d.data[:0], 0
		if d.skip.n > 0 { // the run ended at the frame's DLE
			return true, d.takeSkip(), true
		}
		d.skipShown = 0
		return true, Event{}, false
	case DLE: // the first DLE is skipped; the second may start the frame
		d.skipByte(d.start, DLE, "want STX (02) after DLE, got 10", d.off)
		d.start = d.off
		return true, Event{}, false
	}
	d.skipByte(d.start, DLE, fmt.Sprintf("want STX (02) after DLE, got %02X", b), d.off)
	d.state = dfIdle
	return false, Event{}, false // b is read again between frames
}

func (d *Deframer) stepData(b byte) (bool, Event, bool) {
	if b == DLE {
		d.state = dfDataDLE
		return true, Event{}, false
	}
	return d.appendData(b)
}

func (d *Deframer) stepDataDLE(b byte) (bool, Event, bool) {
	switch b {
	case DLE:
		d.state = dfData
		return d.appendData(DLE)
	case ETX:
		d.crc = crcUpdate(d.crc, ETX)
		d.state = dfCRC1
		return true, Event{}, false
	}
	d.state = dfIdle
	return true, Event{Kind: EventBadDLE, Offset: d.start, End: d.off + 1, Err: &FrameError{
		Offset: d.off, Msg: fmt.Sprintf("DLE followed by %02X: want DLE (10) or ETX (03)", b), Err: ErrFrame}}, true
}

func (d *Deframer) stepCRC1(b byte) (bool, Event, bool) {
	d.crcLo, d.state = b, dfCRC2
	return true, Event{}, false
}

func (d *Deframer) stepCRC2(b byte) (bool, Event, bool) {
	d.state = dfIdle
	ev := Event{Offset: d.start, End: d.off + 1}
	if got := uint16(d.crcLo) | uint16(b)<<8; got != d.crc {
		ev.Kind, ev.Err = EventBadCRC, &CRCError{Want: d.crc, Got: got, Offset: d.off - 1}
		return true, ev, true
	}
	ev.Kind, ev.CRC = EventFrame, [2]byte{d.crcLo, b}
	if d.handOver {
		ev.APDU, d.data = d.data[:len(d.data):len(d.data)], nil
	} else {
		ev.APDU = append([]byte(nil), d.data...)
	}
	return true, ev, true
}

// appendData adds one APDU byte; the first byte past MaxFrame ends the frame.
func (d *Deframer) appendData(b byte) (bool, Event, bool) {
	d.data = append(d.data, b)
	d.crc = crcUpdate(d.crc, b)
	if len(d.data) <= d.maxFrame() {
		return true, Event{}, false
	}
	d.state = dfOverlong
	return true, Event{Kind: EventTooLong, Offset: d.start, End: d.off + 1, Err: &FrameError{
		Offset: d.off, Msg: fmt.Sprintf("frame longer than %d bytes", d.maxFrame()), Err: ErrFrame}}, true
}

// scanData is the fast path of dfData: it takes APDU bytes, doubled DLEs
// included, up to the next DLE it cannot settle from p alone, stopping short
// of the byte that would make the frame too long (stepData reports that
// one). It returns how many bytes of p it consumed.
func (d *Deframer) scanData(p []byte) int {
	room := d.maxFrame() - len(d.data)
	data, crc := d.data, d.crc
	i := 0
	for i < len(p) && room > 0 {
		c := p[i]
		if c == DLE {
			if i+1 >= len(p) || p[i+1] != DLE {
				break
			}
			i++ // a doubled DLE is one data byte
		}
		data = append(data, c)
		crc = crcUpdate(crc, c)
		room--
		i++
	}
	d.data, d.crc = data, crc
	d.off += i
	return i
}

// skipByte adds the byte b at stream offset at to the skipped run; why
// (the wanted byte, at offset whyAt) is kept when b starts the run.
func (d *Deframer) skipByte(at int, b byte, why string, whyAt int) {
	if d.skip.n == 0 {
		d.skip = skipRun{start: at, head: d.skip.head[:0], why: &FrameError{Offset: whyAt, Msg: why, Err: ErrFrame}}
	}
	if d.skipShown+len(d.skip.head) < SkippedHead {
		d.skip.head = append(d.skip.head, b)
	}
	d.skip.n++
}

func (d *Deframer) takeSkip() Event {
	s := d.skip
	d.skip, d.skipShown = skipRun{head: s.head[:0]}, 0
	return Event{Kind: EventSkipped, Offset: s.start, End: s.start + s.n,
		Skipped: append([]byte(nil), s.head...), Err: s.why}
}
