package report

import (
	"os"
	"path/filepath"
	"strings"

	"github.com/mlopsgo/mlops/training/internal/params"
)

// FindRoot returns the repository root of path: its nearest ancestor
// directory holding params.yaml (params.DefaultFile), or "" when there is
// none. A relative path is looked up from the working directory.
func FindRoot(path string) string {
	abs, err := filepath.Abs(path)
	if err != nil {
		return ""
	}
	for dir := filepath.Dir(abs); ; {
		if st, err := os.Stat(filepath.Join(dir, params.DefaultFile)); err == nil && st.Mode().IsRegular() {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return ""
		}
		dir = parent
	}
}

// DisplayPath returns path as the report shows it: an absolute path below
// root is shown relative to root, slash-separated, so a page shared from
// one machine does not show another's directories; anything else (a
// relative path, a path outside root, no root) as it is.
func DisplayPath(root, path string) string {
	if root == "" || !filepath.IsAbs(path) {
		return path
	}
	rel, err := filepath.Rel(root, path)
	if err != nil || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
		return path
	}
	return filepath.ToSlash(rel)
}
