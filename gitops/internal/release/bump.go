package release

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strings"
)

// Options says which Application to bump to which release.
type Options struct {
	// File is the Application's path. Required.
	File string
	// GitDir is a directory of the git checkout that holds both the deployed
	// and the new revision. Optional. Default: the current directory.
	GitDir string
	// Release is the new release. Required, and valid.
	Release Release
}

// Bump writes o.Release into the Application file, after checking that its
// revision descends from the one the file pins (a re-run of an old workflow
// gets [ErrNotDescendant] and the file is left alone). It reports whether the
// file changed: the same release again changes nothing.
func Bump(ctx context.Context, o Options) (changed bool, err error) {
	if o.File == "" {
		return false, fmt.Errorf("release: Options.File is required")
	}
	if err := o.Release.Validate(); err != nil {
		return false, err
	}
	doc, err := os.ReadFile(o.File)
	if err != nil {
		return false, fmt.Errorf("read the Application: %w", err)
	}
	deployed, err := Read(doc)
	if err != nil {
		return false, fmt.Errorf("%s: %w", o.File, err)
	}
	if deployed.Revision != o.Release.Revision {
		if err := CheckDescends(ctx, o.GitDir, deployed.Revision, o.Release.Revision); err != nil {
			return false, fmt.Errorf("%s pins %s: %w", o.File, deployed.Revision, err)
		}
	}
	out, err := Write(doc, o.Release)
	if err != nil {
		return false, fmt.Errorf("%s: %w", o.File, err)
	}
	if bytes.Equal(out, doc) {
		return false, nil
	}
	if err := os.WriteFile(o.File, out, 0o644); err != nil {
		return false, fmt.Errorf("write the Application: %w", err)
	}
	return true, nil
}

// CheckDescends returns nil when next is deployed or one of its
// descendants in the git repository at dir, [ErrNotDescendant] when it is
// not, and another error when git cannot tell (a commit missing from a
// shallow clone, say).
func CheckDescends(ctx context.Context, dir, deployed, next string) error {
	for _, rev := range []string{deployed, next} {
		if !commitSHA.MatchString(rev) {
			return fmt.Errorf("%w: revision %q: want a full commit sha", ErrInvalid, rev)
		}
		if _, err := git(ctx, dir, "cat-file", "-e", rev+"^{commit}"); err != nil {
			return fmt.Errorf("commit %s is not in the checkout (fetch the full history): %w", rev, err)
		}
	}
	_, err := git(ctx, dir, "merge-base", "--is-ancestor", deployed, next)
	var exit *exec.ExitError
	switch {
	case err == nil:
		return nil
	case errors.As(err, &exit) && exit.ExitCode() == 1:
		return fmt.Errorf("%w: %s is not a descendant of %s", ErrNotDescendant, next, deployed)
	default:
		return err
	}
}

func git(ctx context.Context, dir string, args ...string) (string, error) {
	cmd := exec.CommandContext(ctx, "git", args...)
	cmd.Dir = dir
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return "", fmt.Errorf("git %s: %w: %s", strings.Join(args, " "), err, strings.TrimSpace(stderr.String()))
	}
	return string(out), nil
}
