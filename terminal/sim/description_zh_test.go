package sim

import (
	"testing"

	"github.com/posdoctor/posdoctor/fixtures/golden"
)

// TestScenarioDescriptionsInChinese: every built-in scenario says what it
// is in Chinese too (the console's scenario picker in zh), with no English
// word but codes, ids, units and product names.
func TestScenarioDescriptionsInChinese(t *testing.T) {
	t.Parallel()
	for _, in := range Scenarios() {
		if in.DescriptionZh == "" {
			t.Errorf("%s: no description_zh", in.Name)
			continue
		}
		golden.CheckChinese(t, "scenario "+in.Name+" description_zh", in.DescriptionZh)
	}
}
