package swar

import "testing"

// words are every byte value at every place among fillers of each kind,
// and pseudo-random words.
func words() []uint64 {
	var ws []uint64
	for _, fill := range []byte{' ', 'A', 0x00, 0x1F, 0x20, 0x7F, 0x80, 0xFF, '/', ':', '0', '9', '"', '\\'} {
		for c := range 256 {
			for k := range 8 {
				w := uint64(fill) * ones
				ws = append(ws, w&^(0xFF<<(8*k))|uint64(c)<<(8*k))
			}
		}
	}
	x := uint64(0x9E3779B97F4A7C15)
	for range 100000 {
		x ^= x << 13
		x ^= x >> 7
		x ^= x << 17
		ws = append(ws, x, x&0x7F7F7F7F7F7F7F7F)
	}
	return ws
}

// anyByte is the byte loop each word test must agree with.
func anyByte(w uint64, match func(byte) bool) bool {
	for k := range 8 {
		if match(byte(w >> (8 * k))) {
			return true
		}
	}
	return false
}

func TestWordTestsEqualByteLoops(t *testing.T) {
	t.Parallel()
	for _, w := range words() {
		for _, n := range []byte{1, 10, 0x20, 0x80} {
			if got, want := AnyBelow(w, n), anyByte(w, func(c byte) bool { return c < n }); got != want {
				t.Fatalf("AnyBelow(%016x, %#x) = %v, want %v", w, n, got, want)
			}
		}
		for _, c := range []byte{'"', '\\', 0, 0xFF} {
			if got, want := AnyEqual(w, c), anyByte(w, func(b byte) bool { return b == c }); got != want {
				t.Fatalf("AnyEqual(%016x, %#x) = %v, want %v", w, c, got, want)
			}
		}
		if got, want := AnyHigh(w), anyByte(w, func(c byte) bool { return c >= 0x80 }); got != want {
			t.Fatalf("AnyHigh(%016x) = %v, want %v", w, got, want)
		}
		if got, want := AnyDigit(w), anyByte(w, func(c byte) bool { return c >= '0' && c <= '9' }); got != want {
			t.Fatalf("AnyDigit(%016x) = %v, want %v", w, got, want)
		}
	}
}

func TestLoad64(t *testing.T) {
	t.Parallel()
	s := "\x01\x02\x03\x04\x05\x06\x07\x08\x09"
	if got := Load64(s, 1); got != 0x0908070605040302 {
		t.Errorf("Load64(string) = %016x", got)
	}
	if got := Load64([]byte(s), 0); got != 0x0807060504030201 {
		t.Errorf("Load64([]byte) = %016x", got)
	}
}
