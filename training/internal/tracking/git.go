package tracking

import (
	"context"
	"time"

	"github.com/mlopsgo/mlops/training/internal/gitcmd"
)

// GitInfo describes the git working tree containing dir ("" for the
// current directory) by running git. It returns nil when git is not
// installed, dir is not in a repository, or the repository has no commit:
// a run outside git is still recorded.
func GitInfo(ctx context.Context, dir string) *Git {
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	commit, ok := git(ctx, dir, "rev-parse", "HEAD")
	if !ok {
		return nil
	}
	g := &Git{Commit: commit}
	if branch, ok := git(ctx, dir, "rev-parse", "--abbrev-ref", "HEAD"); ok && branch != "HEAD" {
		g.Branch = branch
	}
	// Untracked files count: a new source file changes what was trained.
	// Ignored files (runs/, models/) do not.
	status, ok := git(ctx, dir, "status", "--porcelain")
	g.Dirty = !ok || status != ""
	return g
}

// git runs one git command and reports whether it succeeded; GitInfo
// treats any failure as "not known".
func git(ctx context.Context, dir string, args ...string) (string, bool) {
	out, err := gitcmd.Output(ctx, dir, args...)
	return out, err == nil
}
