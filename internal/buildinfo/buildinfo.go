// Package buildinfo says which posdoctor this is: the version, the commit
// and the build date, from the -ldflags stamp of `make build` and, where
// that is missing, from the module's build info (debug.ReadBuildInfo).
package buildinfo

import (
	"fmt"
	"runtime"
	"runtime/debug"
)

// Stamped at link time by `make build` / `make dist`:
//
//	-ldflags "-X github.com/posdoctor/posdoctor/internal/buildinfo.version=v1.2.0
//	          -X github.com/posdoctor/posdoctor/internal/buildinfo.revision=abc1234
//	          -X github.com/posdoctor/posdoctor/internal/buildinfo.date=2026-12-02T07:00:00Z"
var (
	version  string
	revision string
	date     string
)

// Info is one build's identity. Unknown parts are "unknown"; a build
// without a version stamp or a module version is "dev".
type Info struct {
	Version   string `json:"version"`
	Revision  string `json:"revision"`
	Date      string `json:"date"`
	GoVersion string `json:"go_version"`
	Platform  string `json:"platform"` // GOOS/GOARCH
	Modified  bool   `json:"modified,omitempty"`
}

// Get returns the identity of the running binary.
func Get() Info {
	return resolve(version, revision, date, debug.ReadBuildInfo)
}

// resolve prefers the link-time stamp, then the module's build info
// (module version, vcs.revision, vcs.time, vcs.modified).
func resolve(v, rev, d string, read func() (*debug.BuildInfo, bool)) Info {
	in := Info{Version: v, Revision: rev, Date: d, GoVersion: runtime.Version(), Platform: runtime.GOOS + "/" + runtime.GOARCH}
	if bi, ok := read(); ok && bi != nil {
		if in.Version == "" && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
			in.Version = bi.Main.Version
		}
		if bi.GoVersion != "" {
			in.GoVersion = bi.GoVersion
		}
		for _, s := range bi.Settings {
			switch s.Key {
			case "vcs.revision":
				if in.Revision == "" {
					in.Revision = s.Value
				}
			case "vcs.time":
				if in.Date == "" {
					in.Date = s.Value
				}
			case "vcs.modified":
				in.Modified = s.Value == "true"
			}
		}
	}
	if in.Version == "" {
		in.Version = "dev"
	}
	if len(in.Revision) > 12 {
		in.Revision = in.Revision[:12]
	}
	if in.Revision == "" {
		in.Revision = "unknown"
	}
	if in.Date == "" {
		in.Date = "unknown"
	}
	return in
}

// String is the --version line: "dev (commit unknown, built unknown, go1.26 linux/amd64)".
func (in Info) String() string {
	rev := in.Revision
	if in.Modified {
		rev += "+modified"
	}
	return fmt.Sprintf("%s (commit %s, built %s, %s %s)", in.Version, rev, in.Date, in.GoVersion, in.Platform)
}
