package model

import (
	"fmt"

	"gopkg.in/yaml.v3"
)

// TermID names a concept of the glossary (kb/glossary.yaml).
type TermID string

// Glossary terms others print or must not confuse.
const (
	TermSignIn               TermID = "sign_in"               // 签到: the sign-in / key exchange with the host, nothing else
	TermRegistration         TermID = "registration"          // 连接终端: ZVT Registration 06 00, not a sign-in
	TermAcquirerRegistration TermID = "acquirer_registration" // 登记: merchant/terminal on file at the acquirer
	TermInitialisation       TermID = "initialisation"        // 初始化: ZVT 06 93
	TermNoKeys               TermID = "no_keys"               // 没有密钥 (never 无密钥)
	TermMasterKey            TermID = "master_key"            // 主密钥
	TermWorkingKeys          TermID = "working_keys"          // 工作密钥
	TermFraudHandling        TermID = "fraud_handling"        // 欺诈处理 (never 风险处置)
	TermReversal             TermID = "reversal"              // 冲正
	TermEndOfDay             TermID = "end_of_day"            // 结算
	TermAcquirer             TermID = "acquirer"              // 收单机构
	TermIssuer               TermID = "issuer"                // 发卡行
	TermECR                  TermID = "ecr"                   // 收银机
	TermOutcomeUnknown       TermID = "outcome_unknown"       // 结果未知
	TermTestPayment          TermID = "test_payment"          // 测试交易
)

// Term is one concept of the glossary: the one word for it in each
// language, what it means, and words not to use for it.
type Term struct {
	ID    TermID   `json:"id" yaml:"id"`
	Zh    string   `json:"zh" yaml:"zh"`
	En    string   `json:"en" yaml:"en"`
	Means Text     `json:"means" yaml:"means"`
	Avoid []string `json:"avoid,omitempty" yaml:"avoid"`
	line  int
}

// UnmarshalYAML decodes a term strictly and keeps its line.
func (t *Term) UnmarshalYAML(n *yaml.Node) error {
	type plain Term
	if err := strictDecode(n, (*plain)(t)); err != nil {
		return err
	}
	t.line = n.Line
	return nil
}

// Text is the term as a Text.
func (t Term) Text() Text { return Text{Zh: t.Zh, En: t.En} }

// Glossary lists the terms of the embedded knowledge base.
func Glossary() []Term { return Knowledge().Glossary }

// GlossaryTerm finds a term by id in the embedded knowledge base.
func GlossaryTerm(id TermID) (Term, bool) { return Knowledge().Term(id) }

// Term finds a term by id.
func (kb *KB) Term(id TermID) (Term, bool) {
	for _, t := range kb.Glossary {
		if t.ID == id {
			return t, true
		}
	}
	return Term{}, false
}

// buildGlossary collects the terms and checks each has an id, both words
// and a meaning, and that no id or word is used twice.
func buildGlossary(kb *KB, files []namedFile, bad func(string, string, ...any)) {
	ids := map[TermID]bool{}
	words := map[string]TermID{}
	for _, nf := range files {
		for _, t := range nf.f.Glossary {
			at := fmt.Sprintf("%s:%d", nf.name, t.line)
			where := fmt.Sprintf("term %q", t.ID)
			checkID(bad, at, where, string(t.ID))
			if ids[t.ID] {
				bad(at, "%s defined twice", where)
			}
			ids[t.ID] = true
			checkText(bad, at, where, t.Text())
			checkText(bad, at, where+" means", t.Means)
			for _, w := range []string{t.Zh, t.En} {
				if other, ok := words[w]; ok && w != "" {
					bad(at, "%s: %q is already the word for %q: one word, one concept", where, w, other)
				}
				words[w] = t.ID
			}
			kb.Glossary = append(kb.Glossary, t)
		}
	}
}
