// Package swar tests eight bytes at a time in one 64-bit word (SIMD within
// a register), for the scanners that run over a day's trace: the PAN
// scrubber skips words without a digit, decode's JSON writer copies words
// with nothing to escape. Each test is exact as to whether a byte matches,
// not as to which one.
package swar

const (
	ones  = 0x0101010101010101
	highs = 0x8080808080808080
)

// Load64 reads the eight bytes of s from i as one little-endian word, s[i]
// in the low byte (the compiler makes it one load).
func Load64[T string | []byte](s T, i int) uint64 {
	s = s[i : i+8]
	return uint64(s[0]) | uint64(s[1])<<8 | uint64(s[2])<<16 | uint64(s[3])<<24 |
		uint64(s[4])<<32 | uint64(s[5])<<40 | uint64(s[6])<<48 | uint64(s[7])<<56
}

// AnyBelow reports whether a byte of w is below n, for n up to 0x80: the
// subtraction borrows into a byte's top bit only where one is below n, or
// above one that is (the "has a byte less than n" test of Bit Twiddling
// Hacks).
func AnyBelow(w uint64, n byte) bool { return (w-uint64(n)*ones)&^w&highs != 0 }

// AnyEqual reports whether a byte of w is c: XOR turns exactly those into
// zero bytes.
func AnyEqual(w uint64, c byte) bool { return AnyBelow(w^uint64(c)*ones, 1) }

// AnyHigh reports whether a byte of w has its top bit set (is not ASCII).
func AnyHigh(w uint64) bool { return w&highs != 0 }

// AnyDigit reports whether a byte of w is an ASCII digit: XOR with '0'
// turns exactly the digits into bytes below 10.
func AnyDigit(w uint64) bool { return AnyBelow(w^'0'*ones, 10) }
