package sim

import (
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/posdoctor/posdoctor/terminal"
	"github.com/posdoctor/posdoctor/terminal/zvt"
	"gopkg.in/yaml.v3"
)

// LoadError is a scenario file that cannot be used. It names the file, the
// line (0 when unknown) and the field path, and carries a hint that says how
// to fix it.
type LoadError struct {
	File  string
	Line  int
	Field string
	Msg   string
	Hint  string
}

// Error reads "file:line: field: msg (hint: …)", leaving out the parts that
// are empty.
func (e *LoadError) Error() string {
	var b strings.Builder
	b.WriteString(e.File)
	if e.Line > 0 {
		fmt.Fprintf(&b, ":%d", e.Line)
	}
	b.WriteString(": ")
	if e.Field != "" {
		b.WriteString(e.Field + ": ")
	}
	b.WriteString(e.Msg)
	if e.Hint != "" {
		b.WriteString(" (hint: " + e.Hint + ")")
	}
	return b.String()
}

// ErrScenario matches every *LoadError with errors.Is.
var ErrScenario = errors.New("bad scenario")

// Is makes errors.Is(err, ErrScenario) true.
func (e *LoadError) Is(target error) bool { return target == ErrScenario }

// LatencyKeys are the command names a scenario's latency map accepts.
var LatencyKeys = []string{
	"default", "host", "registration", "status_enquiry", "authorization", "reversal", "refund", "read_card",
	"diagnosis", "repeat_receipt", "end_of_day", "initialisation", "set_date_time", "print_system_config", "selftest",
}

// parser turns a YAML node tree into a Scenario. The first error sticks.
type parser struct {
	file string
	err  *LoadError
}

func (p *parser) fail(n *yaml.Node, field, msg, hint string) {
	if p.err != nil {
		return
	}
	line := 0
	if n != nil {
		line = n.Line
	}
	p.err = &LoadError{File: p.file, Line: line, Field: field, Msg: msg, Hint: hint}
}

// Parse reads a scenario from YAML bytes; file names it in errors.
func Parse(file string, b []byte) (*Scenario, error) {
	p := &parser{file: file}
	var doc yaml.Node
	if err := yaml.Unmarshal(b, &doc); err != nil {
		line := 0
		if m := yamlLine.FindStringSubmatch(err.Error()); m != nil {
			line, _ = strconv.Atoi(m[1])
		}
		msg := yamlLine.ReplaceAllString(strings.TrimPrefix(err.Error(), "yaml: "), "")
		return nil, &LoadError{File: file, Line: line, Msg: "not valid YAML: " + strings.TrimSpace(msg),
			Hint: "check indentation and quoting; fixtures/README.md shows a complete scenario"}
	}
	if len(doc.Content) == 0 {
		return nil, &LoadError{File: file, Line: 1, Msg: "empty file", Hint: "a scenario starts with name:, description:, source:, identity: and cards:"}
	}
	sc := p.scenario(doc.Content[0])
	if p.err != nil {
		return nil, p.err
	}
	sc.File = file
	return sc, nil
}

var yamlLine = regexp.MustCompile(`line (\d+):?\s*`)

// fields checks that n is a mapping with only allowed keys and returns the
// value nodes by key; required keys that are missing are reported at the
// mapping's line.
func (p *parser) fields(n *yaml.Node, path string, allowed, required []string) map[string]*yaml.Node {
	out := map[string]*yaml.Node{}
	if n.Kind != yaml.MappingNode {
		p.fail(n, path, "want a mapping of fields, got "+kindName(n), "write it as `field: value` lines indented under "+orRoot(path))
		return out
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		if !contains(allowed, k.Value) {
			hint := "valid fields are " + strings.Join(allowed, ", ")
			if s := closest(k.Value, allowed); s != "" {
				hint = "did you mean " + s + "? " + hint
			}
			p.fail(k, join(path, k.Value), "unknown field", hint)
			continue
		}
		if _, dup := out[k.Value]; dup {
			p.fail(k, join(path, k.Value), "field given twice", "remove one of them")
		}
		out[k.Value] = v
	}
	for _, r := range required {
		if _, ok := out[r]; !ok {
			p.fail(n, join(path, r), "missing required field", "add `"+r+":` under "+orRoot(path)+"; see fixtures/README.md")
		}
	}
	return out
}

