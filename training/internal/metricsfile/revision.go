package metricsfile

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"strings"

	"github.com/mlopsgo/mlops/training/internal/gitcmd"
)

// LoadRevision reads and parses the metrics file at path as of the git
// revision rev (git show REV:./path), running git in dir ("" for the
// current directory). A relative path is taken from dir, not from the
// repository's root. It returns nil, nil when the revision has no such
// file (the first training, or a file never committed).
func LoadRevision(ctx context.Context, dir, rev, path string) (*File, error) {
	spec := path
	if !filepath.IsAbs(path) {
		// "./" makes git resolve the path from the directory it runs in,
		// not from the repository root.
		spec = "./" + filepath.ToSlash(filepath.Clean(path))
	}
	out, err := gitcmd.Run(ctx, dir, "show", rev+":"+spec)
	if err != nil {
		var ge *gitcmd.Error
		if errors.As(err, &ge) && ge.ExitCode > 0 &&
			(strings.Contains(ge.Stderr, "does not exist in") || strings.Contains(ge.Stderr, "exists on disk, but not in")) {
			return nil, nil
		}
		return nil, fmt.Errorf("read metrics %s at %s: %w", path, rev, err)
	}
	return Parse(rev+":"+path, out)
}
