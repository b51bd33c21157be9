package checks

import (
	"github.com/posdoctor/posdoctor/model"
)

// Diagnose is the one diagnosis entry of every front end (console, check,
// fleet sweep, reports): what the operator reported (in: the symptom, codes
// read off the display, the message, the history) plus the check results so
// far. The codes the checks saw join in's codes (each once) and the
// results' evidence joins in's checks; the ranking itself is
// [model.Diagnose]. The diagnosis names in's symptom when the engine
// inferred none.
func Diagnose(in model.Input, results []Result) model.Diagnosis {
	seen := map[model.Code]bool{}
	var codes []model.Code
	for _, c := range append(append([]model.Code(nil), in.Codes...), Codes(results)...) {
		if !seen[c] {
			seen[c] = true
			codes = append(codes, c)
		}
	}
	in.Codes = codes
	in.Checks = append(append([]model.CheckEvidence(nil), in.Checks...), Evidence(results)...)
	d := model.Diagnose(in)
	if d.Symptom == "" {
		d.Symptom = in.Symptom
	}
	return d
}