func orRoot(path string) string {
	if path == "" {
		return "the top level"
	}
	return path
}

func join(path, k string) string {
	if path == "" {
		return k
	}
	return path + "." + k
}

func kindName(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "a mapping"
	case yaml.SequenceNode:
		return "a list"
	case yaml.ScalarNode:
		return fmt.Sprintf("%q", n.Value)
	case yaml.AliasNode:
		return "an alias"
	}
	return "nothing"
}

// maxText is the longest text a scenario field may hold: every text goes
// into one BMP or TLV value (BMP 8B is LLVAR, at most 99 bytes).
const maxText = 99

func (p *parser) str(n *yaml.Node, field string) string {
	if n == nil {
		return ""
	}
	if n.Kind != yaml.ScalarNode {
		p.fail(n, field, "want a text value, got "+kindName(n), "write `"+lastPart(field)+": some text`")
		return ""
	}
	limit := maxText
	if field == "description" || field == "description_zh" || field == "source" {
		limit = 2000
	}
	if len(n.Value) > limit {
		p.fail(n, field, fmt.Sprintf("too long: %d bytes, at most %d", len(n.Value), limit), "shorten it; terminals send short texts")
		return ""
	}
	return n.Value
}

func lastPart(field string) string {
	if i := strings.LastIndexByte(field, '.'); i >= 0 {
		return field[i+1:]
	}
	return field
}

func (p *parser) integer(n *yaml.Node, field string, min, max int64) int64 {
	if n == nil {
		return 0
	}
	if n.Kind != yaml.ScalarNode {
		p.fail(n, field, "want a number, got "+kindName(n), fmt.Sprintf("a whole number from %d to %d", min, max))
		return 0
	}
	v, err := strconv.ParseInt(strings.ReplaceAll(n.Value, "_", ""), 0, 64)
	if err != nil || v < min || v > max {
		p.fail(n, field, fmt.Sprintf("want a number from %d to %d, got %q", min, max, n.Value), "amounts are in minor units (1234 = 12.34)")
		return 0
	}
	return v
}

// byteVal reads a code byte; hex (0x51) is the documented spelling.
func (p *parser) byteVal(n *yaml.Node, field string) byte {
	if n == nil {
		return 0
	}
	if n.Kind != yaml.ScalarNode {
		p.fail(n, field, "want a byte, got "+kindName(n), "write a code byte in hex, e.g. 0x64")
		return 0
	}
	v, err := strconv.ParseUint(n.Value, 0, 8)
	if err != nil {
		p.fail(n, field, fmt.Sprintf("want a byte 0x00..0xFF, got %q", n.Value), "write a code byte in hex, e.g. 0x64")
		return 0
	}
	return byte(v)
}

func (p *parser) boolean(n *yaml.Node, field string, def bool) bool {
	if n == nil {
		return def
	}
	switch strings.ToLower(n.Value) {
	case "true", "yes", "on":
		return true
	case "false", "no", "off":
		return false
	}
	p.fail(n, field, "want true or false, got "+kindName(n), "write true or false")
	return def
}

func (p *parser) duration(n *yaml.Node, field string) time.Duration {
	if n == nil {
		return 0
	}
	d, err := time.ParseDuration(n.Value)
	if n.Kind != yaml.ScalarNode || err != nil || d < 0 || d > time.Hour {
		p.fail(n, field, "want a duration, got "+kindName(n), "write a Go duration such as 250ms or 2s")
		return 0
	}
	return d
}

func (p *parser) seq(n *yaml.Node, field string) []*yaml.Node {
	if n == nil {
		return nil
	}
	if n.Kind != yaml.SequenceNode {
		p.fail(n, field, "want a list, got "+kindName(n), "write each item on its own line starting with `- `")
		return nil
	}
	return n.Content
}

