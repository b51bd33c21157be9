package terminal

import "github.com/posdoctor/posdoctor/internal/swar"

// ScrubPAN masks anything in b that can be a full card number to its first
// six and last four digits: a run of 13 to 19 digits that passes the Luhn
// check, or groups of 3 to 6 digits split by single spaces or dashes that
// add up to 13 to 19 Luhn-valid digits and start with a group of four
// (6228 4800 1234 5678, and American Express and Diners as printed:
// 3782 822463 10005). Hex byte dumps ("62 28 48") do not match, and
// neither do numbers that cannot be a PAN: amounts, receipt and serial
// numbers, dates, a digit run that fails the Luhn check. Inside a hex
// digest of 32 or more hex digits only what can begin a card number is
// masked (maskPANWindows), so a firmware manifest's SHA-256 and a git
// revision stay readable while a raw hex message pasted without spaces
// (5A 08 and the PAN as plain digits) is still masked. The ZVT decoder runs it over texts and traces
// as a last line of defence (checks.ScrubPAN is the same rule for the
// journal and reports); PANs are masked long before. b may be modified and
// is returned.
func ScrubPAN(b []byte) []byte {
	isDigit := func(c byte) bool { return c >= '0' && c <= '9' }
	// The hex word around a long run is measured before any of it is
	// masked: the stars written into one run of a digest must not cut the
	// word short for the runs after it (fuzz crasher 26deb54af0ea1232).
	wordS, wordE := 0, -1
	for i := 0; i < len(b); {
		if i+8 <= len(b) && !swar.AnyDigit(swar.Load64(b, i)) {
			i += 8 // no digit in these eight: the padding and words of a receipt
			continue
		}
		if !isDigit(b[i]) || i > 0 && isDigit(b[i-1]) {
			i++
			continue
		}
		j := i
		for j < len(b) && isDigit(b[j]) {
			j++
		}
		n := j - i
		if n >= 13 && i >= wordE {
			wordS, wordE = hexWord(b, i, j)
		}
		switch {
		case n >= 13 && digestRun(wordS, wordE, i, j):
			maskPANWindows(b[i:j])
		case IsPANLength(n) && Luhn(b[i:j]):
			maskDigits(b[i:j])
		case n == 4:
			// Grouped form: more groups of 3-6 digits after single separators.
			end, total, groups := j, n, 1
			for end+1 < len(b) && (b[end] == ' ' || b[end] == '-') && isDigit(b[end+1]) {
				k := end + 1
				for k < len(b) && isDigit(b[k]) {
					k++
				}
				if g := k - end - 1; g < 3 || g > 6 {
					break
				}
				total += k - end - 1
				groups++
				end = k
				if groups == 5 {
					break
				}
			}
			if groups >= 3 && IsPANLength(total) && luhnGrouped(b[i:end]) {
				maskDigits(b[i:end])
				j = end
			}
		}
		i = j
	}
	return b
}

// maskPANWindows masks, inside one digit run of a hex digest, every window
// of 13 to 19 digits that begins with an issuer digit and passes the Luhn
// check, the longest first at each start. Every start is tried: the run
// may begin at a length or tag byte before the PAN, and a masked window's
// stars end every later window that overlaps it (Luhn fails on '*').
func maskPANWindows(run []byte) {
	for k := 0; k+13 <= len(run); k++ {
		if !issuerDigit(run[k]) {
			continue
		}
		for m := min(len(run), k+19); m >= k+13; m-- {
			if Luhn(run[k:m]) {
				maskDigits(run[k:m])
				break
			}
		}
	}
}

// maskDigits stars the digits of b other than the first six and last four,
// keeping separators.
func maskDigits(b []byte) {
	total := 0
	for _, c := range b {
		if c >= '0' && c <= '9' {
			total++
		}
	}
	k := 0
	for i, c := range b {
		if c < '0' || c > '9' {
			continue
		}
		if k >= 6 && k < total-4 {
			b[i] = '*'
		}
		k++
	}
}

// ScrubString is ScrubPAN for strings. A string ScrubPAN would not look
// at twice (mayHoldPAN) is returned as it is: most texts, "06 0F
// Completion", a receipt's dates, times and amounts, are not copied.
func ScrubString(s string) string {
	if len(s) < 13 || !mayHoldPAN(s) {
		return s
	}
	return scrubCopy(s)
}

// mayHoldPAN reports whether s holds what ScrubPAN may change: a run of 13
// or more digits, or a run of four followed by a space or dash and a digit
// (the first group of a grouped number). ScrubPAN changes nothing else.
func mayHoldPAN(s string) bool {
	run := 0
	for i := 0; i < len(s); i++ {
		if run == 0 && i+8 <= len(s) && !swar.AnyDigit(swar.Load64(s, i)) {
			i += 7
			continue
		}
		c := s[i]
		if c-'0' < 10 {
			run++
			continue
		}
		if run >= 13 || run == 4 && (c == ' ' || c == '-') && i+1 < len(s) && s[i+1]-'0' < 10 {
			return true
		}
		run = 0
	}
	return run >= 13
}

// scrubCopy is ScrubPAN of a copy of s, and s itself when nothing is
// masked (a date, a version number): a short string is scrubbed on the
// stack, so only a string that changes is allocated.
func scrubCopy(s string) string {
	var buf [128]byte
	if len(s) > len(buf) {
		return string(ScrubPAN([]byte(s)))
	}
	b := ScrubPAN(append(buf[:0], s...))
	if string(b) == s {
		return s
	}
	return string(b)
}

// minDigestHex is the length of the shortest hex digest in text (MD5, 32
// hex digits): a digit run inside a longer word of hex digits with letters
// is part of a digest (a firmware manifest's SHA-256), not a card number.
const minDigestHex = 32

// inHexDigest reports whether the digit run b[i:j] is inside a hex word of
// at least minDigestHex hex digits that holds a letter a–f.
func inHexDigest(b []byte, i, j int) bool {
	s, e := hexWord(b, i, j)
	return digestRun(s, e, i, j)
}

// hexWord returns the hex word b[s:e] around b[i:j].
func hexWord(b []byte, i, j int) (s, e int) {
	isHex := func(c byte) bool { return c >= '0' && c <= '9' || c|0x20 >= 'a' && c|0x20 <= 'f' }
	s, e = i, j
	for s > 0 && isHex(b[s-1]) {
		s--
	}
	for e < len(b) && isHex(b[e]) {
		e++
	}
	return s, e
}

// digestRun reports whether the digit run [i, j) of the hex word [s, e)
// is inside a digest: the word is long enough and holds more than the run.
func digestRun(s, e, i, j int) bool { return e-s >= minDigestHex && (s < i || e > j) }

// luhnGrouped is Luhn over the digits of b, skipping separators.
func luhnGrouped(b []byte) bool {
	var d [19]byte
	n := 0
	for _, c := range b {
		if c >= '0' && c <= '9' {
			if n == len(d) {
				return false
			}
			d[n] = c
			n++
		}
	}
	return Luhn(d[:n])
}
