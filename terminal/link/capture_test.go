package link_test

import (
	"errors"
	"fmt"
	"io"
	"reflect"
	"strings"
	"testing"

	"github.com/posdoctor/posdoctor/terminal/link"
)

func TestScanSerial(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		in      string
		want    []string
		wantErr string
		is      error
	}{
		{"frames and controls", "10 02 80 00 00 10 03 F5 1F 06 15 10 02 06 15 10 03 6B 0F",
			[]string{"frame 0-9 apdu 80 00 00 crc F5 1F", "ack 9-10", "nak 10-11", "frame 11-19 apdu 06 15 crc 6B 0F"}, "", nil},
		{"bad CRC", "10 02 80 00 00 10 03 F5 1F 10 02 06 01 07 04 00 00 00 00 01 90 10 03 76 58",
			[]string{"frame 0-9 apdu 80 00 00 crc F5 1F"},
			"frame 2 at input byte 9: bad CRC at byte 23: expected 76 57, received 76 58 (CRC-16/KERMIT, low byte first)", link.ErrFrame},
		{"not a frame", "0F 00", nil, "frame 1 at input byte 0: byte 0: want DLE (10) to start a frame, got 0F", link.ErrFrame},
		{"DLE without STX", "06 10 03 06", []string{"ack 0-1"}, "frame 1 at input byte 1: byte 2: want STX (02) after DLE, got 03", link.ErrFrame},
		{"bad DLE", "10 02 80 10 41 00", nil, "frame 1 at input byte 0: byte 4: DLE followed by 41: want DLE (10) or ETX (03)", link.ErrFrame},
		{"cut short", "10 02 80 00 00 10 03 F5", nil, "frame 1 at input byte 0: byte 8: frame cut short in CRC", io.ErrUnexpectedEOF},
		{"lone DLE at the end", "06 10", []string{"ack 0-1"}, "frame 1 at input byte 1: byte 2: frame cut short before DLE STX", io.ErrUnexpectedEOF},
		{"no length limit", link0(70000), []string{"frame 0-70006"}, "", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var got []string
			err := link.ScanSerial(unhex(t, tt.in), func(ev link.Event) error {
				s := evString(ev)
				if len(ev.APDU) > 100 {
					s = fmt.Sprintf("%s %d-%d", ev.Kind, ev.Offset, ev.End)
				}
				got = append(got, s)
				return nil
			})
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("visited %q, want %q", got, tt.want)
			}
			if tt.wantErr == "" {
				if err != nil {
					t.Fatalf("err %v", err)
				}
				return
			}
			var ce *link.CaptureError
			if err == nil || err.Error() != tt.wantErr || !errors.As(err, &ce) || !errors.Is(err, tt.is) {
				t.Fatalf("err %v\nwant *CaptureError %q wrapping %v", err, tt.wantErr, tt.is)
			}
		})
	}
}

// link0 is a frame of n zero bytes as hex: bigger than any APDU.
func link0(n int) string {
	return fmt.Sprintf("% X", link.AppendFrame(nil, make([]byte, n)))
}

// A visitor's error stops the scan, named by frame and offset.
func TestScanSerialVisitorError(t *testing.T) {
	t.Parallel()
	in := unhex(t, "10 02 80 00 00 10 03 F5 1F 06 10 02 80 00 00 10 03 F5 1F 10 02 80 00 00 10 03 F5 1F")
	errNo := errors.New("frame holds 1 bytes after the APDU")
	n := 0
	err := link.ScanSerial(in, func(ev link.Event) error {
		if ev.Kind == link.EventFrame {
			if n++; n == 2 {
				return errNo
			}
		}
		return nil
	})
	if !errors.Is(err, errNo) || err.Error() != "frame 2 at input byte 10: frame holds 1 bytes after the APDU" || n != 2 {
		t.Fatalf("err %v after %d frames", err, n)
	}
}