var (
	reDigits   = regexp.MustCompile(`^[0-9]+$`)
	reHostCode = regexp.MustCompile(`^[0-9A-Z]{2}$`)
	reExpiry   = regexp.MustCompile(`^[0-9]{2}(0[1-9]|1[0-2])$`)
)

func (p *parser) scenario(n *yaml.Node) *Scenario {
	f := p.fields(n, "", []string{"name", "description", "description_zh", "source", "identity", "password", "password_error",
		"currency", "cards", "host", "diagnosis", "initialisation", "latency", "faults"},
		[]string{"name", "description", "source", "identity", "cards"})
	sc := &Scenario{
		Name:          p.str(f["name"], "name"),
		Description:   p.str(f["description"], "description"),
		DescriptionZh: p.str(f["description_zh"], "description_zh"),
		Source:        p.str(f["source"], "source"),
		Password:      "000000",
		PasswordError: 0x83,
		Currency:      156,
		Latency:       map[string]time.Duration{},
	}
	if sc.Name != "" && !regexp.MustCompile(`^[a-z0-9][a-z0-9-]*$`).MatchString(sc.Name) {
		p.fail(f["name"], "name", "want lower-case letters, digits and dashes", "e.g. name: my-terminal")
	}
	if v := f["password"]; v != nil {
		sc.Password = p.str(v, "password")
		if !reDigits.MatchString(sc.Password) || len(sc.Password) != 6 {
			p.fail(v, "password", "want 6 digits", `quote it: password: "000000"`)
		}
	}
	if v := f["password_error"]; v != nil {
		sc.PasswordError = p.byteVal(v, "password_error")
	}
	if v := f["currency"]; v != nil {
		sc.Currency = int(p.integer(v, "currency", 1, 999))
	}
	if v := f["identity"]; v != nil {
		sc.Identity = p.identity(v)
	}
	for i, c := range p.seq(f["cards"], "cards") {
		sc.Cards = append(sc.Cards, p.card(c, fmt.Sprintf("cards[%d]", i)))
	}
	if f["cards"] != nil && len(sc.Cards) == 0 {
		p.fail(f["cards"], "cards", "at least one card is needed", "add a card with pan: and expiry:")
	}
	for i, h := range p.seq(f["host"], "host") {
		sc.Host = append(sc.Host, p.hostRule(h, fmt.Sprintf("host[%d]", i), sc))
	}
	if v := f["diagnosis"]; v != nil {
		sc.Diagnosis = p.outcome(v, "diagnosis")
	}
	if v := f["initialisation"]; v != nil {
		sc.Initialisation = p.outcome(v, "initialisation")
	}
	if v := f["latency"]; v != nil {
		lf := p.fields(v, "latency", LatencyKeys, nil)
		for k, dn := range lf {
			sc.Latency[k] = p.duration(dn, "latency."+k)
		}
	}
	for i, fn := range p.seq(f["faults"], "faults") {
		field := fmt.Sprintf("faults[%d]", i)
		s := p.str(fn, field)
		if p.err != nil {
			break
		}
		ft, err := ParseFault(s)
		if err != nil {
			var fe *FaultError
			hint := ""
			if errors.As(err, &fe) {
				hint = fe.Hint
			}
			p.fail(fn, field, err.Error(), hint)
			break
		}
		ft.line = fn.Line
		sc.Faults = append(sc.Faults, ft)
	}
	return sc
}

