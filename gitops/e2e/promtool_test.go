package e2e

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mlopsgo/mlops/gitops/internal/render"
	"github.com/mlopsgo/mlops/testsupport/procrun"
)

// TestE2EPromtool renders the alert rules as deployed to prod, checks them
// with `promtool check rules` (syntax, templates), then runs the unit tests
// in testdata/alerts_test.yaml: synthetic series under which each alert
// fires, or stays silent, as it should.
func TestE2EPromtool(t *testing.T) {
	requireE2E(t)
	promtool := procrun.Program(t, "PROMTOOL", "install the Debian package prometheus (make e2e-deps)")
	m := renderChart(t, render.Options{Release: "model-api", Namespace: "model-api-prod", ValueFiles: []string{filepath.Join(chartDir, "values-prod.yaml")}})
	rules, err := m.RuleFile()
	if err != nil {
		t.Fatal(err)
	}
	tests, err := os.ReadFile("testdata/alerts_test.yaml")
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	for name, b := range map[string][]byte{"rules.yaml": rules, "alerts_test.yaml": tests} {
		if err := os.WriteFile(filepath.Join(dir, name), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	out := run(t, dir, promtool, "check", "rules", "rules.yaml")
	if !strings.Contains(out, "SUCCESS: 37 rules found") {
		t.Errorf("promtool check rules:\n%s", out)
	}
	t.Log(strings.TrimSpace(out))
	out = run(t, dir, promtool, "test", "rules", "alerts_test.yaml")
	t.Log(strings.TrimSpace(out))
	if n := strings.Count(string(tests), "\n  - name: "); n < 10 {
		t.Errorf("alerts_test.yaml has %d tests, want a firing and a silent case per alert", n)
	}
}
