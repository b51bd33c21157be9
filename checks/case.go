package checks

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
	"sort"
	"strings"
	"sync"

	"github.com/posdoctor/posdoctor/model"
)

// The case journal: the console writes the case to the session journal as
// it goes (issue 10), so `posdoctor report SESSION` renders it whole for a
// ticket: what the operator entered, the diagnosis as it changed, each
// step's mark and note, each fix run on the terminal, every re-run of a
// check (the engine journals each run's results) and the end of a solved
// case.
//
// The console speaks to the journal through ui.Session.Record(kind,
// fields); the kinds and field names are defined here and [CaseLog.Record]
// rejects any other, so a rename fails a test instead of vanishing from the
// ticket.

// CaseKind is what the console records of a case.
type CaseKind string

// Case kinds and the fields each takes.
const (
	CaseSymptom    CaseKind = "symptom"     // symptom, query, codes, message
	CaseStepMark   CaseKind = "step_mark"   // step, cause, mark (done, skipped, no_help), note, fraud
	CaseStepNote   CaseKind = "step_note"   // step, cause, note
	CaseFixAction  CaseKind = "fix_action"  // step, action: a fix started on the terminal
	CaseFixResult  CaseKind = "fix_result"  // step, action, code, error: how it ended
	CaseStepVerify CaseKind = "step_verify" // step, check, status: the step's verifying check ran again
	CaseSolved     CaseKind = "case_solved" // step, cause, check, before, after
)

// Field names of case events.
const (
	FieldSymptom = "symptom"
	FieldQuery   = "query"
	FieldCodes   = "codes" // scheme:value, comma separated (unionpay:55,zvt:78)
	FieldMessage = "message"
	FieldStep    = "step"
	FieldCause   = "cause"
	FieldMark    = "mark"
	FieldNote    = "note"
	FieldFraud   = "fraud"
	FieldAction  = "action"
	FieldCode    = "code"
	FieldError   = "error"
	FieldCheck   = "check"
	FieldStatus  = "status"
	FieldBefore  = "before"
	FieldAfter   = "after"
)

// caseFields lists the fields each kind may carry.
var caseFields = map[CaseKind][]string{
	CaseSymptom:    {FieldSymptom, FieldQuery, FieldCodes, FieldMessage},
	CaseStepMark:   {FieldStep, FieldCause, FieldMark, FieldNote, FieldFraud},
	CaseStepNote:   {FieldStep, FieldCause, FieldNote},
	CaseFixAction:  {FieldStep, FieldAction},
	CaseFixResult:  {FieldStep, FieldAction, FieldCode, FieldError},
	CaseStepVerify: {FieldStep, FieldCheck, FieldStatus},
	CaseSolved:     {FieldStep, FieldCause, FieldCheck, FieldBefore, FieldAfter},
}

// CaseKinds lists the case kinds, sorted.
func CaseKinds() []string {
	out := make([]string, 0, len(caseFields))
	for k := range caseFields {
		out = append(out, string(k))
	}
	sort.Strings(out)
	return out
}

// Fix phases ([FixRecord.Phase]).
const (
	FixStarted = "started"
	FixDone    = "done"
	FixRefused = "refused" // the terminal answered with a code that is not success
	FixFailed  = "failed"  // the fix could not run (no answer, link lost)
)

// FixRecord is a fix action run on the terminal (the console's f key).
type FixRecord struct {
	Step   string `json:"step"`
	Action string `json:"action"` // initialise
	Phase  string `json:"phase"`  // started, done, refused, failed
	Code   string `json:"code,omitempty"`
	Error  string `json:"error,omitempty"`
}

// VerifyRecord is a step's verifying check run again, or the end of a
// solved case (Before and After then the check's status before the fix and
// now).
type VerifyRecord struct {
	Step   string        `json:"step"`
	Cause  string        `json:"cause,omitempty"`
	Check  model.CheckID `json:"check"`
	Status model.Status  `json:"status,omitempty"`
	Before model.Status  `json:"before,omitempty"`
	After  model.Status  `json:"after,omitempty"`
}

// SymptomFields are the fields of a [CaseSymptom] event for what the
// operator entered: query as typed, in as resolved.
func SymptomFields(query string, in model.Input) map[string]string {
	f := map[string]string{FieldSymptom: string(in.Symptom), FieldQuery: query, FieldMessage: in.Message}
	var codes []string
	for _, c := range in.Codes {
		codes = append(codes, string(c.Scheme)+":"+c.Value)
	}
	f[FieldCodes] = strings.Join(codes, ",")
	return f
}

// parseCodes reads FieldCodes back.
func parseCodes(s string) []model.Code {
	var out []model.Code
	for _, c := range strings.Split(s, ",") {
		if sch, v, ok := strings.Cut(strings.TrimSpace(c), ":"); ok && v != "" {
			out = append(out, model.Code{Scheme: model.Scheme(sch), Value: v})
		}
	}
	return out
}

