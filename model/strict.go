package model

import (
	"fmt"
	"reflect"
	"slices"
	"strings"

	"gopkg.in/yaml.v3"
)

// strictDecode decodes a mapping node into the struct v points to and
// rejects a key v has no field for, naming the line, as the file decoder
// does with KnownFields (custom unmarshalers do not inherit it).
func strictDecode(n *yaml.Node, v any) error {
	known := yamlKeys(reflect.TypeOf(v).Elem())
	if n.Kind != yaml.MappingNode {
		return &lineError{n.Line, "want a mapping with " + strings.Join(known, ", ")}
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k := n.Content[i]
		if !slices.Contains(known, k.Value) {
			return &lineError{k.Line, fmt.Sprintf("field %s not found (valid: %s)", k.Value, strings.Join(known, ", "))}
		}
	}
	if err := n.Decode(v); err != nil {
		return &lineError{n.Line, err.Error()}
	}
	return nil
}

// lineError is a problem at one line of a knowledge-base file.
type lineError struct {
	line int
	msg  string
}

func (e *lineError) Error() string { return fmt.Sprintf("line %d: %s", e.line, e.msg) }

// yamlKeys are the yaml keys of struct type t, inline fields included.
func yamlKeys(t reflect.Type) []string {
	var out []string
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		if !f.IsExported() {
			continue
		}
		tag := f.Tag.Get("yaml")
		name, opts, _ := strings.Cut(tag, ",")
		switch {
		case name == "-":
		case strings.Contains(opts, "inline") || f.Anonymous && tag == "":
			out = append(out, yamlKeys(f.Type)...)
		case name == "":
			out = append(out, strings.ToLower(f.Name))
		default:
			out = append(out, name)
		}
	}
	return out
}
