package cli

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mlopsgo/mlops/training/internal/tracking"
)

// TestTrainEveryModelFails trains on values near the float64 limit, where
// logistic regression's objective overflows and every bundle's drift
// statistics do: both models fail, so the exit status is 1 with or without
// --strict, the table says why each failed, nothing is written to the
// models directory, and the run record keeps each model's reason.
func TestTrainEveryModelFails(t *testing.T) {
	dir := t.TempDir()
	rows := []string{"a,b,label"}
	for i := range 12 {
		f := float64(i)
		rows = append(rows, fmt.Sprintf("%g,%g,x", 1e308*(0.5+f/24), 1e308*(0.9-f/30)), fmt.Sprintf("%g,%g,y", -1e308*(0.5+f/24), -1e308*(0.9-f/30)))
	}
	data := filepath.Join(dir, "huge.csv")
	if err := os.WriteFile(data, []byte(strings.Join(rows, "\n")+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	params := fmt.Sprintf(`data:
  name: huge
  path: %s
  label: label
  features:
    - {name: a, min: -1.7e308, max: 1.7e308}
    - {name: b, min: -1.7e308, max: 1.7e308}
cv: {folds: 3, repeats: 1}
models:
  logistic_regression: {}
  decision_tree: {}
`, data)
	if err := os.WriteFile(filepath.Join(dir, "params.yaml"), []byte(params), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, strict := range []bool{false, true} {
		t.Run(fmt.Sprintf("strict=%t", strict), func(t *testing.T) {
			out := t.TempDir()
			args := []string{"train", "--params", filepath.Join(dir, "params.yaml"), "--models-dir", filepath.Join(out, "models"),
				"--metrics", filepath.Join(out, "metrics.json"), "--runs-dir", filepath.Join(out, "runs")}
			if strict {
				args = append(args, "--strict")
			}
			code, stdout, stderr := run(t, "", args...)
			if code != 1 {
				t.Fatalf("exit %d, want 1\nstderr:\n%s", code, stderr)
			}
			if !strings.Contains(stderr, "every model failed") {
				t.Errorf("stderr does not say every model failed:\n%s", stderr)
			}
			for _, want := range []string{"logistic_regression", "failed: cross-validate logistic_regression", "decision_tree", "failed: bundle decision_tree"} {
				if !strings.Contains(stdout, want) {
					t.Errorf("table lacks %q:\n%s", want, stdout)
				}
			}
			if _, err := os.Stat(filepath.Join(out, "models")); !os.IsNotExist(err) {
				t.Errorf("the models directory was created (stat: %v)", err)
			}
			ids, err := os.ReadDir(filepath.Join(out, "runs"))
			if err != nil || len(ids) != 1 {
				t.Fatalf("runs: %v, %d entries, want one run", err, len(ids))
			}
			raw, err := os.ReadFile(filepath.Join(out, "runs", ids[0].Name(), tracking.RunFile))
			if err != nil {
				t.Fatal(err)
			}
			var rec tracking.Run
			if err := json.Unmarshal(raw, &rec); err != nil {
				t.Fatal(err)
			}
			if rec.Status != tracking.StatusFailed || len(rec.Models) != 2 {
				t.Fatalf("run record: status %q with %d models, want failed with 2", rec.Status, len(rec.Models))
			}
			for _, m := range rec.Models {
				if m.Status != tracking.ModelFailed || !strings.Contains(m.Error, m.Name) {
					t.Errorf("run record, %s: status %q error %q, want failed with a reason naming the model", m.Name, m.Status, m.Error)
				}
			}
		})
	}
}
