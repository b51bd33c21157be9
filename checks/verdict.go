package checks

import (
	"github.com/posdoctor/posdoctor/model"
)

// Verdict is the overall status of results: fail if any check failed, else
// error if any could not run, else warn if any warned, else ok. A run where
// every check was skipped is skip.
func Verdict(results []Result) model.Status {
	v := model.StatusSkip
	for _, r := range results {
		switch {
		case r.Status == model.StatusSkip:
		case v == model.StatusSkip:
			v = r.Status
		default:
			v = worse(v, r.Status)
		}
	}
	if len(results) == 0 {
		return model.StatusOK
	}
	return v
}

// Evidence turns results into what the diagnosis engine reads: each check's
// status, codes, and the facts ([model.Facts], only those keys).
func Evidence(results []Result) []model.CheckEvidence {
	out := make([]model.CheckEvidence, 0, len(results))
	for _, r := range results {
		ce := model.CheckEvidence{ID: r.ID, Status: r.Status, Codes: r.Codes}
		for _, k := range model.Facts {
			if v, ok := r.Evidence[string(k)]; ok {
				if ce.Facts == nil {
					ce.Facts = map[model.Fact]string{}
				}
				ce.Facts[k] = v
			}
		}
		out = append(out, ce)
	}
	return out
}

// Codes collects every code the results saw, without duplicates.
func Codes(results []Result) []model.Code {
	seen := map[model.Code]bool{}
	var out []model.Code
	for _, r := range results {
		for _, c := range r.Codes {
			if !seen[c] {
				seen[c] = true
				out = append(out, c)
			}
		}
	}
	return out
}
