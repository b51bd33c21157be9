package zvt

import (
	_ "embed"
	"strings"
)

// aidTable is the AID → name table (data/aids.txt), read once.
//
//go:embed data/aids.txt
var aidTable string

// aidNames maps an AID (upper-case hex, no spaces) to its name; aidMaxLen
// is the longest AID in bytes, so a lookup tries at most that many prefixes.
var aidNames, aidMaxLen = func() (map[string]string, int) {
	m := map[string]string{}
	longest := 0
	for _, line := range strings.Split(aidTable, "\n") {
		line = strings.TrimSpace(line)
		if line == "" || line[0] == '#' {
			continue
		}
		aid, name, ok := strings.Cut(line, " ")
		if !ok {
			continue
		}
		m[strings.ToUpper(aid)] = strings.TrimSpace(name)
		longest = max(longest, len(aid)/2)
	}
	return m, longest
}()

// AIDName names an EMV application id (TLV 43): "girocard", "Maestro",
// "UnionPay debit". The longest table entry the AID starts with wins, so an
// unknown product of a known scheme still gets the scheme's name; "" when
// no entry matches.
func AIDName(aid []byte) string {
	var buf [2 * 16]byte
	for n := min(len(aid), aidMaxLen); n >= 5; n-- {
		if name, ok := aidNames[string(hexUpper(buf[:0], aid[:n]))]; ok {
			return name
		}
	}
	return ""
}

// hexUpper appends b as upper-case hex without separators.
func hexUpper(dst, b []byte) []byte {
	const digits = "0123456789ABCDEF"
	for _, c := range b {
		dst = append(dst, digits[c>>4], digits[c&15])
	}
	return dst
}
