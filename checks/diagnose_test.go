package checks

import (
	"reflect"
	"testing"

	"github.com/posdoctor/posdoctor/model"
)

// Diagnose is the one entry: the operator's input (symptom, codes, message,
// history) plus the results' codes, each code once, and their evidence.
func TestDiagnoseOneEntry(t *testing.T) {
	t.Parallel()
	host := model.Code{Scheme: model.SchemeUnionPay, Value: "55"}
	results := []Result{
		{ID: model.CheckLink, Status: model.StatusOK},
		{ID: model.CheckTransaction, Status: model.StatusFail, Codes: []model.Code{host}},
	}
	in := model.Input{Symptom: model.WrongPIN, Codes: []model.Code{host}, Message: "密码错"}
	got := Diagnose(in, results)
	want := model.Diagnose(model.Input{Symptom: model.WrongPIN, Codes: []model.Code{host}, Message: "密码错", Checks: Evidence(results)})
	if !reflect.DeepEqual(got, want) {
		t.Errorf("Diagnose\n got %+v\nwant %+v", got, want)
	}
	if got.Symptom != model.WrongPIN {
		t.Errorf("symptom %q", got.Symptom)
	}
	if len(in.Codes) != 1 || in.Checks != nil {
		t.Errorf("Diagnose changed its input: %+v", in)
	}
}
