package model

import "fmt"

// PLACEHOLDER API: the knowledge-base work replaces this file with the real
// implementation, keeping these signatures so checks/ and ui/ build meanwhile.

// Symptom is one symptom the operator can start from.
type Symptom struct {
	ID      SymptomID `json:"id"`
	Title   Text      `json:"title"`
	Summary Text      `json:"summary"`
}

// Symptoms lists the symptoms in menu order.
func Symptoms() []Symptom { return nil }

// Resolve reads what an operator typed (a code, a message as the terminal
// shows it, or a symptom id) into an Input. scheme may be empty, meaning the
// usual one for the input. An unknown input is an error that names the
// closest matches.
func Resolve(query string, scheme Scheme) (Input, error) {
	return Input{}, fmt.Errorf("knowledge base not built yet")
}

// Diagnose ranks causes and builds the playbook from the embedded
// knowledge base.
func Diagnose(in Input) Diagnosis { return Diagnosis{Symptom: in.Symptom} }
