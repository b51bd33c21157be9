package link

import (
	"fmt"
)

// validClass reports whether b can start a ZVT APDU: a command class
// (04, 05, 06, 08, Feig's 0F) or a response (80 00, 84 xx). Anything else at
// the start of an APDU means the peer is not speaking ZVT (research/zvt.md
// §7 item 5: banners like 00 00 00 3E "VER|APP…", lone bytes like 15 03 69).
func validClass(b byte) bool {
	switch b {
	case 0x04, 0x05, 0x06, 0x08, 0x0F, 0x80, 0x84:
		return true
	}
	return false
}

// Reassembler cuts a TCP byte stream into whole APDUs by their length field
// (1 byte, or FF lo hi little-endian; PA00P016 §5.2). APDUs may arrive split
// across reads or several in one read; a partial APDU stays buffered until the
// rest arrives. The zero value is ready with a maximum data length of 65535.
type Reassembler struct {
	// MaxLen is the largest data length accepted; 0 means 65535.
	MaxLen int
	buf    []byte
}

// Write appends bytes read from the stream.
func (r *Reassembler) Write(p []byte) { r.buf = append(r.buf, p...) }

// Buffered is the number of bytes held that do not yet form a whole APDU
// (after Next returned nil) or have not been taken yet.
func (r *Reassembler) Buffered() int { return len(r.buf) }

// Reset drops everything buffered.
func (r *Reassembler) Reset() { r.buf = r.buf[:0] }

// Next returns the next whole APDU (a fresh slice), or nil, nil when more
// bytes are needed. A first byte that cannot start a ZVT APDU is a
// [*NotZVTError]; a length above MaxLen wraps [ErrTooLong]. After an error
// the stream cannot be resynchronised: drop the connection.
func (r *Reassembler) Next() ([]byte, error) {
	n, err := apduLen(r.buf, r.MaxLen)
	if err != nil || n == 0 {
		return nil, err
	}
	apdu := make([]byte, n)
	copy(apdu, r.buf)
	rest := copy(r.buf, r.buf[n:])
	r.buf = r.buf[:rest]
	if cap(r.buf) > 1<<16 && rest < 1024 {
		r.buf = append([]byte(nil), r.buf...)
	}
	return apdu, nil
}

// apduLen is the total length of the APDU at the front of b, or 0 when b
// does not hold all of it yet.
func apduLen(b []byte, maxLen int) (int, error) {
	if maxLen <= 0 || maxLen > DefaultMaxLen {
		maxLen = DefaultMaxLen
	}
	if len(b) == 0 {
		return 0, nil
	}
	if !validClass(b[0]) {
		return 0, &NotZVTError{Sent: head(b)}
	}
	if len(b) < 3 {
		return 0, nil
	}
	hdr, l := 3, int(b[2])
	if b[2] == 0xFF {
		if len(b) < 5 {
			return 0, nil
		}
		hdr, l = 5, int(b[3])|int(b[4])<<8
	}
	if l > maxLen {
		return 0, fmt.Errorf("link: %w: %02X %02X announces %d data bytes, the limit is %d", ErrTooLong, b[0], b[1], l, maxLen)
	}
	if len(b) < hdr+l {
		return 0, nil
	}
	return hdr + l, nil
}

func head(b []byte) []byte {
	if len(b) > 64 {
		b = b[:64]
	}
	return append([]byte(nil), b...)
}
