package zvt

import (
	"io/fs"
	"strings"
	"testing"

	"github.com/posdoctor/posdoctor/fixtures"
)

// RawVectorAPDUs returns the APDU of every raw vector in fixtures/vectors
// (serial captures, which start 10 02, left out), at least ten of them: for
// the tests that run the codec over all of them, inside the package and out.
func RawVectorAPDUs(t testing.TB) [][]byte {
	t.Helper()
	entries, err := fs.ReadDir(fixtures.FS, "vectors")
	if err != nil {
		t.Fatal(err)
	}
	var apdus [][]byte
	for _, e := range entries {
		if !strings.HasSuffix(e.Name(), ".hex") {
			continue
		}
		b, err := fs.ReadFile(fixtures.FS, "vectors/"+e.Name())
		if err != nil {
			t.Fatal(err)
		}
		if apdu, err := ParseHex(string(b)); err == nil && len(apdu) >= 3 && apdu[0] != 0x10 {
			apdus = append(apdus, apdu)
		}
	}
	if len(apdus) < 10 {
		t.Fatalf("only %d vectors read", len(apdus))
	}
	return apdus
}
