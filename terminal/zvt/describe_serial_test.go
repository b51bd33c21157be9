package zvt_test

import (
	"strings"
	"testing"

	"github.com/posdoctor/posdoctor/terminal/zvt"
)

// TestDescribeBinarySerialNumber: TLV 1F42 in 4 binary bytes (Feig) is
// described as the serial number the terminal's label shows, as the status
// enquiry reads it, not as hex (issue 10: the trace showed 02 62 6B 5C).
func TestDescribeBinarySerialNumber(t *testing.T) {
	t.Parallel()
	apdu := []byte{
		0x04, 0x0F, 0x0B, // Status Information, 11 bytes
		0x27, 0x00, // result code 00
		0x06, 0x07, // TLV container, 7 bytes
		0x1F, 0x42, 0x04, 0x02, 0x62, 0x6B, 0x5C, // serial number 0x02626B5C
	}
	_, detail := zvt.Describe(apdu, 0, zvt.CP437)
	if !strings.Contains(detail, "40004444") {
		t.Fatalf("detail does not read the serial number 40004444:\n%s", detail)
	}
	for _, l := range strings.Split(detail, "\n") {
		if strings.Contains(l, "serial") && strings.Contains(l, "02 62 6B 5C") && !strings.Contains(l, "40004444") {
			t.Fatalf("the serial number is shown as hex only: %q", l)
		}
	}
}