// refScan is how decode read a capture before the Deframer: a loop of
// Unframe at each position, ACK/NAK bytes between frames.
func refScan(data []byte) (visited []string, err string) {
	frames := 0
	for off := 0; off < len(data); {
		if data[off] == link.ACK || data[off] == link.NAK {
			kind := map[byte]string{link.ACK: "ack", link.NAK: "nak"}[data[off]]
			visited = append(visited, fmt.Sprintf("%s %d-%d", kind, off, off+1))
			off++
			continue
		}
		apdu, n, e := link.Unframe(data[off:])
		if e != nil {
			var crc *link.CRCError
			var fe *link.FrameError
			switch {
			case errors.As(e, &crc):
				return visited, fmt.Sprintf("frame %d at input byte %d: bad CRC at byte %d: expected %02X %02X, received %02X %02X (CRC-16/KERMIT, low byte first)",
					frames+1, off, off+crc.Offset, byte(crc.Want), byte(crc.Want>>8), byte(crc.Got), byte(crc.Got>>8))
			case errors.As(e, &fe):
				return visited, fmt.Sprintf("frame %d at input byte %d: byte %d: %s", frames+1, off, off+fe.Offset, fe.Msg)
			}
			return visited, e.Error()
		}
		frames++
		visited = append(visited, fmt.Sprintf("frame %d-%d apdu % X crc % X", off, off+n, apdu, data[off+n-2:off+n]))
		off += n
	}
	return visited, ""
}

// FuzzScanSerial: the capture reader visits the same frames and controls
// and stops with the same error as the loop of Unframe decode used before,
// read whole or in pieces. One change on purpose: a lone byte other than
// DLE at the very end was "frame cut short before DLE STX" and is now what
// it is, a byte that cannot start a frame.
func FuzzScanSerial(f *testing.F) {
	for _, v := range frameVectors {
		f.Add(unhex(f, v.frame), uint64(1))
	}
	f.Add(unhex(f, "06 10 10 02 80 00 00 10 03 F5 1F 15 10 02 80 10 41"), uint64(2))
	f.Add(unhex(f, "10 02 80 00 00 10 03 F5 1F 41"), uint64(3))
	serial, _ := vectorSeeds(f, false)
	for i, b := range serial {
		f.Add(b, uint64(i))
	}
	f.Fuzz(func(t *testing.T, b []byte, seed uint64) {
		wantVisited, wantErr := refScan(b)
		if strings.HasSuffix(wantErr, "frame cut short before DLE STX") && b[len(b)-1] != link.DLE {
			off := len(b) - 1
			wantErr = fmt.Sprintf("frame %d at input byte %d: byte %d: want DLE (10) to start a frame, got %02X",
				strings.Count(strings.Join(wantVisited, "\n"), "frame ")+1, off, off, b[off])
		}
		scan := func(feed func(s *link.SerialScanner) error) (visited []string, err string) {
			s := &link.SerialScanner{Visit: func(ev link.Event) error { visited = append(visited, evString(ev)); return nil }}
			if e := feed(s); e != nil {
				return visited, e.Error()
			}
			if e := s.End(); e != nil {
				return visited, e.Error()
			}
			return visited, ""
		}
		whole := func(s *link.SerialScanner) error { return s.Feed(b) }
		pieces := func(s *link.SerialScanner) error {
			for i, p := 0, b; len(p) > 0; i++ {
				n := min(1+int((seed>>(i%60))&7), len(p))
				if err := s.Feed(p[:n]); err != nil {
					return err
				}
				p = p[n:]
			}
			return nil
		}
		for name, feed := range map[string]func(*link.SerialScanner) error{"whole": whole, "pieces": pieces} {
			visited, err := scan(feed)
			if !reflect.DeepEqual(visited, wantVisited) || err != wantErr {
				t.Fatalf("%s: visited %q, err %q\nwant %q, err %q", name, visited, err, wantVisited, wantErr)
			}
		}
	})
}
