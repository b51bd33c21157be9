package zvt_test

import (
	"testing"

	"github.com/posdoctor/posdoctor/terminal/zvt"
)

func TestAbortPT(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		in     string
		code   byte
		noCode bool
		text   string
	}{
		{"06 1E 01 6F", 0x6F, false, "wrong currency"},                 // Registration with a wrong currency (zvt-to-mollie)
		{"06 1E 01 6C", 0x6C, false, "abort via timeout or abort key"}, // after ECR Abort 06 B0
		{"06 1E 00", 0, true, ""},
	} {
		m, err := zvt.DecodePT(unhex(t, tt.in), zvt.CmdRegistration)
		if err != nil {
			t.Fatal(err)
		}
		a := m.(*zvt.AbortPT)
		if a.ResultCode != tt.code || a.NoCode != tt.noCode || (tt.text != "" && zvt.ResultCodeText(a.ResultCode) != tt.text) {
			t.Errorf("%s: %+v", tt.in, a)
		}
		roundTrip(t, a, unhex(t, tt.in))
	}
	var ecr zvt.AbortECR
	if err := ecr.Decode(unhex(t, "06 B0 00")); err != nil {
		t.Fatal(err)
	}
	roundTrip(t, &ecr, unhex(t, "06 B0 00"))
}
