package gitcmd_test

import (
	"context"
	"errors"
	"os/exec"
	"strings"
	"testing"

	"github.com/mlopsgo/mlops/training/internal/gitcmd"
	"github.com/mlopsgo/mlops/training/internal/gitcmd/gitcmdtest"
)

func TestRun(t *testing.T) {
	dir := gitcmdtest.Repo(t)
	gitcmdtest.Commit(t, dir, map[string]string{"a.txt": "hello\n"}, "first")
	tests := []struct {
		name       string
		args       []string
		wantOut    string
		wantCode   int    // -1: no error expected
		wantStderr string // part of the error message and Stderr
	}{
		{"output", []string{"show", "HEAD:a.txt"}, "hello", -1, ""},
		{"trimmed", []string{"rev-parse", "--abbrev-ref", "HEAD"}, "main", -1, ""},
		{"exit code and stderr", []string{"show", "HEAD:missing.txt"}, "", 128, "does not exist in"},
		{"exit 1 without stderr", []string{"check-ignore", "-q", "a.txt"}, "", 1, ""},
		{"unknown command", []string{"no-such-command"}, "", 1, "is not a git command"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, err := gitcmd.Output(t.Context(), dir, tt.args...)
			if tt.wantCode < 0 {
				if err != nil || out != tt.wantOut {
					t.Fatalf("git %v = %q, %v; want %q", tt.args, out, err, tt.wantOut)
				}
				return
			}
			var ge *gitcmd.Error
			if !errors.As(err, &ge) {
				t.Fatalf("git %v: error %v, want a *gitcmd.Error", tt.args, err)
			}
			if ge.ExitCode != tt.wantCode || gitcmd.ExitCode(err) != tt.wantCode {
				t.Errorf("git %v: exit code %d, want %d", tt.args, ge.ExitCode, tt.wantCode)
			}
			if !strings.Contains(ge.Stderr, tt.wantStderr) || !strings.Contains(err.Error(), tt.wantStderr) {
				t.Errorf("git %v: stderr %q, message %q; want both to contain %q", tt.args, ge.Stderr, err, tt.wantStderr)
			}
			// The message names the command that failed.
			if want := "git " + strings.Join(tt.args, " "); !strings.Contains(err.Error(), want) {
				t.Errorf("error %q does not name the command %q", err, want)
			}
		})
	}
}

// Outside a repository git exits 128, which callers turn into "not a
// repository".
func TestRunOutsideRepository(t *testing.T) {
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git not installed")
	}
	_, err := gitcmd.Run(t.Context(), t.TempDir(), "rev-parse", "--show-toplevel")
	if code := gitcmd.ExitCode(err); code != 128 {
		t.Fatalf("exit code %d (%v), want 128", code, err)
	}
}

// Without a git program the error wraps exec.ErrNotFound and has no exit
// code.
func TestRunWithoutGit(t *testing.T) {
	t.Setenv("PATH", t.TempDir())
	_, err := gitcmd.Run(t.Context(), "", "version")
	if !errors.Is(err, exec.ErrNotFound) || gitcmd.ExitCode(err) != -1 {
		t.Fatalf("error %v (exit code %d), want exec.ErrNotFound and -1", err, gitcmd.ExitCode(err))
	}
}

// A done context stops git and says so.
func TestRunCancelled(t *testing.T) {
	dir := gitcmdtest.Repo(t)
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	if _, err := gitcmd.Run(ctx, dir, "status"); !errors.Is(err, context.Canceled) {
		t.Fatalf("error %v, want context.Canceled", err)
	}
}

func TestExitCodeOfOtherErrors(t *testing.T) {
	for name, err := range map[string]error{"nil": nil, "plain": errors.New("x")} {
		if got := gitcmd.ExitCode(err); got != -1 {
			t.Errorf("%s: ExitCode = %d, want -1", name, got)
		}
	}
}