// CaseLog writes one console case on one terminal to the session journal.
// Besides the operator's events it keeps what the diagnosis needs (the
// symptom, the latest result of each check) and journals the diagnosis
// each time it changes, so a report of the journal shows the diagnosis the
// console showed. Safe for concurrent use; a nil Journal records nothing.
type CaseLog struct {
	j      *Journal
	target string

	mu       sync.Mutex
	input    model.Input
	hasInput bool
	results  map[model.CheckID]Result
	lastDiag []byte
}

// NewCaseLog returns the case log of target in j.
func NewCaseLog(j *Journal, target string) *CaseLog {
	return &CaseLog{j: j, target: target, results: map[model.CheckID]Result{}}
}

// Record writes one case event (ui.Session.Record). A kind or a field this
// file does not define is an error that names the valid ones.
func (c *CaseLog) Record(kind string, fields map[string]string) error {
	k := CaseKind(kind)
	allowed, ok := caseFields[k]
	if !ok {
		return fmt.Errorf("journal: unknown case event %q: valid kinds are %s", kind, strings.Join(CaseKinds(), ", "))
	}
	for f := range fields {
		if !slices.Contains(allowed, f) {
			return fmt.Errorf("journal: case event %s has no field %q: valid fields are %s", kind, f, strings.Join(allowed, ", "))
		}
	}
	if se, ok := shareEntry(k, fields, c.target); ok {
		return c.j.Record(se)
	}
	e := Entry{Target: c.target}
	switch k {
	case CaseSymptom:
		e.Kind, e.Symptom, e.Codes, e.Text = EntrySymptom, model.SymptomID(fields[FieldSymptom]), parseCodes(fields[FieldCodes]), fields[FieldQuery]
		c.mu.Lock()
		c.input = model.Input{Symptom: e.Symptom, Codes: e.Codes, Message: fields[FieldMessage]}
		c.hasInput = true
		c.mu.Unlock()
		if err := c.j.Record(e); err != nil {
			return err
		}
		return c.diagnose()
	case CaseStepMark:
		e.Kind, e.Step = EntryStepState, &StepRecord{ID: fields[FieldStep], State: stepState(fields[FieldMark]), Note: fields[FieldNote]}
	case CaseStepNote:
		e.Kind, e.Step = EntryStepNote, &StepRecord{ID: fields[FieldStep], Note: fields[FieldNote]}
	case CaseFixAction, CaseFixResult:
		e.Kind, e.Fix = EntryFix, fixRecord(k, fields)
	case CaseStepVerify:
		e.Kind, e.Verify = EntryVerify, &VerifyRecord{Step: fields[FieldStep], Check: model.CheckID(fields[FieldCheck]), Status: model.Status(fields[FieldStatus])}
	case CaseSolved:
		e.Kind, e.Verify = EntrySolved, &VerifyRecord{Step: fields[FieldStep], Cause: fields[FieldCause], Check: model.CheckID(fields[FieldCheck]),
			Before: model.Status(fields[FieldBefore]), After: model.Status(fields[FieldAfter])}
	}
	return c.j.Record(e)
}

// stepState maps the console's marks onto the journal's step states.
func stepState(mark string) string {
	switch mark {
	case "done":
		return StepDone
	case "skipped":
		return StepSkipped
	}
	return StepFailed
}

func fixRecord(k CaseKind, f map[string]string) *FixRecord {
	r := &FixRecord{Step: f[FieldStep], Action: f[FieldAction], Code: f[FieldCode], Error: ScrubString(f[FieldError])}
	switch {
	case k == CaseFixAction:
		r.Phase = FixStarted
	case r.Error != "":
		r.Phase = FixFailed
	case r.Code != "" && r.Code != "0" && r.Code != "00":
		r.Phase = FixRefused
	default:
		r.Phase = FixDone
	}
	return r
}

// Ran takes the results of a run (the engine journalled them already) and
// journals the diagnosis they lead to, when it changed.
func (c *CaseLog) Ran(results []Result) error {
	c.mu.Lock()
	for _, r := range results {
		c.results[r.ID] = r
	}
	c.mu.Unlock()
	return c.diagnose()
}

// diagnose journals the diagnosis of the symptom and the latest results,
// unless it is the one journalled last. Without a symptom and with no
// check run there is nothing to diagnose.
func (c *CaseLog) diagnose() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if !c.hasInput && len(c.results) == 0 {
		return nil
	}
	var rs []Result
	for _, id := range model.CheckOrder {
		if r, ok := c.results[id]; ok {
			rs = append(rs, r)
		}
	}
	d := Diagnose(c.input, rs)
	b, err := json.Marshal(d)
	if err != nil {
		return fmt.Errorf("journal: %w", err)
	}
	if bytes.Equal(b, c.lastDiag) {
		return nil
	}
	c.lastDiag = b
	return c.j.Record(Entry{Kind: EntryDiagnosis, Target: c.target, Symptom: c.input.Symptom, Diagnosis: &d})
}
