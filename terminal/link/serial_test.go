package link_test

import (
	"net"
	"testing"
	"time"

	"github.com/posdoctor/posdoctor/terminal/link"
)

// Bytes outside a frame are quoted in a notice, which reaches the trace and
// the journal. They may be the data of a frame whose DLE STX was lost, here
// BMP 22 with a 16-digit PAN in BCD, so at most 6 of them are shown: a BCD
// PAN (13 digits or more) needs 7.
func TestSerialIgnoredBytesNoticeShowsNoPAN(t *testing.T) {
	t.Parallel()
	ecrEnd, ptEnd := net.Pipe()
	t.Cleanup(func() { ptEnd.Close() })
	var n notes
	c := link.NewSerial(ecrEnd, link.SerialOptions{Notify: n.add})
	t.Cleanup(func() { c.Close() })
	ptEnd.SetWriteDeadline(time.Now().Add(5 * time.Second))
	if _, err := ptEnd.Write(unhex(t, "22 F0 F8 55 98 83 12 34 56 80 74 87")); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(5 * time.Second)
	for !n.has("serial: ignored 12 bytes outside a frame: 22 F0 F8 55 98 83") {
		if time.Now().After(deadline) {
			t.Fatalf("notes %q: want the ignored bytes noticed within 5 s", n.msg)
		}
		time.Sleep(10 * time.Millisecond)
	}
	if n.has("83 12") {
		t.Errorf("notes %q: show more than 6 of the ignored bytes", n.msg)
	}
}
