package e2e

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"testing"

	"github.com/mlopsgo/mlops/testsupport/modelapi"
	"github.com/mlopsgo/mlops/testsupport/procrun"
)

// TestE2EOpenAPILint lints the document a running model-api serves with
// @redocly/cli's recommended rules; errors and warnings both fail.
func TestE2EOpenAPILint(t *testing.T) {
	requireE2E(t)
	redocly := procrun.Program(t, "REDOCLY", "make e2e-app installs @redocly/cli into bin/")
	api := modelapi.Start(t, modelapi.Options{})
	code, doc := api.Get(t.Context(), "/openapi.json")
	if code != 200 {
		t.Fatalf("/openapi.json: %d", code)
	}
	dir := t.TempDir()
	path := filepath.Join(dir, "openapi.json")
	if err := os.WriteFile(path, doc, 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(redocly, "lint", "--format=stylish", path)
	cmd.Dir = dir
	// No telemetry or update checks: the machine's network is closed anyway.
	cmd.Env = append(os.Environ(), "REDOCLY_TELEMETRY=off", "REDOCLY_SUPPRESS_UPDATE_NOTICE=true", "CI=true")
	out, err := cmd.CombinedOutput()
	t.Logf("redocly lint:\n%s", out)
	if err != nil {
		t.Fatalf("redocly lint failed: %v", err)
	}
	if m := regexp.MustCompile(`You have \d+ warnings?`).Find(out); m != nil {
		t.Errorf("redocly lint: %s", m)
	}
}
