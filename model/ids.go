package model

// SymptomID names a symptom: what the terminal showed, one per source
// article plus two for messages without a host code (DESIGN.md contracts).
type SymptomID string

// Symptoms.
const (
	AuthFailed    SymptomID = "auth_failed"
	CardError     SymptomID = "card_error"
	LostCard      SymptomID = "lost_card"
	WrongPIN      SymptomID = "wrong_pin"
	AccountFrozen SymptomID = "account_frozen"
	CommsFailure  SymptomID = "comms_failure"
	SignInFailure SymptomID = "sign_in_failure"
	// TerminalSilent: the terminal does not accept commands, never sends a
	// result, or refuses everything (the silence facts of [Fact]).
	TerminalSilent SymptomID = "terminal_silent"
)

// CheckID names a live check (DESIGN.md contracts).
type CheckID string

// Checks, in the order they run.
const (
	CheckLink        CheckID = "link"
	CheckStatus      CheckID = "status"
	CheckVersion     CheckID = "version"
	CheckNetwork     CheckID = "network"
	CheckReader      CheckID = "reader"
	CheckTransaction CheckID = "transaction"
)

// CheckOrder is every check in the order they run.
var CheckOrder = []CheckID{CheckLink, CheckStatus, CheckVersion, CheckNetwork, CheckReader, CheckTransaction}

// NeedsCard reports whether a check needs a card at the terminal.
func (c CheckID) NeedsCard() bool { return c == CheckReader || c == CheckTransaction }

// Status is a check's outcome.
type Status string

// Statuses, from best to worst except Skip.
const (
	StatusOK    Status = "ok"
	StatusWarn  Status = "warn"
	StatusFail  Status = "fail"
	StatusSkip  Status = "skip"
	StatusError Status = "error" // the check itself could not run
)

// Scheme says which table a code belongs to.
type Scheme string

// Code schemes.
const (
	SchemeUnionPay        Scheme = "unionpay"         // CUPS field 39
	SchemeISO             Scheme = "iso"              // ISO 8583:1987 field 39
	SchemeZVT             Scheme = "zvt"              // ZVT result code (BMP 27), hex
	SchemeZVTStatus       Scheme = "zvt_status"       // ZVT terminal status byte, hex
	SchemeZVTIntermediate Scheme = "zvt_intermediate" // ZVT intermediate status (04 FF), hex
	SchemeMessage         Scheme = "message"          // a text the terminal shows without a code
)

// Code is a code seen on a terminal, e.g. {unionpay 55} or {zvt 78}. Value is
// upper case: two characters for host codes, hex for ZVT.
type Code struct {
	Scheme Scheme `json:"scheme"`
	Value  string `json:"value"`
}

// Actor is who acts on a cause or step.
type Actor string

// Actors.
const (
	ActorOperator   Actor = "operator"   // the technician or cashier at the terminal
	ActorMerchant   Actor = "merchant"   // the shop owner: contracts, limits, account
	ActorCardholder Actor = "cardholder" // with their issuing bank
	ActorAcquirer   Actor = "acquirer"   // acquirer or service provider
	ActorFraud      Actor = "fraud"      // fraud handling: retention, police, acquirer risk desk
)

// Lang is a UI language.
type Lang string

// Languages.
const (
	LangZh Lang = "zh"
	LangEn Lang = "en"
)

// Text is a text in both languages.
type Text struct {
	Zh string `json:"zh" yaml:"zh"`
	En string `json:"en" yaml:"en"`
}

// In returns the text in l, falling back to the other language.
func (t Text) In(l Lang) string {
	if l == LangZh && t.Zh != "" || t.En == "" {
		return t.Zh
	}
	return t.En
}

// Source says where an item came from: a seeds/ file and its section, or a
// research note.
type Source struct {
	File    string `json:"file" yaml:"file"`
	Section string `json:"section" yaml:"section"`
}
