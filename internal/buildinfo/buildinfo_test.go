package buildinfo

import (
	"runtime/debug"
	"strings"
	"testing"
)

func TestResolve(t *testing.T) {
	t.Parallel()
	vcs := func() (*debug.BuildInfo, bool) {
		return &debug.BuildInfo{GoVersion: "go1.26.8", Main: debug.Module{Version: "(devel)"}, Settings: []debug.BuildSetting{
			{Key: "vcs.revision", Value: "0123456789abcdef0123"}, {Key: "vcs.time", Value: "2026-12-01T10:00:00Z"}, {Key: "vcs.modified", Value: "true"}}}, true
	}
	none := func() (*debug.BuildInfo, bool) { return nil, false }
	tests := []struct {
		name           string
		v, rev, d      string
		read           func() (*debug.BuildInfo, bool)
		want           Info
		wantStringPart string
	}{
		{"nothing known is dev", "", "", "", none, Info{Version: "dev", Revision: "unknown", Date: "unknown"}, "dev (commit unknown, built unknown"},
		{"ldflags stamp wins", "v1.2.0", "abc1234", "2026-12-02", vcs, Info{Version: "v1.2.0", Revision: "abc1234", Date: "2026-12-02", Modified: true}, "v1.2.0 (commit abc1234+modified, built 2026-12-02"},
		{"vcs build info fills in", "", "", "", vcs, Info{Version: "dev", Revision: "0123456789ab", Date: "2026-12-01T10:00:00Z", Modified: true}, "commit 0123456789ab+modified"},
		{"module version from go install", "", "", "", func() (*debug.BuildInfo, bool) {
			return &debug.BuildInfo{Main: debug.Module{Version: "v0.3.1"}}, true
		}, Info{Version: "v0.3.1", Revision: "unknown", Date: "unknown"}, "v0.3.1 (commit unknown"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := resolve(tt.v, tt.rev, tt.d, tt.read)
			got.GoVersion, got.Platform = "", ""
			if got != tt.want {
				t.Errorf("got %+v, want %+v", got, tt.want)
			}
			if s := resolve(tt.v, tt.rev, tt.d, tt.read).String(); !strings.Contains(s, tt.wantStringPart) {
				t.Errorf("String() = %q, want it to contain %q", s, tt.wantStringPart)
			}
		})
	}
}
