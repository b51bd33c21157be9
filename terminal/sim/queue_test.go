package sim_test

import (
	"bytes"
	"context"
	"net"
	"testing"
	"time"

	"github.com/posdoctor/posdoctor/terminal/sim"
)

// readOnce is one Read of what the PT wrote, within 5 s.
func readOnce(t *testing.T, c net.Conn) []byte {
	t.Helper()
	_ = c.SetReadDeadline(time.Now().Add(5 * time.Second))
	b := make([]byte, 4096)
	n, err := c.Read(b)
	if err != nil {
		t.Fatalf("read: %v", err)
	}
	return b[:n]
}

// Over TCP the PT writes 80 00 and the message right after it (here the
// Registration's Completion) in one write; with drop-after each message is
// a write of its own, as the fault counts them.
func TestTCPAckAndCompletionInOneWrite(t *testing.T) {
	sc := loadScenario(t, "healthy")
	for _, tt := range []struct {
		name   string
		faults []string
		want   int // APDUs in the first read
	}{
		{"queued", nil, 2},
		{"drop-after", []string{"drop-after=5"}, 1},
	} {
		t.Run(tt.name, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			term := sim.New(sc, sim.Options{Faults: tt.faults})
			ecr, pt := net.Pipe()
			defer ecr.Close()
			done := make(chan error, 1)
			go func() { done <- term.ServeConn(ctx, pt) }()
			_ = ecr.SetWriteDeadline(time.Now().Add(5 * time.Second))
			if _, err := ecr.Write(cmdRegister); err != nil {
				t.Fatal(err)
			}
			got := readOnce(t, ecr)
			if !bytes.HasPrefix(got, []byte{0x80, 0x00, 0x00}) {
				t.Fatalf("first read % X, want 80 00 00 first", got)
			}
			n := 1
			if rest := got[3:]; len(rest) > 0 {
				if !bytes.HasPrefix(rest, []byte{0x06, 0x0F}) || len(rest) != 3+int(rest[2]) {
					t.Fatalf("after 80 00 00: % X, want one whole 06 0F", rest)
				}
				n = 2
			}
			if n != tt.want {
				t.Fatalf("first read held %d APDUs (% X), want %d", n, got, tt.want)
			}
			if n == 1 {
				if c := readOnce(t, ecr); !bytes.HasPrefix(c, []byte{0x06, 0x0F}) {
					t.Fatalf("second read % X, want 06 0F", c)
				}
			}
			ecr.Close()
			select {
			case <-done:
			case <-ctx.Done():
				t.Fatal("ServeConn did not return after the ECR closed")
			}
		})
	}
}
