package zvt

import "fmt"

// Length limits of an APDU (PA00P016 §5.2, research/zvt.md §2.1).
const (
	// MaxShortData is the largest body a 1-byte length can carry; FF is the
	// escape for the extended form.
	MaxShortData = 254
	// MaxData is the largest body the extended length FF lo hi can carry.
	MaxData = 65535
)

// APDU is one application message: CLASS INSTR (or CCRC APRC for the
// answers 80 00 and 84 xx), a length and the data. Data is the body without
// the length bytes.
type APDU struct {
	Class, Instr byte
	Data         []byte
}

// Command returns the APDU's class and instruction as a [Command].
func (a APDU) Command() Command { return Command(uint16(a.Class)<<8 | uint16(a.Instr)) }

// Len returns the number of bytes the APDU takes on the wire.
func (a APDU) Len() int {
	if len(a.Data) > MaxShortData {
		return 5 + len(a.Data)
	}
	return 3 + len(a.Data)
}

// Append appends the APDU's wire form to dst.
func (a APDU) Append(dst []byte) ([]byte, error) { return AppendAPDU(dst, a.Class, a.Instr, a.Data) }

// ReadAPDU reads one APDU from the front of b and returns it with the number
// of bytes it took. Data points into b (capped, so appending to it never
// writes into b). When b ends before the APDU does, the error wraps
// [ErrShort]: a stream reader waits for more bytes and tries again.
func ReadAPDU(b []byte) (APDU, int, error) {
	a, n, err := readAPDU(b)
	if err != nil && len(b) >= 2 {
		err = withMsg(err, msgName(Command(uint16(b[0])<<8|uint16(b[1]))))
	}
	return a, n, err
}

func readAPDU(b []byte) (APDU, int, error) {
	if len(b) < 3 {
		return APDU{}, 0, errShort("header", 0, 3, len(b))
	}
	a := APDU{Class: b[0], Instr: b[1]}
	n, hdr := int(b[2]), 3
	if b[2] == 0xFF {
		if len(b) < 5 {
			return APDU{}, 0, errShort("extended length", 3, 2, len(b)-3)
		}
		n, hdr = int(b[3])|int(b[4])<<8, 5 // little-endian (research/zvt.md §2.1)
	}
	if len(b)-hdr < n {
		return APDU{}, 0, errShort("data", hdr, n, len(b)-hdr)
	}
	a.Data = b[hdr : hdr+n : hdr+n]
	return a, hdr + n, nil
}

// AppendAPDU appends class, instr, the length (1 byte up to 254, otherwise
// FF lo hi little-endian) and data to dst. A body above [MaxData] is an error
// wrapping [ErrLength].
func AppendAPDU(dst []byte, class, instr byte, data []byte) ([]byte, error) {
	if len(data) > MaxData {
		return dst, &EncodeError{Msg: Command(uint16(class)<<8 | uint16(instr)).Name(), Field: "length",
			Err: fmt.Errorf("%w: body of %d bytes is above %d", ErrLength, len(data), MaxData)}
	}
	if len(data) > MaxShortData {
		dst = append(dst, class, instr, 0xFF, byte(len(data)), byte(len(data)>>8))
	} else {
		dst = append(dst, class, instr, byte(len(data)))
	}
	return append(dst, data...), nil
}

// beginAPDU appends the header with a 1-byte length placeholder and returns
// the position of the class byte for finishAPDU.
func beginAPDU(dst []byte, cmd Command) ([]byte, int) {
	start := len(dst)
	return append(dst, cmd.Class(), cmd.Instr(), 0), start
}

// finishAPDU fills in the length of the APDU begun at start. When the body
// reaches 255 bytes it inserts FF lo hi instead. Above MaxData it returns
// dst cut back to start and an error.
func finishAPDU(dst []byte, start int) ([]byte, error) {
	n := len(dst) - start - 3
	switch {
	case n > MaxData:
		return dst[:start], &EncodeError{Msg: Command(uint16(dst[start])<<8 | uint16(dst[start+1])).Name(), Field: "length",
			Err: fmt.Errorf("%w: body of %d bytes is above %d", ErrLength, n, MaxData)}
	case n > MaxShortData:
		dst = append(dst, 0, 0)
		copy(dst[start+5:], dst[start+3:start+3+n])
		dst[start+2], dst[start+3], dst[start+4] = 0xFF, byte(n), byte(n>>8)
	default:
		dst[start+2] = byte(n)
	}
	return dst, nil
}

// SplitAPDUs splits b into whole APDUs. It stops at the first error and
// returns what it read so far with the offset of the failing APDU folded
// into the error.
func SplitAPDUs(b []byte) ([][]byte, error) {
	var out [][]byte
	off := 0
	for off < len(b) {
		_, n, err := ReadAPDU(b[off:])
		if err != nil {
			return out, withBase(err, off)
		}
		out = append(out, b[off:off+n:off+n])
		off += n // n >= 3, so the loop moves forward
	}
	return out, nil
}
