package link_test

import (
	"errors"
	"testing"

	"github.com/posdoctor/posdoctor/terminal/link"
)

// The PT sends a message and closes the connection before the ECR's
// 80 00 00: Answer must fail without reconnecting, so the answer does not
// reach a fresh connection where the PT would take it for a command.
func TestTCPAnswerDoesNotReconnect(t *testing.T) {
	t.Parallel()
	ctx, c, first, srv := dialTestPair(t, link.TCPOptions{})

	// Normal case: the answer goes out on the same connection.
	first.Write(unhex(t, "04 FF 01 0A"))
	if _, err := c.Receive(ctx); err != nil {
		t.Fatal(err)
	}
	if err := c.Answer(ctx, []byte{0x80, 0, 0}); err != nil {
		t.Fatalf("Answer on a live connection: %v", err)
	}
	readWant(t, first, []byte{0x80, 0, 0})

	// The PT's message is followed by its close.
	first.Write(unhex(t, "04 0F 02 27 00"))
	first.Close()
	if _, err := c.Receive(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Receive(ctx); !errors.Is(err, link.ErrPeerClosed) {
		t.Fatalf("Receive after close = %v, want ErrPeerClosed", err)
	}
	err := c.Answer(ctx, []byte{0x80, 0, 0})
	var we *link.WriteError
	if !errors.As(err, &we) || !errors.Is(err, link.ErrPeerClosed) || !we.SafeToRetry() {
		t.Fatalf("Answer after the peer closed = %v, want a WriteError wrapping ErrPeerClosed with nothing sent", err)
	}
	select {
	case nc := <-srv.conns:
		nc.Close()
		t.Fatal("Answer opened a new connection")
	default:
	}
	// A command (Send) still reconnects.
	if err := c.Send(ctx, unhex(t, "05 01 03 00 00 00")); err != nil {
		t.Fatalf("Send after the peer closed: %v", err)
	}
	srv.accept(t)
}
