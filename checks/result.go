package checks

import (
	"time"

	"github.com/posdoctor/posdoctor/model"
	"github.com/posdoctor/posdoctor/terminal"
)

// Result is the outcome of one check.
type Result struct {
	ID       model.CheckID `json:"id"`
	Status   model.Status  `json:"status"`
	Duration time.Duration `json:"-"`
	// DurationMS is Duration in milliseconds, for JSON.
	DurationMS int64  `json:"duration_ms"`
	Summary    string `json:"summary"`
	// Text is Summary in both languages of the console (Text.En ==
	// Summary); not part of the JSON, where summary stays English.
	Text model.Text `json:"-"`
	// Evidence is what the check observed, as named facts (decoded codes,
	// texts, versions, latencies). Keys are snake_case.
	Evidence map[string]string `json:"evidence,omitempty"`
	// Codes are the codes the check saw, for the diagnosis engine.
	Codes []model.Code `json:"codes,omitempty"`
	// Trace is the protocol exchange of this check, card data masked.
	Trace []terminal.Frame `json:"trace,omitempty"`
}
