package checks

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/posdoctor/posdoctor/model"
	"github.com/posdoctor/posdoctor/terminal"
)

// InventoryEntry is one terminal of a fleet inventory. Settings left empty
// come from the configuration.
type InventoryEntry struct {
	Target string `yaml:"target" json:"target"`
	Name   string `yaml:"name,omitempty" json:"name,omitempty"`
	// Shop groups terminals by site (a label in Prometheus service
	// discovery).
	Shop     string          `yaml:"shop,omitempty" json:"shop,omitempty"`
	Password string          `yaml:"password,omitempty" json:"-"`
	Amount   int64           `yaml:"amount,omitempty" json:"amount,omitempty"`
	Currency int             `yaml:"currency,omitempty" json:"currency,omitempty"`
	Checks   []model.CheckID `yaml:"checks,omitempty" json:"checks,omitempty"`
	Symptom  model.SymptomID `yaml:"symptom,omitempty" json:"symptom,omitempty"`
	// Line is where the entry starts in the file (1-based).
	Line int `yaml:"-" json:"-"`
}

// inventoryColumns are the CSV header names (and YAML keys).
var inventoryColumns = []string{"target", "name", "shop", "password", "amount", "currency", "checks", "symptom"}

// LoadInventory reads a CSV or YAML inventory (by extension; .csv, .yaml,
// .yml; otherwise by content). Every error names file:line and the fix.
func LoadInventory(path string) ([]InventoryEntry, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("inventory: %w", err)
	}
	return ParseInventory(path, b)
}

// ParseInventory is LoadInventory on bytes; name is used in errors and to
// pick the format.
func ParseInventory(name string, b []byte) ([]InventoryEntry, error) {
	var es []InventoryEntry
	var err error
	switch strings.ToLower(filepath.Ext(name)) {
	case ".csv":
		es, err = parseInventoryCSV(name, b)
	case ".yaml", ".yml":
		es, err = parseInventoryYAML(name, b)
	default:
		t := bytes.TrimSpace(b)
		if bytes.HasPrefix(t, []byte("-")) || bytes.HasPrefix(t, []byte("terminals:")) {
			es, err = parseInventoryYAML(name, b)
		} else {
			es, err = parseInventoryCSV(name, b)
		}
	}
	if err != nil {
		return nil, err
	}
	if len(es) == 0 {
		return nil, fmt.Errorf("%s: the inventory lists no terminals (CSV: a header line \"target,name\" then one line per terminal)", name)
	}
	seen := map[string]int{}
	for i := range es {
		e := &es[i]
		if err := e.validate(); err != nil {
			return nil, fmt.Errorf("%s:%d: %v", name, e.Line, err)
		}
		if prev, ok := seen[e.Target]; ok {
			return nil, fmt.Errorf("%s:%d: target %s is already listed on line %d", name, e.Line, e.Target, prev)
		}
		seen[e.Target] = e.Line
	}
	return es, nil
}

func (e *InventoryEntry) validate() error {
	if strings.TrimSpace(e.Target) == "" {
		return errors.New("no target: every terminal needs a target such as tcp://10.0.0.5:20007")
	}
	if _, err := terminal.ParseTarget(e.Target); err != nil {
		return err
	}
	if e.Password != "" && (len(e.Password) != 6 || strings.Trim(e.Password, "0123456789") != "") {
		return errors.New("password must be 6 digits")
	}
	if e.Amount < 0 || e.Amount > 999999 {
		return fmt.Errorf("amount %d must be from 1 to 999999 minor units", e.Amount)
	}
	if e.Currency < 0 || e.Currency > 999 {
		return fmt.Errorf("currency %d is not an ISO 4217 numeric code", e.Currency)
	}
	for _, c := range e.Checks {
		if !validCheck(c) {
			return fmt.Errorf("unknown check %q: valid checks are %s", c, CheckList())
		}
	}
	return nil
}

