package gitops

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// placeholderAccount matches the twelve-zero AWS account id used as a
// placeholder image registry or ARN. Written as a repetition, so this file
// does not match itself.
var placeholderAccount = regexp.MustCompile(`(^|[^0-9])` + strings.Repeat("0", 12) + `([^0-9]|$)`)

// TestNoPlaceholderAccount fails when a committed file under gitops/,
// infra/, .github/ or docs/ names the placeholder account: an image there
// would never pull (an environment runs nothing until its release writes
// the real image), and an ARN there would never match.
func TestNoPlaceholderAccount(t *testing.T) {
	cmd := exec.CommandContext(t.Context(), "git", "ls-files", "-z", "--", "gitops", "infra", ".github", "docs")
	cmd.Dir = repoRoot
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("git ls-files (the test reads the committed files): %v", err)
	}
	files := strings.Split(strings.TrimSuffix(string(out), "\x00"), "\x00")
	if len(files) < 50 {
		t.Fatalf("git ls-files listed %d files; want the repository's gitops, infra, .github and docs", len(files))
	}
	for _, f := range files {
		b, err := os.ReadFile(filepath.Join(repoRoot, f))
		if os.IsNotExist(err) {
			continue // deleted in the work tree, not yet committed
		}
		if err != nil {
			t.Fatal(err)
		}
		for i, line := range bytes.Split(b, []byte("\n")) {
			if placeholderAccount.Match(line) {
				t.Errorf("%s:%d names the placeholder account %s: %s", f, i+1, strings.Repeat("0", 12), bytes.TrimSpace(line))
			}
		}
	}
}
