// Package dvctest builds the work trees the dvc packages' and the data
// commands' tests run in: files written and read by root-relative slash
// paths, and git run in a given directory (never the process's own, so
// the tests can run in parallel).
package dvctest

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// Git runs git in dir with a fixed author and returns its combined
// output; it fails the test if git fails.
func Git(t testing.TB, dir string, args ...string) string {
	t.Helper()
	cmd := exec.Command("git", append([]string{"-c", "user.name=t", "-c", "user.email=t@example.com"}, args...)...)
	cmd.Dir = dir
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("git %v: %v\n%s", args, err, out)
	}
	return string(out)
}

// GitDir returns a new temporary directory with an empty git work tree
// in it; it skips the test when git is not installed.
func GitDir(t testing.TB) string {
	t.Helper()
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git not installed")
	}
	dir := t.TempDir()
	Git(t, dir, "init", "-q")
	return dir
}

// Write writes content to the file at the slash path rel below dir,
// creating its directories.
func Write(t testing.TB, dir, rel, content string) {
	t.Helper()
	p := filepath.Join(dir, filepath.FromSlash(rel))
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

// Read returns the content of the file at the slash path rel below dir.
func Read(t testing.TB, dir, rel string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(rel)))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