func validCheck(id model.CheckID) bool {
	for _, c := range model.CheckOrder {
		if c == id {
			return true
		}
	}
	return false
}

// CheckList is the valid check ids, comma separated.
func CheckList() string {
	s := make([]string, len(model.CheckOrder))
	for i, c := range model.CheckOrder {
		s[i] = string(c)
	}
	return strings.Join(s, ", ")
}

// ParseChecks reads "link,status"; an unknown id is an error listing the
// valid ones.
func ParseChecks(s string) ([]model.CheckID, error) {
	var out []model.CheckID
	for _, p := range strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == ' ' || r == ';' }) {
		id := model.CheckID(strings.ToLower(strings.TrimSpace(p)))
		if !validCheck(id) {
			return nil, fmt.Errorf("unknown check %q: valid checks are %s", p, CheckList())
		}
		out = append(out, id)
	}
	return out, nil
}

func parseInventoryCSV(name string, b []byte) ([]InventoryEntry, error) {
	r := csv.NewReader(bytes.NewReader(b))
	r.Comment = '#'
	r.FieldsPerRecord = -1
	r.TrimLeadingSpace = true
	header, err := r.Read()
	if err == io.EOF {
		return nil, nil
	}
	if err != nil {
		return nil, csvErr(name, err)
	}
	line, _ := r.FieldPos(0)
	cols := map[string]int{}
	for i, h := range header {
		h = strings.ToLower(strings.TrimSpace(strings.TrimPrefix(h, "\ufeff")))
		if !contains(inventoryColumns, h) {
			return nil, fmt.Errorf("%s:%d: unknown column %q: valid columns are %s (the first line is the header)", name, line, h, strings.Join(inventoryColumns, ", "))
		}
		cols[h] = i
	}
	if _, ok := cols["target"]; !ok {
		return nil, fmt.Errorf("%s:%d: the header has no target column: start the file with \"target,name\"", name, line)
	}
	var out []InventoryEntry
	for {
		rec, err := r.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, csvErr(name, err)
		}
		line, _ := r.FieldPos(0)
		if len(rec) > len(header) {
			return nil, fmt.Errorf("%s:%d: %d fields but the header has %d columns", name, line, len(rec), len(header))
		}
		get := func(col string) string {
			if i, ok := cols[col]; ok && i < len(rec) {
				return strings.TrimSpace(rec[i])
			}
			return ""
		}
		e := InventoryEntry{Target: get("target"), Name: get("name"), Shop: get("shop"), Password: get("password"), Symptom: model.SymptomID(get("symptom")), Line: line}
		if v := get("amount"); v != "" {
			if e.Amount, err = strconv.ParseInt(v, 10, 64); err != nil {
				return nil, fmt.Errorf("%s:%d: amount %q is not a number of minor units", name, line, v)
			}
		}
		if v := get("currency"); v != "" {
			if e.Currency, err = strconv.Atoi(v); err != nil {
				return nil, fmt.Errorf("%s:%d: currency %q is not an ISO 4217 numeric code", name, line, v)
			}
		}
		if v := get("checks"); v != "" {
			if e.Checks, err = ParseChecks(v); err != nil {
				return nil, fmt.Errorf("%s:%d: %v", name, line, err)
			}
		}
		out = append(out, e)
	}
	return out, nil
}

