package checks

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strconv"
	"strings"
	"time"

	"gopkg.in/yaml.v3"
)

// ConfigError is a config file that cannot be used, in one line: the file
// and line, the key (dotted path), what is wrong and how to fix it, like
// the inventory and scenario loaders.
type ConfigError struct {
	File string
	Line int    // 0 when unknown
	Key  string // e.g. "timeouts.connect"; "" for the file as a whole
	Msg  string
}

// Error reads "config FILE:LINE: KEY: MSG".
func (e *ConfigError) Error() string {
	var b strings.Builder
	b.WriteString("config ")
	b.WriteString(e.File)
	if e.Line > 0 {
		fmt.Fprintf(&b, ":%d", e.Line)
	}
	b.WriteString(": ")
	if e.Key != "" {
		b.WriteString(e.Key + ": ")
	}
	b.WriteString(e.Msg)
	return b.String()
}

// keyKind is the form a config value takes.
type keyKind int

const (
	kindString keyKind = iota
	kindInt
	kindBool
	kindDuration
	kindMap  // a mapping with the keys in sub
	kindList // a list of mappings with the keys in sub
)

// configKey is one key of the config file.
type configKey struct {
	name string
	kind keyKind
	// want says the form wanted, for the error of a value of another form.
	want string
	// check, when set, rejects a scalar value with what is wanted.
	check func(v string) error
	sub   []configKey
	// required keys of a list item.
	required bool
}

// durationKey is a key of timeouts.
func durationKey(name, example string) configKey {
	return configKey{name: name, kind: kindDuration, want: "a duration such as " + example}
}

// configKeys is the config file's schema (the yaml tags of [Config]).
var configKeys = []configKey{
	{name: "password", kind: kindString, want: `6 digits such as "000000"`, check: checkPassword},
	{name: "currency", kind: kindInt, want: "an ISO 4217 numeric code such as 156", check: intRange(1, 999, "an ISO 4217 numeric code from 1 to 999, e.g. 156 for CNY, 978 for EUR")},
	{name: "amount", kind: kindInt, want: "minor units such as 1", check: intRange(1, 999999, "minor units from 1 to 999999")},
	{name: "locale", kind: kindString, want: "zh or en"},
	{name: "journal_dir", kind: kindString, want: "a directory path"},
	{name: "journal_keep_days", kind: kindInt, want: "a number of days such as 90", check: intRange(0, 100000, "a number of days such as 90 (0 for the default)")},
	{name: "journal_max_mb", kind: kindInt, want: "a size in MB such as 500", check: intRange(0, 1<<30, "a size in MB such as 500 (0 for the default)")},
	{name: "host_scheme", kind: kindString, want: "unionpay or iso", check: checkScheme},
	{name: "baselines", kind: kindList, want: `a list such as - {model: "Ingenico *", min_version: "2.20.0"}`, sub: []configKey{
		{name: "model", kind: kindString, want: `a model pattern such as "Ingenico *"`, check: checkModelPattern, required: true},
		{name: "min_version", kind: kindString, want: `a version such as "2.20.0"`, check: checkVersion, required: true},
	}},
	{name: "acquirer_hosts", kind: kindList, want: `a list such as - {name: cups, addr: "host.example:443", tls: true}`, sub: []configKey{
		{name: "name", kind: kindString, want: "a name"},
		{name: "addr", kind: kindString, want: "HOST:PORT", check: checkHostPort, required: true},
		{name: "tls", kind: kindBool, want: "true or false"},
	}},
	{name: "timeouts", kind: kindMap, want: "a mapping such as {connect: 10s, command: 30s}", sub: []configKey{
		durationKey("connect", "10s"), durationKey("command", "30s"), durationKey("card", "60s"),
		durationKey("transaction", "3m"), durationKey("probe", "5s"), durationKey("clock_skew", "5m"),
		durationKey("cert_expiry", "336h"), durationKey("slow_host", "2s"),
	}},
}

func checkPassword(v string) error {
	if len(v) != 6 || strings.Trim(v, "0123456789") != "" {
		return errors.New(`want 6 digits such as "000000" (quoted, so a leading 0 stays)`)
	}
	return nil
}

func intRange(lo, hi int64, want string) func(string) error {
	return func(v string) error {
		n, err := strconv.ParseInt(v, 0, 64)
		if err != nil || n < lo || n > hi {
			return fmt.Errorf("want %s, got %s", want, v)
		}
		return nil
	}
}

func checkScheme(v string) error {
	if v != "unionpay" && v != "iso" {
		return fmt.Errorf("%q: valid values are unionpay, iso", v)
	}
	return nil
}

func checkModelPattern(v string) error {
	if strings.TrimSpace(v) == "" || strings.Count(v, "*") > 8 {
		return fmt.Errorf("pattern %q: want a model name with * wildcards, e.g. \"Ingenico *\"", v)
	}
	return nil
}

func checkVersion(v string) error {
	if _, ok := parseVersion(v); !ok {
		return fmt.Errorf("%q has no version number: want e.g. \"2.20.0\"", v)
	}
	return nil
}

func checkHostPort(v string) error {
	if _, _, err := splitHostPort(v); err != nil {
		return fmt.Errorf("%q: %v", v, err)
	}
	return nil
}

// yamlLine finds "line N: msg" in a yaml error.
var yamlLine = regexp.MustCompile(`line (\d+): (.*)`)

