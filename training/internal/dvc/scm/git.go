// Package scm is the little DVC needs from git: finding the work tree,
// asking whether a path is tracked or ignored, staging files, and adding
// the .gitignore entries `dvc add` writes (scmrepo's Git.ignore). It runs
// the git program through gitcmd, so behaviour matches the user's git
// exactly.
package scm

import (
	"context"
	"errors"
	"path/filepath"

	"github.com/mlopsgo/mlops/training/internal/gitcmd"
)

// ErrNotRepo is returned outside a git work tree.
var ErrNotRepo = errors.New("scm: not inside a git repository (run `git init` first)")

// Git runs git in one work tree.
type Git struct {
	// Root is the work tree's top-level directory.
	Root string
}

// Open returns the work tree containing dir, or ErrNotRepo.
func Open(ctx context.Context, dir string) (*Git, error) {
	out, err := gitcmd.Output(ctx, dir, "rev-parse", "--show-toplevel")
	if gitcmd.ExitCode(err) > 0 {
		return nil, ErrNotRepo
	}
	if err != nil {
		return nil, err
	}
	return &Git{Root: filepath.Clean(out)}, nil
}

// rel converts a path to one relative to the work tree.
func (g *Git) rel(path string) (string, error) {
	if !filepath.IsAbs(path) {
		return filepath.ToSlash(path), nil
	}
	r, err := filepath.Rel(g.Root, path)
	if err != nil {
		return "", err
	}
	return filepath.ToSlash(r), nil
}

// IsTracked reports whether path, or for a directory anything below it,
// is in git's index.
func (g *Git) IsTracked(ctx context.Context, path string) (bool, error) {
	r, err := g.rel(path)
	if err != nil {
		return false, err
	}
	out, err := gitcmd.Run(ctx, g.Root, "ls-files", "-z", "--", r)
	if err != nil {
		return false, err
	}
	return len(out) > 0, nil
}

// IsIgnored reports whether git's ignore rules match path (whether or not
// it is tracked).
func (g *Git) IsIgnored(ctx context.Context, path string) (bool, error) {
	r, err := g.rel(path)
	if err != nil {
		return false, err
	}
	_, err = gitcmd.Run(ctx, g.Root, "check-ignore", "-q", "--no-index", "--", r)
	switch {
	case err == nil:
		return true, nil
	case gitcmd.ExitCode(err) == 1: // no rule matches
		return false, nil
	}
	return false, err
}

// Add stages paths.
func (g *Git) Add(ctx context.Context, paths ...string) error {
	args := []string{"add", "--"}
	for _, p := range paths {
		r, err := g.rel(p)
		if err != nil {
			return err
		}
		args = append(args, r)
	}
	_, err := gitcmd.Run(ctx, g.Root, args...)
	return err
}