func csvErr(name string, err error) error {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		return fmt.Errorf("%s:%d: %v", name, pe.Line, pe.Err)
	}
	return fmt.Errorf("%s: %v", name, err)
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func parseInventoryYAML(name string, b []byte) ([]InventoryEntry, error) {
	var doc yaml.Node
	if err := yaml.Unmarshal(b, &doc); err != nil {
		return nil, fmt.Errorf("%s: %s", name, strings.TrimPrefix(err.Error(), "yaml: "))
	}
	if len(doc.Content) == 0 {
		return nil, nil
	}
	root := doc.Content[0]
	if root.Kind == yaml.MappingNode {
		var seq *yaml.Node
		for i := 0; i+1 < len(root.Content); i += 2 {
			if root.Content[i].Value == "terminals" {
				seq = root.Content[i+1]
			} else {
				return nil, fmt.Errorf("%s:%d: unknown key %q: the file is a list of terminals, or terminals: followed by the list", name, root.Content[i].Line, root.Content[i].Value)
			}
		}
		if seq == nil {
			return nil, fmt.Errorf("%s:%d: want a list of terminals under terminals:", name, root.Line)
		}
		root = seq
	}
	if root.Kind != yaml.SequenceNode {
		return nil, fmt.Errorf("%s:%d: want a list of terminals (- target: tcp://HOST:PORT)", name, root.Line)
	}
	var out []InventoryEntry
	for _, item := range root.Content {
		if item.Kind != yaml.MappingNode {
			return nil, fmt.Errorf("%s:%d: each terminal is a map with target: and name:", name, item.Line)
		}
		for i := 0; i+1 < len(item.Content); i += 2 {
			k := item.Content[i]
			if !contains(inventoryColumns, k.Value) {
				return nil, fmt.Errorf("%s:%d: unknown key %q: valid keys are %s", name, k.Line, k.Value, strings.Join(inventoryColumns, ", "))
			}
		}
		var raw struct {
			Target   string `yaml:"target"`
			Name     string `yaml:"name"`
			Shop     string `yaml:"shop"`
			Password string `yaml:"password"`
			Amount   int64  `yaml:"amount"`
			Currency int    `yaml:"currency"`
			Checks   any    `yaml:"checks"`
			Symptom  string `yaml:"symptom"`
		}
		if err := item.Decode(&raw); err != nil {
			return nil, fmt.Errorf("%s:%d: %s", name, item.Line, strings.TrimPrefix(err.Error(), "yaml: "))
		}
		e := InventoryEntry{Target: raw.Target, Name: raw.Name, Shop: raw.Shop, Password: raw.Password, Amount: raw.Amount,
			Currency: raw.Currency, Symptom: model.SymptomID(raw.Symptom), Line: item.Line}
		switch c := raw.Checks.(type) {
		case nil:
		case string:
			cs, err := ParseChecks(c)
			if err != nil {
				return nil, fmt.Errorf("%s:%d: %v", name, item.Line, err)
			}
			e.Checks = cs
		case []any:
			var parts []string
			for _, x := range c {
				parts = append(parts, fmt.Sprint(x))
			}
			cs, err := ParseChecks(strings.Join(parts, ","))
			if err != nil {
				return nil, fmt.Errorf("%s:%d: %v", name, item.Line, err)
			}
			e.Checks = cs
		default:
			return nil, fmt.Errorf("%s:%d: checks: want a list such as [link, status]", name, item.Line)
		}
		out = append(out, e)
	}
	return out, nil
}

// Shard keeps the entries of shard i of n (1-based): entry k belongs to
// shard k mod n + 1, so shards are disjoint and cover the inventory.
func Shard(es []InventoryEntry, i, n int) []InventoryEntry {
	if n <= 1 {
		return es
	}
	var out []InventoryEntry
	for k, e := range es {
		if k%n == i-1 {
			out = append(out, e)
		}
	}
	return out
}

// ParseShard reads "i/n" with 1 ≤ i ≤ n.
func ParseShard(s string) (int, int, error) {
	a, b, ok := strings.Cut(s, "/")
	i, err1 := strconv.Atoi(strings.TrimSpace(a))
	n, err2 := strconv.Atoi(strings.TrimSpace(b))
	if !ok || err1 != nil || err2 != nil || n < 1 || i < 1 || i > n {
		return 0, 0, fmt.Errorf("invalid shard %q: want I/N with 1 <= I <= N, e.g. 2/4", s)
	}
	return i, n, nil
}
