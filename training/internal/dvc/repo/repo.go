// Package repo is a DVC repository as `mlops data` sees it: the work tree
// with its .dvc directory, the cache, the configuration and remotes, and
// the outputs .dvc files and dvc.lock track. It implements init, add,
// status, checkout, push, fetch and pull on top of the cache, remote and
// file-format packages.
package repo

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"

	"github.com/mlopsgo/mlops/training/internal/dvc/cache"
	"github.com/mlopsgo/mlops/training/internal/dvc/ignore"
	"github.com/mlopsgo/mlops/training/internal/dvc/scm"
)

// DvcDir is the name of the repository's metadata directory.
const DvcDir = ".dvc"

// ErrNotRepo is returned when no .dvc directory is found.
var ErrNotRepo = errors.New("repo: not a DVC repository (run `mlops data init` at the root of a git repository)")

// Repo is an open repository.
type Repo struct {
	// Root is the work tree's absolute path.
	Root string
	// Dir is the absolute working directory relative paths given to the
	// repository's methods are resolved against; Find sets it to the
	// directory it started from.
	Dir string
	// Cache is the local cache (.dvc/cache).
	Cache *cache.Cache
	// Ignore answers .dvcignore questions.
	Ignore *ignore.Filter
	// Logger receives warnings and progress messages.
	Logger *slog.Logger
	// Progress receives progress bars; nil draws none.
	Progress io.Writer
	// S3PathStyle, when set, overrides path-style addressing for S3
	// remotes (see s3.Options.PathStyle).
	S3PathStyle *bool

	git    *scm.Git
	gitErr error
	gitSet bool
}

// Find opens the repository containing dir: the nearest ancestor with a
// .dvc directory. A relative dir is taken relative to the process's
// working directory; relative paths given to the repository later are
// relative to dir.
func Find(dir string, logger *slog.Logger) (*Repo, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, err
	}
	for d := abs; ; d = filepath.Dir(d) {
		if st, err := os.Stat(filepath.Join(d, DvcDir)); err == nil && st.IsDir() {
			r := open(d, logger)
			r.Dir = abs
			return r, nil
		}
		if filepath.Dir(d) == d {
			return nil, ErrNotRepo
		}
	}
}

func open(root string, logger *slog.Logger) *Repo {
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	return &Repo{
		Root:   root,
		Dir:    root,
		Cache:  cache.New(filepath.Join(root, DvcDir, "cache")),
		Ignore: ignore.NewFilter(root),
		Logger: logger,
	}
}

// Git returns the repository's git work tree, or an error when it is not
// in one.
func (r *Repo) Git(ctx context.Context) (*scm.Git, error) {
	if !r.gitSet {
		r.git, r.gitErr = scm.Open(ctx, r.Root)
		r.gitSet = true
	}
	return r.git, r.gitErr
}

// Rel converts a path (absolute, or relative to r.Dir) to a
// slash-separated path relative to the root; it fails for paths outside.
func (r *Repo) Rel(path string) (string, error) {
	rel, err := filepath.Rel(r.Root, r.abs(path))
	if err != nil || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
		return "", fmt.Errorf("repo: %s is outside the repository %s", path, r.Root)
	}
	return filepath.ToSlash(rel), nil
}

// Abs returns the absolute path of a root-relative slash path.
func (r *Repo) Abs(rel string) string {
	return filepath.Join(r.Root, filepath.FromSlash(rel))
}

// Init creates .dvc/ in the git work tree containing dir, as `dvc init`
// does: an empty .dvc/config, .dvc/.gitignore listing /config.local, /tmp
// and /cache, the .dvc/tmp directory, and a .dvcignore with DVC's comment
// header; the three files are staged in git. It fails outside a git work
// tree and, unless force, when .dvc already exists.
func Init(ctx context.Context, dir string, force bool, logger *slog.Logger) (*Repo, error) {
	g, err := scm.Open(ctx, dir)
	if err != nil {
		return nil, err
	}
	dvcDir := filepath.Join(g.Root, DvcDir)
	if _, err := os.Stat(dvcDir); err == nil {
		if !force {
			return nil, fmt.Errorf("repo: '%s' exists; use --force to initialize again", dvcDir)
		}
	}
	if ign, err := g.IsIgnored(ctx, dvcDir); err != nil {
		return nil, err
	} else if ign {
		return nil, fmt.Errorf("repo: %s is ignored by git; DVC needs it committed", dvcDir)
	}
	if err := os.MkdirAll(filepath.Join(dvcDir, "tmp"), 0o755); err != nil {
		return nil, err
	}
	config := filepath.Join(dvcDir, "config")
	gitignore := filepath.Join(dvcDir, ".gitignore")
	dvcignore := filepath.Join(g.Root, ignore.FileName)
	// An existing config (on --force) and an existing .dvcignore are
	// kept; the cache is never touched.
	for _, f := range []struct {
		path, content string
		keep          bool
	}{
		{config, "", true},
		{gitignore, "/config.local\n/tmp\n/cache\n", false},
		{dvcignore, dvcignoreHeader, true},
	} {
		if _, err := os.Stat(f.path); err == nil && f.keep {
			continue
		}
		if err := os.WriteFile(f.path, []byte(f.content), 0o644); err != nil {
			return nil, err
		}
	}
	order := []string{config, gitignore, dvcignore}
	if err := g.Add(ctx, order...); err != nil {
		return nil, err
	}
	r := open(g.Root, logger)
	r.git, r.gitSet = g, true
	if r.Dir, err = filepath.Abs(dir); err != nil {
		return nil, err
	}
	return r, nil
}

// dvcignoreHeader is what dvc/ignore.py init writes into a new .dvcignore.
const dvcignoreHeader = `# Add patterns of files dvc should ignore, which could improve
# the performance. Learn more at
# https://dvc.org/doc/user-guide/dvcignore
`
