// Package gitcmdtest builds throwaway git repositories for tests.
package gitcmdtest

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/mlopsgo/mlops/training/internal/gitcmd"
)

// identity makes commits work without a configured user, and without
// signing whatever the machine's global configuration asks for.
var identity = []string{"-c", "user.name=test", "-c", "user.email=test@example.com", "-c", "commit.gpgsign=false"}

// Repo returns a new repository in a temporary directory, on branch main
// with no commit. The test is skipped when git is not installed.
func Repo(t testing.TB) string {
	t.Helper()
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git not installed")
	}
	dir := t.TempDir()
	Git(t, dir, "init", "-q", "-b", "main")
	return dir
}

// Git runs git args in dir with a test identity and returns its output;
// a failure fails the test.
func Git(t testing.TB, dir string, args ...string) string {
	t.Helper()
	out, err := gitcmd.Output(t.Context(), dir, append(append([]string{}, identity...), args...)...)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// Commit writes files (slash-separated paths relative to dir, and their
// content), stages them and commits them with message msg.
func Commit(t testing.TB, dir string, files map[string]string, msg string) {
	t.Helper()
	for rel, content := range files {
		p := filepath.Join(dir, filepath.FromSlash(rel))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
		Git(t, dir, "add", "--", rel)
	}
	Git(t, dir, "commit", "-q", "-m", msg)
}
