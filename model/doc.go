// Package model holds posdoctor's domain: symptoms, causes, remediation
// steps and code tables (the knowledge base, embedded as data), and the
// diagnosis engine that ranks causes from what is known.
//
// It is pure: no I/O beyond reading its own embedded files, no terminal, no
// UI. Everything else imports it; it imports nothing of ours.
//
// Files:
//   - kb/*.yaml: the knowledge base (schema in kb/README.md), embedded and
//     loaded once by [Knowledge]; [LoadKB] loads and validates any set of
//     such files.
//   - kb.go: the knowledge-base types ([Symptom], [CauseInfo], [StepInfo],
//     [Tip], [CodeInfo]), the loader and its validation.
//   - api.go: the package-level entry points ([Symptoms], [Resolve],
//     [Diagnose], [LookupCode], [Cause], [Step]).
//   - resolve.go: reading what an operator typed (code, message, symptom).
//   - find.go: finding codes by their texts and near forms ([KB.Find]).
//   - rules.go: the diagnosis table ([Rule], [Trigger], [ReasonInfo]).
//   - diagnose.go: the ranking rules and the playbook.
//   - lang.go: the language of a locale ([LocaleLang]).
//   - facts.go: the typed facts checks report ([Fact], [Facts]).
//   - labels.go: one zh/en label for every value a user reads ([Label]).
//   - glossary.go: one term per concept ([Term], [Glossary]).
//   - strict.go: strict decoding of nested YAML with line numbers.
//   - ids.go, diagnosis_types.go: ids and the Input/Diagnosis types shared
//     with checks/ and ui/.
//
// Sources: the five articles in seeds/ (cited by file name and section),
// research/codes.md (UnionPay/CUPS and ISO 8583 field 39, who fixes what,
// the symptom → code → cause → check map, messages without a code) and
// research/zvt.md §4 (ZVT result, terminal-status and intermediate-status
// codes).
package model
