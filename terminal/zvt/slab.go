package zvt

// A slab is memory for lists that are made, used and dropped together (the
// item lists of one view, the TLV and field lists of one decoded message):
// one buffer, reused, instead of an allocation per list. A nil slab
// allocates each list.
type slab[T any] struct{ buf []T }

// list returns an empty list with room for n, valid until reset.
func (s *slab[T]) list(n int) []T {
	if s == nil {
		return make([]T, 0, n)
	}
	if cap(s.buf)-len(s.buf) < n {
		s.buf = make([]T, 0, max(2*cap(s.buf), n, 64)) // the lists cut before stay where they are
	}
	k := len(s.buf)
	s.buf = s.buf[:k+n]
	return s.buf[k : k : k+n]
}

// reset makes the slab's room free again: no list cut from it is used
// after. It is cleared so that it holds nothing of a message.
func (s *slab[T]) reset() {
	clear(s.buf)
	s.buf = s.buf[:0]
}
