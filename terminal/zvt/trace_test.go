package zvt_test

import (
	"bytes"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/posdoctor/posdoctor/fixtures/golden"
	"github.com/posdoctor/posdoctor/terminal"
	"github.com/posdoctor/posdoctor/terminal/zvt"
)

// TestTraceGolden traces conversations built from the vectors and compares
// them byte for byte with fixtures/traces (POSDOCTOR_UPDATE=1 rewrites).
func TestTraceGolden(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		cs   zvt.Charset
		msgs [][]byte
	}{
		{"v04-registration", zvt.CP437, apdus(t, "v04-registration-spec.hex")},
		{"v06-status-enquiry-feig", zvt.CP437, [][]byte{
			unhex(t, "05 01 03 00 00 00"), unhex(t, "80 00 00"), vector(t, "v06-status-completion-feig-cvend.hex"), unhex(t, "80 00 00"),
		}},
		{"v07-v12-v13-payment", zvt.ISO88591, [][]byte{
			unhex(t, "06 01 0A 04 00 00 00 00 25 00 49 09 78"), unhex(t, "80 00 00"),
			vector(t, "v12-intermediate-tlv.hex"), unhex(t, "80 00 00"),
			vector(t, "v07-status-info-feig-auth.hex"), unhex(t, "80 00 00"),
			vector(t, "v13-print-line-trailing-tlv.hex"), unhex(t, "80 00 00"),
			unhex(t, "06 0F 00"), unhex(t, "80 00 00"),
		}},
		{"v10-abort", zvt.CP437, [][]byte{unhex(t, "06 30 06 00 00 00 87 FF FF"), unhex(t, "80 00 00"), vector(t, "v10-abort-extra-bmp.hex")}},
		{"malformed-v09-length", zvt.CP437, [][]byte{unhex(t, "04 0F 09 27 6C 22 F0 F0 8B F0 F2 00")}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var buf bytes.Buffer
			buf.WriteString("# zvt.Trace (Regress, charset " + tt.cs.String() + ") of vectors from fixtures/vectors; made by terminal/zvt TestTraceGolden.\n")
			tr := zvt.Trace(&buf, zvt.TraceOptions{Regress: true, Charset: tt.cs})
			for _, m := range tt.msgs {
				var de *zvt.DecodeError
				if err := tr.Message(time.Time{}, "", m); err != nil && !errors.As(err, &de) {
					t.Fatal(err)
				}
			}
			golden.Check(t, "../../fixtures/traces/"+tt.name+".trace", buf.Bytes())
		})
	}
}

func TestTraceFollowsConversation(t *testing.T) {
	t.Parallel()
	var buf bytes.Buffer
	tr := zvt.Trace(&buf, zvt.TraceOptions{SuppressTimestamps: true})
	// Status Enquiry with the version suppressed: the F0 status must not
	// be read as an LLLVAR.
	_ = tr.Message(time.Time{}, "", unhex(t, "05 01 05 00 00 00 03 02"))
	if tr.Open() != zvt.CmdStatusEnquiry {
		t.Fatalf("open = %v", tr.Open())
	}
	_ = tr.Message(time.Time{}, "", unhex(t, "80 00 00"))
	if err := tr.Message(time.Time{}, "", unhex(t, "06 0F 01 F0")); err != nil {
		t.Fatal(err)
	}
	out := buf.String()
	for _, want := range []string{
		"ecr->pt  05 01  Status Enquiry  (5 bytes)",
		"pt->ecr  80 00  Ack  (0 bytes)",
		"pt->ecr  06 0F  Completion (Status Enquiry)  (1 bytes)",
		"terminal_status: F0 (reconciliation required)",
		"hex: 06 0F 01 F0",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("trace lacks %q:\n%s", want, out)
		}
	}
	// Timestamps unless suppressed.
	buf.Reset()
	_ = zvt.Trace(&buf, zvt.TraceOptions{}).Message(time.Date(2026, 1, 2, 3, 4, 5, 6000, time.UTC), terminal.ToTerminal, unhex(t, "06 02 00"))
	if !strings.HasPrefix(buf.String(), "2026-01-02 03:04:05.000006  ecr->pt  06 02  Log-Off") {
		t.Errorf("timestamp line %q", buf.String())
	}
}
