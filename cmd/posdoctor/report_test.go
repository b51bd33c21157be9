package main

import (
	"errors"
	"strings"
	"testing"
)

func TestNewReportCmdLang(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		argv    []string
		wantErr string
	}{
		{[]string{"s1", "--lang", "zh"}, ""},
		{[]string{"s1", "--lang", "en"}, ""},
		{[]string{"s1"}, ""},
		{[]string{"s1", "--lang", "de"}, `invalid --lang "de": valid values are zh, en`},
	} {
		opts, err := parseOptions(newReportCmd, tt.argv)
		if tt.wantErr == "" {
			if err != nil || opts == nil {
				t.Errorf("%v: err = %v", tt.argv, err)
			}
			continue
		}
		var fe *FlagError
		if !errors.As(err, &fe) || !strings.Contains(err.Error(), tt.wantErr) {
			t.Errorf("%v: err = %v, want a flag error %q", tt.argv, err, tt.wantErr)
		}
	}
}
