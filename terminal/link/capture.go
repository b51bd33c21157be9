package link

import (
	"errors"
	"fmt"
)

// Reading a recorded serial stream (a capture, a paste from a terminal's
// log): frames and lone ACK/NAK bytes, nothing else, in order. Unlike the
// live link, which skips noise and NAKs bad frames, a capture stops at the
// first byte that is neither, and says which frame and byte it is.

// SerialScanner reads a recorded ZVT serial byte stream strictly through a
// [Deframer] with no length limit. Visit is called for each good frame
// (EventFrame) and each lone ACK or NAK (EventACK, EventNAK), in stream order.
// Anything else (skipped bytes, a bad CRC or DLE sequence, a stream cut
// short) stops the scan with a [*CaptureError]; so does an error Visit
// returns, wrapped in one. Feed the stream in pieces of any size, then call
// End. After an error, Feed and End return it again.
type SerialScanner struct {
	Visit func(Event) error

	d      Deframer
	evs    []Event
	frames int // good frames visited
	err    error
}

// ScanSerial reads data as a whole recorded serial stream: a
// [SerialScanner] fed data, then ended.
func ScanSerial(data []byte, visit func(Event) error) error {
	s := &SerialScanner{Visit: visit}
	if err := s.Feed(data); err != nil {
		return err
	}
	return s.End()
}

// Feed reads the next piece of the stream.
func (s *SerialScanner) Feed(p []byte) error {
	if s.err != nil {
		return s.err
	}
	s.d.MaxFrame = -1
	s.evs = s.d.Feed(s.evs[:0], p)
	return s.visit()
}

// End reads the end of the stream: skipped bytes at the end or a frame cut
// short are errors.
func (s *SerialScanner) End() error {
	if s.err != nil {
		return s.err
	}
	s.evs = s.d.End(s.evs[:0])
	return s.visit()
}

func (s *SerialScanner) visit() error {
	for _, ev := range s.evs {
		err := ev.Err
		if k := ev.Kind; (k == EventFrame || k == EventACK || k == EventNAK) && s.Visit != nil {
			err = s.Visit(ev)
		}
		if err != nil {
			s.err = &CaptureError{Frame: s.frames + 1, Offset: ev.Offset, Err: err}
			return s.err
		}
		if ev.Kind == EventFrame {
			s.frames++
		}
	}
	return nil
}

// CaptureError stops a [SerialScanner]: frame Frame (1-based, counting good
// frames only) at stream offset Offset is malformed, or the visitor
// refused it. Err is the [*CRCError], [*FrameError] or the visitor's error;
// its offsets are stream offsets.
type CaptureError struct {
	Frame  int
	Offset int
	Err    error
}

// Error reads like "frame 2 at input byte 13: bad CRC at byte 20: expected
// 76 57, received 76 58 (CRC-16/KERMIT, low byte first)".
func (e *CaptureError) Error() string {
	var ce *CRCError
	var fe *FrameError
	detail := e.Err.Error()
	switch {
	case errors.As(e.Err, &ce):
		detail = fmt.Sprintf("bad CRC at byte %d: expected %02X %02X, received %02X %02X (CRC-16/KERMIT, low byte first)",
			ce.Offset, byte(ce.Want), byte(ce.Want>>8), byte(ce.Got), byte(ce.Got>>8))
	case errors.As(e.Err, &fe):
		detail = fmt.Sprintf("byte %d: %s", fe.Offset, fe.Msg)
	}
	return fmt.Sprintf("frame %d at input byte %d: %s", e.Frame, e.Offset, detail)
}

// Unwrap returns Err, so errors.Is(err, link.ErrFrame) and io.ErrUnexpectedEOF work.
func (e *CaptureError) Unwrap() error { return e.Err }
