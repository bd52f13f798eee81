// Package version holds the build's version and commit, injected by the
// Makefile with -ldflags -X.
package version

import "runtime/debug"

// Version and Commit are set at link time; see the Makefile's LDFLAGS.
var (
	Version = "dev"
	Commit  = ""
)

// String returns "VERSION (COMMIT)", reading the commit from the Go build
// information when it was not injected.
func String() string {
	commit := Commit
	if commit == "" {
		if info, ok := debug.ReadBuildInfo(); ok {
			for _, s := range info.Settings {
				if s.Key == "vcs.revision" {
					commit = s.Value
				}
			}
		}
	}
	if commit == "" {
		commit = "unknown"
	}
	return Version + " (" + commit + ")"
}
