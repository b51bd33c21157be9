package exporter

import (
	"encoding/json"
	"io"

	"github.com/posdoctor/posdoctor/checks"
)

// TargetGroup is one group of Prometheus file-based service discovery
// (file_sd_configs): targets and the labels they get.
type TargetGroup struct {
	Targets []string          `json:"targets"`
	Labels  map[string]string `json:"labels,omitempty"`
}

// FileSD turns inventory entries into file_sd target groups: one group per
// terminal, labelled with its shop and name (and module when given, for
// the relabelling to /probe's module= parameter). Passwords and amounts
// stay out.
func FileSD(entries []checks.InventoryEntry, module string) []TargetGroup {
	out := make([]TargetGroup, 0, len(entries))
	for _, e := range entries {
		l := map[string]string{}
		if e.Shop != "" {
			l["shop"] = e.Shop
		}
		if e.Name != "" {
			l["name"] = e.Name
		}
		if module != "" {
			l["module"] = module
		}
		if len(l) == 0 {
			l = nil
		}
		out = append(out, TargetGroup{Targets: []string{e.Target}, Labels: l})
	}
	return out
}

// WriteFileSD writes groups as file_sd JSON, indented, ending in a newline.
func WriteFileSD(w io.Writer, groups []TargetGroup) error {
	b, err := json.MarshalIndent(groups, "", "  ")
	if err != nil {
		return err
	}
	_, err = w.Write(append(b, '\n'))
	return err
}
