package terminal

// Luhn reports whether digits (ASCII '0'–'9' only) pass the Luhn check that
// every payment card number carries in its last digit (ISO/IEC 7812-1).
// Anything other than a digit fails.
func Luhn(digits []byte) bool {
	if len(digits) == 0 {
		return false
	}
	sum := 0
	for i := range digits {
		c := digits[len(digits)-1-i]
		if c < '0' || c > '9' {
			return false
		}
		d := int(c - '0')
		if i%2 == 1 {
			if d *= 2; d > 9 {
				d -= 9
			}
		}
		sum += d
	}
	return sum%10 == 0
}

// LuhnNibbles is Luhn for n BCD digits read from b, high nibble first,
// starting at nibble 0. A nibble above 9 fails.
func LuhnNibbles(b []byte, n int) bool {
	if n <= 0 || n > 2*len(b) {
		return false
	}
	sum := 0
	for i := range n {
		k := n - 1 - i
		d := int(b[k/2] >> 4)
		if k%2 == 1 {
			d = int(b[k/2] & 15)
		}
		if d > 9 {
			return false
		}
		if i%2 == 1 {
			if d *= 2; d > 9 {
				d -= 9
			}
		}
		sum += d
	}
	return sum%10 == 0
}

// IsPANLength reports whether n digits can be a card number (13 to 19,
// ISO/IEC 7812-1).
func IsPANLength(n int) bool { return n >= 13 && n <= 19 }

// issuerDigit reports whether c can be the first digit of a payment card
// number: 2 to 6 (Mastercard 2- and 5-series, American Express and Diners 3,
// Visa 4, UnionPay and Discover 6; ISO/IEC 7812-1's major industry
// identifiers for banking and financial cards).
func issuerDigit(c byte) bool { return c >= '2' && c <= '6' }

// InHexDigest reports whether the digit run b[i:j] sits inside a hex word
// of 32 or more hex digits (a firmware manifest's SHA-256, a git
// revision), where ScrubPAN masks only what can begin a card number.
func InHexDigest(b []byte, i, j int) bool { return inHexDigest(b, i, j) }
