package link_test

import (
	"encoding/hex"
	"io/fs"
	"strings"
	"testing"

	"github.com/posdoctor/posdoctor/fixtures"
	"github.com/posdoctor/posdoctor/terminal/link"
)

// vectorSeeds reads fixtures/vectors/*.hex (hex bytes, # comments) and
// returns each file's bytes, one entry per line when lines is set.
func vectorSeeds(tb testing.TB, lines bool) (serial, raw [][]byte) {
	tb.Helper()
	files, err := fs.Glob(fixtures.FS, "vectors/*.hex")
	if err != nil {
		tb.Fatal(err)
	}
	for _, name := range files {
		b, err := fs.ReadFile(fixtures.FS, name)
		if err != nil {
			tb.Fatal(err)
		}
		var all []byte
		var each [][]byte
		for _, ln := range strings.Split(string(b), "\n") {
			ln, _, _ = strings.Cut(ln, "#")
			h, err := hex.DecodeString(strings.NewReplacer(" ", "", "\t", "", "\r", "", ":", "").Replace(ln))
			if err != nil || len(h) == 0 {
				continue
			}
			all = append(all, h...)
			each = append(each, h)
		}
		if len(all) == 0 {
			continue
		}
		target := &raw
		if all[0] == 0x10 {
			target = &serial
		}
		*target = append(*target, all)
		if lines && len(each) > 1 {
			*target = append(*target, each...)
		}
	}
	return serial, raw
}

func TestSerialVectorFiles(t *testing.T) {
	t.Parallel()
	files, err := fs.Glob(fixtures.FS, "vectors/*.hex")
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, name := range files {
		b, err := fs.ReadFile(fixtures.FS, name)
		if err != nil {
			t.Fatal(err)
		}
		for _, ln := range strings.Split(string(b), "\n") {
			ln, _, _ = strings.Cut(ln, "#")
			h, err := hex.DecodeString(strings.NewReplacer(" ", "", "\t", "", "\r", "").Replace(ln))
			if err != nil || len(h) < 2 || h[0] != 0x10 || h[1] != 0x02 {
				continue
			}
			n++
			// Each serial line of a vector file is one frame with a good CRC.
			if _, used, err := link.Unframe(h); err != nil || used != len(h) {
				t.Errorf("%s: % X: used %d of %d, err %v", name, h, used, len(h), err)
			}
		}
	}
	if n == 0 {
		t.Fatal("no serial vectors in fixtures/vectors (v01-v03 frame lines start with 10 02)")
	}
}
