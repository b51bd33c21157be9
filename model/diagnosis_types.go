package model

// Input is what is known when diagnosing: any of the symptom, codes, message,
// check results and history may be empty.
type Input struct {
	Symptom SymptomID       `json:"symptom,omitempty"`
	Codes   []Code          `json:"codes,omitempty"`
	Message string          `json:"message,omitempty"` // what the terminal showed, as read out
	Checks  []CheckEvidence `json:"checks,omitempty"`
	History []CardOutcome   `json:"history,omitempty"`
}

// CheckEvidence is a check result as the diagnosis engine sees it.
type CheckEvidence struct {
	ID     CheckID `json:"id"`
	Status Status  `json:"status"`
	// Codes the check saw: host codes from a test transaction, ZVT result
	// and terminal-status codes.
	Codes []Code `json:"codes,omitempty"`
	// Facts are named observations, e.g. FactDeviceState: "no_keys",
	// FactVersionBelowBaseline: "true" (see [Fact]).
	Facts map[Fact]string `json:"facts,omitempty"`
}

// CardOutcome is one earlier attempt on this terminal: which card (masked or
// a label the operator chose) got which code.
type CardOutcome struct {
	Card      string `json:"card"`
	Code      Code   `json:"code"`
	KnownGood bool   `json:"known_good,omitempty"` // a card known to work elsewhere
}

// Diagnosis is the ranked causes and the playbook for an Input.
type Diagnosis struct {
	Symptom  SymptomID     `json:"symptom"`
	Causes   []RankedCause `json:"causes"`
	Playbook []PlayStep    `json:"steps"`
}

// RankedCause is a cause with its score and the reasons for it.
type RankedCause struct {
	ID    string `json:"id"`
	Title Text   `json:"title"`
	Actor Actor  `json:"actor"`
	Fraud bool   `json:"fraud,omitempty"`
	Score int    `json:"score"`
	// Likelihood is how the cause reads to a user: likely, possible or
	// ruled out (see [Likelihood]); the score is for ordering only.
	Likelihood Likelihood `json:"likelihood"`
	For        []Reason   `json:"for,omitempty"`
	Against    []Reason   `json:"against,omitempty"`
}

// Reason is one piece of evidence for or against a cause.
type Reason struct {
	Text  Text    `json:"text"`
	Check CheckID `json:"check,omitempty"`
	Code  *Code   `json:"code,omitempty"`
}

// StepState is where a playbook step stands given the evidence.
type StepState string

// Step states.
const (
	StepTodo       StepState = "todo"
	StepRuledOut   StepState = "ruled_out"   // a passing check shows it is not needed
	StepNeedsCheck StepState = "needs_check" // a check could confirm it and has not run
)

// PlayStep is one step of the playbook, in order.
type PlayStep struct {
	ID     string    `json:"id"`
	Cause  string    `json:"cause"`
	Text   Text      `json:"text"`
	Actor  Actor     `json:"actor"`
	Verify CheckID   `json:"verify,omitempty"` // the check that confirms the step worked
	Fraud  bool      `json:"fraud,omitempty"`
	State  StepState `json:"state"`
	Why    Text      `json:"why,omitempty"`
}

// Likelihood is how likely a ranked cause is, in words.
type Likelihood string

// Likelihoods.
const (
	LikelihoodLikely   Likelihood = "likely"    // the top cause, and those close to it
	LikelihoodPossible Likelihood = "possible"  // still in the running
	LikelihoodRuledOut Likelihood = "ruled_out" // the evidence speaks against it
)

var allLikelihoods = []Likelihood{LikelihoodLikely, LikelihoodPossible, LikelihoodRuledOut}
