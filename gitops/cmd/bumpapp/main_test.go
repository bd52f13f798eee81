package main

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestRun drives the command as the workflow does, on a copy of dev's
// Application in a real git repository with history a <- b: the exit code
// and the changed= line are what release.yml reads.
func TestRun(t *testing.T) {
	dir := t.TempDir()
	git := func(args ...string) string {
		t.Helper()
		cmd := exec.CommandContext(t.Context(), "git", args...)
		cmd.Dir = dir
		cmd.Env = append(os.Environ(), "GIT_CONFIG_GLOBAL=/dev/null", "GIT_CONFIG_NOSYSTEM=1",
			"GIT_AUTHOR_NAME=t", "GIT_AUTHOR_EMAIL=t@example.com", "GIT_COMMITTER_NAME=t", "GIT_COMMITTER_EMAIL=t@example.com")
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("git %v: %v\n%s", args, err, out)
		}
		return strings.TrimSpace(string(out))
	}
	git("init", "-q", "-b", "main")
	git("commit", "-q", "--allow-empty", "-m", "a")
	a := git("rev-parse", "HEAD")
	git("commit", "-q", "--allow-empty", "-m", "b")
	b := git("rev-parse", "HEAD")

	doc, err := os.ReadFile("../../apps/dev/model-api.yaml")
	if err != nil {
		t.Fatal(err)
	}
	app := filepath.Join(dir, "model-api.yaml")
	var out []byte
	for line := range strings.Lines(string(doc)) {
		if strings.Contains(line, "targetRevision:") {
			line = `    targetRevision: "` + a + "\"\n"
		}
		out = append(out, line...)
	}
	if err := os.WriteFile(app, out, 0o644); err != nil {
		t.Fatal(err)
	}
	args := func(rev string) []string {
		return []string{"-app", app, "-git-dir", dir, "-revision", rev,
			"-repository", "123456789012.dkr.ecr.us-east-1.amazonaws.com/mlops-dev/model-api", "-tag", rev,
			"-digest", "sha256:" + strings.Repeat("e", 64)}
	}
	cases := []struct {
		name   string
		args   []string
		code   int
		stdout string
		stderr string
	}{
		{"release b", args(b), exitOK, "changed=true\n", ""},
		{"re-run b", args(b), exitOK, "changed=false\n", ""},
		{"old run a", args(a), exitStale, "", "does not descend"},
		{"no app", []string{"-revision", b}, exitUsage, "", "-app is required"},
		{"unknown flag", []string{"-ap", app}, exitUsage, "", "flag provided but not defined"},
		{"bad digest", append(args(b)[:len(args(b))-1], "sha256:1"), exitError, "", "digest"},
	}
	for _, c := range cases {
		var stdout, stderr bytes.Buffer
		code := run(t.Context(), c.args, &stdout, &stderr)
		if code != c.code || stdout.String() != c.stdout || !strings.Contains(stderr.String(), c.stderr) {
			t.Errorf("%s: exit %d, stdout %q, stderr %q; want exit %d, stdout %q, stderr containing %q",
				c.name, code, stdout.String(), stderr.String(), c.code, c.stdout, c.stderr)
		}
	}
}