func (p *parser) identity(n *yaml.Node) Identity {
	f := p.fields(n, "identity", []string{"model", "serial", "tid", "software_version", "status",
		"device_state", "time", "charset"}, []string{"model", "serial", "tid", "software_version"})
	id := Identity{
		Model:           p.str(f["model"], "identity.model"),
		Serial:          p.str(f["serial"], "identity.serial"),
		TID:             p.str(f["tid"], "identity.tid"),
		SoftwareVersion: p.str(f["software_version"], "identity.software_version"),
		Status:          p.byteVal(f["status"], "identity.status"),
		Charset:         "cp437",
	}
	if v := f["tid"]; v != nil && (!reDigits.MatchString(id.TID) || len(id.TID) != 8) {
		p.fail(v, "identity.tid", fmt.Sprintf("want 8 digits, got %q", id.TID), `quote it: tid: "52500001"`)
	}
	if v := f["serial"]; v != nil && id.Serial == "" {
		p.fail(v, "identity.serial", "empty", "give the device serial number")
	}
	if v := f["device_state"]; v != nil {
		var ds terminal.DeviceState
		_ = ds.UnmarshalText([]byte(p.str(v, "identity.device_state")))
		if ds == terminal.DeviceUnknown {
			p.fail(v, "identity.device_state", fmt.Sprintf("unknown device state %q", v.Value), "valid values are ready, needs_initialisation, no_keys, fraud")
		}
		id.DeviceState = ds
	}
	if v := f["time"]; v != nil {
		t, err := time.Parse(time.RFC3339, p.str(v, "identity.time"))
		if err != nil {
			p.fail(v, "identity.time", fmt.Sprintf("want RFC 3339 time, got %q", v.Value), "e.g. 2026-03-01T09:30:00+08:00; leave it out to use the real clock")
		}
		id.Time = t
	}
	if v := f["charset"]; v != nil {
		id.Charset = strings.ToLower(p.str(v, "identity.charset"))
		if !contains([]string{"cp437", "iso-8859-1", "utf-8"}, id.Charset) {
			p.fail(v, "identity.charset", fmt.Sprintf("unknown charset %q", v.Value), "valid values are cp437, iso-8859-1, utf-8")
		}
	}
	return id
}

func (p *parser) card(n *yaml.Node, path string) Card {
	f := p.fields(n, path, []string{"name", "pan", "expiry", "technology", "readable", "read_error",
		"pin_tries", "card_type", "card_name", "amount_min", "amount_max", "track2_only", "present_after", "aid"}, []string{"pan", "expiry"})
	c := Card{
		Name:       p.str(f["name"], path+".name"),
		PAN:        p.str(f["pan"], path+".pan"),
		Expiry:     p.str(f["expiry"], path+".expiry"),
		Technology: terminal.TechChip,
		Readable:   p.boolean(f["readable"], path+".readable", true),
		ReadError:  0x64,
		PINTries:   3,
		CardType:   0xFF,
		CardName:   "UnionPay",
		AmountMin:  p.integer(f["amount_min"], path+".amount_min", 0, 999999999999),
		AmountMax:  p.integer(f["amount_max"], path+".amount_max", 0, 999999999999),
	}
	if c.Name == "" {
		c.Name = "default"
	}
	if v := f["pan"]; v != nil && (!reDigits.MatchString(c.PAN) || len(c.PAN) < 12 || len(c.PAN) > 19) {
		p.fail(v, path+".pan", "want 12 to 19 digits", `quote it: pan: "6228480000000000018" (use a test number, never a real card)`)
	}
	if v := f["expiry"]; v != nil && !reExpiry.MatchString(c.Expiry) {
		p.fail(v, path+".expiry", fmt.Sprintf("want YYMM, got %q", c.Expiry), `quote it: expiry: "2812"`)
	}
	if v := f["technology"]; v != nil {
		c.Technology = terminal.Technology(p.str(v, path+".technology"))
		switch c.Technology {
		case terminal.TechChip, terminal.TechStripe, terminal.TechContactless:
		default:
			p.fail(v, path+".technology", fmt.Sprintf("unknown technology %q", v.Value), "valid values are chip, stripe, contactless")
		}
	}
	if v := f["read_error"]; v != nil {
		c.ReadError = p.byteVal(v, path+".read_error")
	}
	if v := f["pin_tries"]; v != nil {
		c.PINTries = int(p.integer(v, path+".pin_tries", 0, 9))
	}
	if v := f["card_type"]; v != nil {
		c.CardType = p.byteVal(v, path+".card_type")
	}
	c.Track2Only = p.boolean(f["track2_only"], path+".track2_only", false)
	if v := f["present_after"]; v != nil {
		c.PresentAfter = p.duration(v, path+".present_after")
	}
	if v := f["aid"]; v != nil {
		c.AID = p.str(v, path+".aid")
		if b, err := zvt.ParseHex(c.AID); err != nil || len(b) < 5 || len(b) > 16 {
			p.fail(v, path+".aid", "want 5 to 16 bytes of hex", `e.g. aid: "A0000003591010028001" (girocard)`)
		}
	}
	if v := f["card_name"]; v != nil {
		c.CardName = p.str(v, path+".card_name")
		if len(c.CardName) > 40 {
			p.fail(v, path+".card_name", "too long: at most 40 bytes", "use the scheme name, e.g. UnionPay")
		}
	}
	return c
}

