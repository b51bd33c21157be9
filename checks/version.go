package checks

import (
	"fmt"
	"net"
	"strconv"
	"strings"
)

// parseVersion reads the numeric parts of a software version such as
// "GP-2.3.10", "v3.1" or "1.02.003 (build 7)": the first run of digits and
// dots. ok is false when there is no digit.
func parseVersion(s string) ([]int, bool) {
	start := strings.IndexAny(s, "0123456789")
	if start < 0 {
		return nil, false
	}
	var out []int
	cur, in := 0, false
	for _, r := range s[start:] {
		switch {
		case r >= '0' && r <= '9':
			if cur < 1e8 {
				cur = cur*10 + int(r-'0')
			}
			in = true
		case r == '.' && in:
			out = append(out, cur)
			cur, in = 0, false
		default:
			if in {
				out = append(out, cur)
			}
			return out, len(out) > 0
		}
	}
	if in {
		out = append(out, cur)
	}
	return out, len(out) > 0
}

// compareVersions compares a and b part by part, missing parts as 0:
// -1 when a < b, 0 when equal, 1 when a > b.
func compareVersions(a, b []int) int {
	for i := 0; i < len(a) || i < len(b); i++ {
		var x, y int
		if i < len(a) {
			x = a[i]
		}
		if i < len(b) {
			y = b[i]
		}
		if x != y {
			if x < y {
				return -1
			}
			return 1
		}
	}
	return 0
}

// matchBaseline returns the first baseline whose pattern matches model
// (case-insensitive), or false.
func matchBaseline(bs []Baseline, model string) (Baseline, bool) {
	m := strings.ToLower(strings.TrimSpace(model))
	for _, b := range bs {
		if globMatch(strings.ToLower(strings.TrimSpace(b.Model)), m) {
			return b, true
		}
	}
	return Baseline{}, false
}

// globMatch matches s against a pattern where * is any run of characters
// (slashes included, unlike path.Match: "Ingenico *" matches
// "Ingenico Move/5000") and ? is one character.
func globMatch(pattern, s string) bool {
	if pattern == "" {
		return s == ""
	}
	switch pattern[0] {
	case '*':
		for i := 0; i <= len(s); i++ {
			if globMatch(pattern[1:], s[i:]) {
				return true
			}
		}
		return false
	case '?':
		return s != "" && globMatch(pattern[1:], s[1:])
	}
	return s != "" && s[0] == pattern[0] && globMatch(pattern[1:], s[1:])
}

func splitHostPort(addr string) (string, int, error) {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return "", 0, fmt.Errorf("want HOST:PORT")
	}
	n, err := strconv.Atoi(port)
	if err != nil || n < 1 || n > 65535 || host == "" {
		return "", 0, fmt.Errorf("want HOST:PORT with a port from 1 to 65535")
	}
	return host, n, nil
}
