package zvt_test

import (
	"testing"

	"github.com/posdoctor/posdoctor/terminal/zvt"
)

func TestDiagnosis(t *testing.T) {
	t.Parallel()
	d := zvt.NewDiagnosis(zvt.DiagnosisConfig)
	roundTrip(t, d, unhex(t, "06 70 05 06 03 1B 01 03"))
	if d.Type() != zvt.DiagnosisConfig {
		t.Errorf("type %d", d.Type())
	}
	var def zvt.Diagnosis
	if err := def.Decode(unhex(t, "06 70 00")); err != nil || def.Type() != zvt.DiagnosisExtended {
		t.Errorf("default type %d %v", def.Type(), err)
	}
}

func TestStatusEnquiryService(t *testing.T) {
	t.Parallel()
	var se zvt.StatusEnquiry
	if err := se.Decode(unhex(t, "05 01 05 00 00 00 03 06")); err != nil {
		t.Fatal(err)
	}
	if se.Password != "000000" || se.Service() != zvt.ServiceNoVersion|zvt.ServiceSendTLV {
		t.Errorf("%+v service %02X", se, se.Service())
	}
	roundTrip(t, &se, unhex(t, "05 01 05 00 00 00 03 06"))
	var bare zvt.StatusEnquiry
	if err := bare.Decode(unhex(t, "05 01 00")); err != nil || bare.Password != "" || bare.Service() != 0 {
		t.Errorf("05 01 00: %+v %v", bare, err)
	}
}

func TestReversal(t *testing.T) {
	t.Parallel()
	r := zvt.NewReversal("000000", 231, 2500)
	roundTrip(t, r, unhex(t, "06 30 0D 00 00 00 87 02 31 04 00 00 00 00 25 00"))
	if rc, _ := r.Fields.Receipt(); rc != 231 {
		t.Errorf("receipt %d", rc)
	}
}