func (p *parser) hostRule(n *yaml.Node, path string, sc *Scenario) HostRule {
	f := p.fields(n, path, []string{"card", "amount_min", "amount_max", "device_state", "times",
		"host_code", "zvt_result", "text", "delay"}, nil)
	r := HostRule{
		Card:      p.str(f["card"], path+".card"),
		AmountMin: p.integer(f["amount_min"], path+".amount_min", 0, 999999999999),
		AmountMax: p.integer(f["amount_max"], path+".amount_max", 0, 999999999999),
		Times:     int(p.integer(f["times"], path+".times", 0, 1000000)),
		HostCode:  p.str(f["host_code"], path+".host_code"),
		Text:      p.str(f["text"], path+".text"),
		Delay:     p.duration(f["delay"], path+".delay"),
		line:      n.Line,
	}
	if v := f["card"]; v != nil && p.err == nil && sc.Card(r.Card) == nil {
		names := make([]string, 0, len(sc.Cards))
		for _, c := range sc.Cards {
			names = append(names, c.Name)
		}
		p.fail(v, path+".card", fmt.Sprintf("no card named %q", r.Card), "cards in this file: "+strings.Join(names, ", "))
	}
	if v := f["host_code"]; v != nil && !reHostCode.MatchString(r.HostCode) {
		p.fail(v, path+".host_code", fmt.Sprintf("want 2 characters such as \"05\" or \"A0\", got %q", r.HostCode), `quote it: host_code: "05"`)
	}
	if v := f["zvt_result"]; v != nil {
		b := p.byteVal(v, path+".zvt_result")
		r.ZVT = &b
	}
	if v := f["device_state"]; v != nil {
		var ds terminal.DeviceState
		_ = ds.UnmarshalText([]byte(p.str(v, path+".device_state")))
		if ds == terminal.DeviceUnknown {
			p.fail(v, path+".device_state", fmt.Sprintf("unknown device state %q", v.Value), "valid values are ready, needs_initialisation, no_keys, fraud")
		}
		r.DeviceState = &ds
	}
	if f["host_code"] == nil && f["zvt_result"] == nil {
		p.fail(n, path, "a host answer needs host_code or zvt_result", `add host_code: "00" to approve`)
	}
	return r
}

func (p *parser) outcome(n *yaml.Node, path string) Outcome {
	f := p.fields(n, path, []string{"result", "host_code", "text"}, []string{"result"})
	o := Outcome{
		Result:   p.byteVal(f["result"], path+".result"),
		HostCode: p.str(f["host_code"], path+".host_code"),
		Text:     p.str(f["text"], path+".text"),
	}
	if v := f["host_code"]; v != nil && !reHostCode.MatchString(o.HostCode) {
		p.fail(v, path+".host_code", fmt.Sprintf("want 2 characters, got %q", o.HostCode), `quote it: host_code: "96"`)
	}
	return o
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// closest returns the candidate within edit distance 2 of s, if any.
func closest(s string, cands []string) string {
	best, bestD := "", 3
	for _, c := range cands {
		if d := editDistance(s, c); d < bestD {
			best, bestD = c, d
		}
	}
	return best
}

func editDistance(a, b string) int {
	if len(a) > 64 || len(b) > 64 {
		return 99
	}
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}
