package model

import "testing"

// BenchmarkLoadKB measures loading and validating the embedded knowledge base.
func BenchmarkLoadKB(b *testing.B) {
	sub := mustSub(b)
	for b.Loop() {
		if _, err := LoadKB(sub); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkDiagnose measures one diagnosis with history and checks.
func BenchmarkDiagnose(b *testing.B) {
	in := Input{Symptom: WrongPIN, Codes: []Code{{SchemeUnionPay, "55"}},
		History: []CardOutcome{{Card: "a", Code: Code{SchemeUnionPay, "55"}}, {Card: "b", Code: Code{SchemeUnionPay, "55"}}},
		Checks:  []CheckEvidence{{ID: CheckNetwork, Status: StatusOK, Facts: map[Fact]string{FactHostReachable: "true"}}}}
	kb := Knowledge()
	for b.Loop() {
		kb.Diagnose(in)
	}
}