// decodeConfig reads a config file's bytes into cfg (over what is there).
// Every problem is one *ConfigError naming the file, the line and the key.
func decodeConfig(name string, b []byte, cfg *Config) error {
	var root yaml.Node
	if err := yaml.Unmarshal(b, &root); err != nil {
		msg := strings.TrimPrefix(err.Error(), "yaml: ")
		e := &ConfigError{File: name, Msg: "not valid YAML: " + msg}
		if m := yamlLine.FindStringSubmatch(msg); m != nil {
			e.Line, _ = strconv.Atoi(m[1])
			e.Msg = "not valid YAML: " + m[2]
		}
		return e
	}
	if len(root.Content) == 0 {
		return nil // empty file
	}
	doc := root.Content[0]
	if doc.Kind == yaml.ScalarNode && doc.Tag == "!!null" {
		return nil
	}
	if err := walkMap(name, "", doc, configKeys); err != nil {
		return err
	}
	var file Config
	dec := yaml.NewDecoder(bytes.NewReader(b))
	dec.KnownFields(true)
	if err := dec.Decode(&file); err != nil && !errors.Is(err, io.EOF) {
		// The walk accepted it, so this is unexpected: still one line
		// (yaml lists its unmarshal errors one per line).
		msg := strings.Join(strings.Fields(strings.TrimPrefix(err.Error(), "yaml: ")), " ")
		return &ConfigError{File: name, Msg: msg}
	}
	cfg.merge(file)
	return nil
}

// walkMap checks that n is a mapping of keys (path is its dotted key).
func walkMap(file, path string, n *yaml.Node, keys []configKey) error {
	if n.Kind != yaml.MappingNode {
		return &ConfigError{File: file, Line: n.Line, Key: path, Msg: "want `key: value` lines, got " + nodeForm(n)}
	}
	seen := map[string]bool{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		key := joinKey(path, k.Value)
		ck, ok := findKey(keys, k.Value)
		if !ok {
			return &ConfigError{File: file, Line: k.Line, Key: key, Msg: unknownKeyMsg(k.Value, keys)}
		}
		if seen[k.Value] {
			return &ConfigError{File: file, Line: k.Line, Key: key, Msg: "given twice: remove one"}
		}
		seen[k.Value] = true
		if err := walkValue(file, key, v, ck); err != nil {
			return err
		}
	}
	for _, ck := range keys {
		if ck.required && !seen[ck.name] {
			return &ConfigError{File: file, Line: n.Line, Key: joinKey(path, ck.name), Msg: "missing: want " + ck.want}
		}
	}
	return nil
}

// walkValue checks v against the form ck wants. A null value leaves the
// setting at its default.
func walkValue(file, key string, v *yaml.Node, ck configKey) error {
	if v.Kind == yaml.AliasNode && v.Alias != nil {
		v = v.Alias
	}
	if v.Kind == yaml.ScalarNode && v.Tag == "!!null" {
		return nil
	}
	bad := func(msg string) error { return &ConfigError{File: file, Line: v.Line, Key: key, Msg: msg} }
	wrong := func() error { return bad("want " + ck.want + ", got " + nodeForm(v)) }
	switch ck.kind {
	case kindMap:
		if v.Kind != yaml.MappingNode {
			return wrong()
		}
		return walkMap(file, key, v, ck.sub)
	case kindList:
		if v.Kind != yaml.SequenceNode {
			return wrong()
		}
		for i, item := range v.Content {
			if err := walkMap(file, fmt.Sprintf("%s[%d]", key, i), item, ck.sub); err != nil {
				return err
			}
		}
		return nil
	}
	if v.Kind != yaml.ScalarNode {
		return wrong()
	}
	switch ck.kind {
	case kindInt:
		if v.Tag != "!!int" {
			return wrong()
		}
	case kindBool:
		if v.Tag != "!!bool" {
			return wrong()
		}
	case kindDuration:
		// A bare number, even 0 (which ParseDuration takes), is an int to
		// YAML and does not decode into a duration: it needs its unit.
		if d, err := time.ParseDuration(v.Value); err != nil || d < 0 || v.Tag != "!!str" {
			return wrong()
		}
	}
	if ck.check != nil {
		if err := ck.check(v.Value); err != nil {
			return bad(err.Error())
		}
	}
	return nil
}

// nodeForm names what a node holds, for "got …".
func nodeForm(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "a mapping"
	case yaml.SequenceNode:
		return "a list"
	}
	v := n.Value
	if len(v) > 40 {
		v = v[:40] + "…"
	}
	return strconv.Quote(v)
}

func findKey(keys []configKey, name string) (configKey, bool) {
	for _, k := range keys {
		if k.name == name {
			return k, true
		}
	}
	return configKey{}, false
}

func keyNames(keys []configKey) []string {
	out := make([]string, len(keys))
	for i, k := range keys {
		out[i] = k.name
	}
	return out
}

// unknownKeyMsg says a key is unknown, the nearest valid one and the list.
func unknownKeyMsg(name string, keys []configKey) string {
	names := keyNames(keys)
	msg := "unknown key"
	if s := nearestKey(name, names); s != "" {
		msg += ": did you mean `" + s + "`?"
	}
	return msg + " (valid keys: " + strings.Join(names, ", ") + ")"
}

func joinKey(path, k string) string {
	if path == "" {
		return k
	}
	return path + "." + k
}

// nearestKey is the candidate closest to s by edit distance (at most 2,
// or a third of s), "" when none is near.
func nearestKey(s string, cands []string) string {
	best, bestD := "", max(3, len(s)/3+1)
	for _, c := range cands {
		if d := editDistance(strings.ToLower(s), c); d < bestD {
			best, bestD = c, d
		}
	}
	return best
}

// editDistance is the Levenshtein distance of a and b (long inputs: far).
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
