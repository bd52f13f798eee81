// Package version holds model-api's version and revision, injected at build
// time with -ldflags "-X github.com/mlopsgo/mlops/app/internal/version.Version=...".
package version

// Set at build time; the defaults mark a development build.
var (
	// Version is the release (a git describe string).
	Version = "dev"
	// Revision is the commit the binary was built from.
	Revision = "unknown"
)
