package link

import (
	"errors"
	"fmt"
	"io"
)

// Control bytes of the ZVT serial transport (PA00P016 §3, research/zvt.md §2.4).
const (
	STX = 0x02
	ETX = 0x03
	ACK = 0x06
	DLE = 0x10
	NAK = 0x15
)

// ErrFrame is the sentinel for every malformed serial frame:
// errors.Is(err, link.ErrFrame). A bad CRC is a [*CRCError] and also matches it.
var ErrFrame = errors.New("bad serial frame")

// FrameError is a malformed serial frame. Offset is the index of the
// offending byte in the input given to [Unframe].
type FrameError struct {
	Offset int
	Msg    string
	Err    error // ErrFrame, or io.ErrUnexpectedEOF when the frame is cut short
}

func (e *FrameError) Error() string {
	return fmt.Sprintf("link: serial frame: byte %d: %s", e.Offset, e.Msg)
}

// reason is what is wrong with a frame, without the offset: the live link's
// notices say it (a live stream's offsets mean nothing to a reader).
func reason(err error) string {
	var ce *CRCError
	var fe *FrameError
	switch {
	case errors.As(err, &ce):
		return ce.reason()
	case errors.As(err, &fe):
		return fe.Msg
	}
	return err.Error()
}

func (e *FrameError) Unwrap() error { return e.Err }

// CRCError is a serial frame whose CRC-16/KERMIT does not match. Want is the
// CRC computed over the received APDU and ETX, Got the CRC the frame carried.
// Offset is the index of the CRC's first (low) byte.
type CRCError struct {
	Want, Got uint16
	Offset    int
}

func (e *CRCError) Error() string {
	return fmt.Sprintf("link: serial frame: byte %d: %s (low byte first)", e.Offset, e.reason())
}

func (e *CRCError) reason() string {
	return fmt.Sprintf("bad CRC: computed %02X %02X, received %02X %02X", byte(e.Want), byte(e.Want>>8), byte(e.Got), byte(e.Got>>8))
}

// Is makes a CRC error match [ErrFrame].
func (e *CRCError) Is(target error) bool { return target == ErrFrame }

// CRC16Kermit is CRC-16/KERMIT (poly 0x1021 reflected = 0x8408, init 0,
// no final XOR; check value 0x2189 for "123456789"). ZVT computes it over
// the unstuffed APDU followed by ETX and sends it low byte first
// (research/zvt.md §0.3, verified on a PAYONE P400 Plus frame, §5 V1).
func CRC16Kermit(b []byte) uint16 {
	var crc uint16
	for _, c := range b {
		crc = crcUpdate(crc, c)
	}
	return crc
}

// crcTable is CRC-16/KERMIT for each byte value (reflected poly 0x8408).
var crcTable = func() (t [256]uint16) {
	for i := range t {
		crc := uint16(i)
		for range 8 {
			if crc&1 != 0 {
				crc = crc>>1 ^ 0x8408
			} else {
				crc >>= 1
			}
		}
		t[i] = crc
	}
	return t
}()

func crcUpdate(crc uint16, c byte) uint16 {
	return crc>>8 ^ crcTable[byte(crc)^c]
}

// AppendFrame appends apdu as one ZVT serial frame to dst and returns the
// extended buffer: DLE STX, the APDU with every DLE doubled, DLE ETX, then
// the CRC low byte first. The CRC bytes are not stuffed (research/zvt.md §2.4).
func AppendFrame(dst, apdu []byte) []byte {
	dst = append(dst, DLE, STX)
	var crc uint16
	for _, c := range apdu {
		crc = crcUpdate(crc, c)
		dst = append(dst, c)
		if c == DLE {
			dst = append(dst, DLE)
		}
	}
	crc = crcUpdate(crc, ETX)
	return append(dst, DLE, ETX, byte(crc), byte(crc>>8))
}

// Unframe reads one complete serial frame from the front of b. It returns
// the unstuffed APDU (a fresh slice the caller owns) and the number of bytes
// of b the frame used. Errors name the byte offset: a frame that is cut short
// wraps io.ErrUnexpectedEOF, a bad CRC is a [*CRCError], anything else a
// [*FrameError] wrapping [ErrFrame]. On error n is the number of bytes the
// caller may skip to resynchronise (at least 1 unless the frame is short).
//
// Unframe is the [Deframer] the live link runs, asked for its first event
// after a DLE STX that must open b; it has no length limit.
func Unframe(b []byte) (apdu []byte, n int, err error) {
	if len(b) < 2 {
		return nil, 0, &FrameError{Offset: len(b), Msg: "frame cut short before DLE STX", Err: io.ErrUnexpectedEOF}
	}
	if b[0] != DLE {
		return nil, 1, &FrameError{Offset: 0, Msg: fmt.Sprintf("want DLE (10) to start a frame, got %02X", b[0]), Err: ErrFrame}
	}
	if b[1] != STX {
		return nil, 1, &FrameError{Offset: 1, Msg: fmt.Sprintf("want STX (02) after DLE, got %02X", b[1]), Err: ErrFrame}
	}
	d := Deframer{MaxFrame: -1, data: make([]byte, 0, len(b)), handOver: true}
	_, ev, ok := d.Next(b)
	if !ok {
		ev = d.End(nil)[0] // after DLE STX: always one EventCutShort
		return nil, 0, ev.Err
	}
	if ev.Kind != EventFrame {
		return nil, ev.End, ev.Err
	}
	return ev.APDU, ev.End, nil
}
