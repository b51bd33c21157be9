package model

import (
	"fmt"
	"io/fs"
	"strconv"
	"strings"
	"sync"
)

var loadKnowledge = sync.OnceValues(func() (*KB, error) {
	sub, err := fs.Sub(kbFiles, "kb")
	if err != nil {
		return nil, err
	}
	return LoadKB(sub)
})

// Knowledge returns the embedded knowledge base, loaded and validated once.
// The embedded files are part of the build and are validated by the package
// tests, so a failure here is a build defect: Knowledge panics with the
// loader's error.
func Knowledge() *KB {
	kb, err := loadKnowledge()
	if err != nil {
		panic(fmt.Sprintf("model: embedded knowledge base is invalid: %v", err))
	}
	return kb
}

// Symptoms lists the symptoms in menu order.
func Symptoms() []Symptom { return Knowledge().Symptoms }

// LookupCode finds a code in the table of scheme; see [KB.LookupCode].
func LookupCode(scheme Scheme, value string) (CodeInfo, bool) {
	return Knowledge().LookupCode(scheme, value)
}

// Cause finds a cause by id.
func Cause(id string) (CauseInfo, bool) { return Knowledge().Cause(id) }

// Step finds a step by id.
func Step(id string) (StepInfo, bool) { return Knowledge().Step(id) }

// Resolve reads what an operator typed (a code, a message as the terminal
// shows it, or a symptom id) into an Input; see [KB.Resolve].
func Resolve(query string, scheme Scheme) (Input, error) {
	return Knowledge().Resolve(query, scheme)
}

// Diagnose ranks causes and builds the playbook from the embedded knowledge
// base; see [KB.Diagnose].
func Diagnose(in Input) Diagnosis { return Knowledge().Diagnose(in) }

// Symptom finds a symptom by id.
func (kb *KB) Symptom(id SymptomID) (Symptom, bool) { return byID(kb.Symptoms, kb.symptoms, id) }

// Cause finds a cause by id.
func (kb *KB) Cause(id string) (CauseInfo, bool) { return byID(kb.Causes, kb.causes, id) }

// Step finds a step by id.
func (kb *KB) Step(id string) (StepInfo, bool) { return byID(kb.Steps, kb.steps, id) }

// Tip finds a prevention tip by id.
func (kb *KB) Tip(id string) (Tip, bool) { return byID(kb.Tips, kb.tips, id) }

// byID is the item of items that index (built by indexIDs) maps id to.
func byID[T any, K comparable](items []T, index map[K]int, id K) (T, bool) {
	i, ok := index[id]
	if !ok {
		var zero T
		return zero, false
	}
	return items[i], true
}

// LookupCode finds a code. An empty scheme means UnionPay. Values are matched
// case-insensitively; ZVT values may be written 78, 0x78 or 78h. ZVT result
// codes 01–63 are host codes 1–99 in decimal (research/zvt.md §4.2): they
// resolve to the UnionPay entry for that host code, carried as a ZVT code.
func (kb *KB) LookupCode(scheme Scheme, value string) (CodeInfo, bool) {
	if scheme == "" {
		scheme = SchemeUnionPay
	}
	v := normQueryValue(scheme, value)
	if i, ok := kb.codes[scheme][v]; ok {
		return kb.Codes[i], true
	}
	if scheme == SchemeZVT {
		n, err := strconv.ParseUint(v, 16, 8)
		if err == nil && n >= 0x01 && n <= 0x63 {
			host := fmt.Sprintf("%02d", n)
			if u, ok := kb.codes[SchemeUnionPay][host]; ok {
				c := kb.Codes[u]
				c.Scheme, c.Value = SchemeZVT, fmt.Sprintf("%02X", n)
				c.Display = Text{
					Zh: "主机应答码 " + host + "：" + c.Display.Zh,
					En: "host code " + host + ": " + c.Display.En,
				}
				c.Note = Text{
					Zh: "ZVT结果码0x01–0x63携带主机（收单机构）应答码的十进制值；此处按银联表解释。",
					En: "ZVT result codes 0x01–0x63 carry the host (acquirer) code in decimal; read here with the UnionPay table.",
				}
				c.Source = Source{File: "research/zvt.md", Section: "§4.2 Where the host (acquirer, ISO 8583) response code shows up"}
				return c, true
			}
		}
	}
	return CodeInfo{}, false
}

// normQueryValue turns what a user typed into a table key: upper case, ZVT
// hex without 0x or h, one digit padded to two.
func normQueryValue(s Scheme, v string) string {
	v = strings.TrimSpace(v)
	if s == SchemeMessage {
		return v
	}
	v = strings.ToUpper(v)
	if s.IsZVT() {
		v = strings.TrimPrefix(v, "0X")
		v = strings.TrimSuffix(v, "H")
	}
	if len(v) == 1 {
		v = "0" + v
	}
	return v
}

// IsZVT reports whether s is one of the ZVT code tables (result, terminal
// status, intermediate status), whose values are hex bytes.
func (s Scheme) IsZVT() bool {
	return s == SchemeZVT || s == SchemeZVTStatus || s == SchemeZVTIntermediate
}
