package terminal

// LeftCardNumber is the fuzz targets' oracle for ScrubPAN, written apart
// from its rules so that a mistake in them shows: it names a card number
// that scrubbing in (giving out, of the same length) left readable, or
// returns "". Outside a hex digest no digit run of 13 to 19 digits may pass
// the Luhn check; inside one (judged on in, before masking), no window of
// 13 to 19 digits that starts with 2 to 6 may.
func LeftCardNumber(in, out []byte) string {
	for i := 0; i < len(out); {
		j := i
		for j < len(out) && out[j] >= '0' && out[j] <= '9' {
			j++
		}
		if j == i {
			i++
			continue
		}
		run := out[i:j]
		if InHexDigest(in, i, j) {
			for k := range run {
				for m := k + 13; m <= len(run) && m <= k+19; m++ {
					if run[k] >= '2' && run[k] <= '6' && Luhn(run[k:m]) {
						return "a Luhn-valid " + string(run[k:m]) + " inside a hex digest is left"
					}
				}
			}
		} else if IsPANLength(len(run)) && Luhn(run) {
			return "a Luhn-valid run " + string(run) + " is left"
		}
		i = j
	}
	return ""
}
