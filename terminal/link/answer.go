package link

import (
	"context"
	"fmt"
)

// Answer writes apdu, an answer (80 00 / 84 xx) to the APDU last received,
// on the connection that APDU came on. Unlike Send it never reconnects: when
// the peer closed that connection the answer has nobody to go to (the PT
// forgot the message with the connection), and sending it on a fresh one
// would put a stray answer in front of a terminal that never asked. It then
// fails with a *WriteError wrapping ErrPeerClosed and nothing sent.
func (s *streamConn) Answer(ctx context.Context, apdu []byte) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return &WriteError{Err: ErrClosed}
	}
	if s.conn != nil && !s.dead {
		if err := s.probe(); err != nil {
			return &WriteError{Err: err}
		}
	}
	if s.conn == nil || s.dead {
		return &WriteError{Err: ErrPeerClosed}
	}
	n, err := s.write(ctx, apdu)
	if err != nil {
		s.dead = true
		return &WriteError{Err: fmt.Errorf("link: write to %s: %w", s.addr, err), Sent: n}
	}
	return nil
}
