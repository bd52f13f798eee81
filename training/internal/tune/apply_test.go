package tune

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mlopsgo/mlops/training/internal/algorithm"
	"github.com/mlopsgo/mlops/training/internal/params"
	"github.com/mlopsgo/mlops/training/internal/tune/space"
)

// TestApplyRoundTrip applies points to a copy of the repository's
// params.yaml: the file must keep every comment line and every line it
// did not change, read back with the new values, and a second apply of the
// same points must change nothing.
func TestApplyRoundTrip(t *testing.T) {
	orig, err := os.ReadFile("../../../params.yaml")
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "params.yaml")
	if err := os.WriteFile(path, orig, 0o600); err != nil {
		t.Fatal(err)
	}
	chosen := map[string]space.Point{
		algorithm.SVM:          {{Key: "kernel", Value: "rbf"}, {Key: "C", Value: 12.5}, {Key: "gamma", Value: 0.05}},
		algorithm.RandomForest: {{Key: "max_features", Value: 1.0}, {Key: "max_depth", Value: nil}, {Key: "n_estimators", Value: 150}},
	}
	if err := Apply(path, chosen); err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range strings.Split(string(orig), "\n") {
		if strings.Contains(line, "#") && !strings.Contains(string(got), strings.TrimSpace(line)) {
			t.Errorf("the comment %q was lost", line)
		}
	}
	if got, want := strings.Count(string(got), "\n"), strings.Count(string(orig), "\n"); got != want {
		t.Errorf("%d lines, want the original's %d (only values change)", got, want)
	}
	changed := map[string]bool{"    kernel: linear": true, "    C: 1.0": true, "    gamma: scale": true, "    n_estimators: 100": true, "    max_features: sqrt": true}
	gotLines := strings.Split(string(got), "\n")
	for _, line := range strings.Split(string(orig), "\n") {
		if !changed[line] && !containsLine(gotLines, line) {
			t.Errorf("the line %q is gone or changed", line)
		}
	}
	p, err := params.Load(path)
	if err != nil {
		t.Fatalf("%v\n%s", err, got)
	}
	sv, _ := p.Models.Spec(algorithm.SVM)
	if h := sv.Hyperparameters; h["kernel"] != "rbf" || h["C"] != 12.5 || h["gamma"] != 0.05 || h["tol"] != 0.001 {
		t.Errorf("svm read back as %v", h)
	}
	rf, _ := p.Models.Spec(algorithm.RandomForest)
	if h := rf.Hyperparameters; h["max_features"] != nil || h["n_estimators"] != 150 || h["max_depth"] != nil {
		t.Errorf("random_forest read back as %v", h)
	}
	if fi, err := os.Stat(path); err != nil || fi.Mode().Perm() != 0o600 {
		t.Errorf("mode %v, %v; want the original 0600", fi.Mode(), err)
	}
	if err := Apply(path, chosen); err != nil {
		t.Fatal(err)
	}
	if again, _ := os.ReadFile(path); string(again) != string(got) {
		t.Errorf("a second apply changed the file:\n%s", again)
	}
}

func containsLine(lines []string, line string) bool {
	for _, l := range lines {
		if l == line {
			return true
		}
	}
	return false
}

// TestApplyRejects checks that a failed apply leaves the file as it was.
func TestApplyRejects(t *testing.T) {
	path := filepath.Join(t.TempDir(), "params.yaml")
	text := "data: {name: iris, path: x.csv, label: y, features: [{name: a, min: 0, max: 1}]}\nmodels:\n  svm: # linear\n"
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	tests := map[string]struct {
		chosen map[string]space.Point
		want   string
	}{
		"not listed": {map[string]space.Point{algorithm.XGBoost: {{Key: "max_depth", Value: 3}}}, "models: does not list xgboost"},
		"invalid":    {map[string]space.Point{algorithm.SVM: {{Key: "C", Value: -1.0}}}, "the result would not be valid, nothing written: "},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			err := Apply(path, tt.chosen)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %v, want one containing %q", err, tt.want)
			}
			if got, _ := os.ReadFile(path); string(got) != text {
				t.Errorf("the file changed:\n%s", got)
			}
			if entries, _ := os.ReadDir(filepath.Dir(path)); len(entries) != 1 {
				t.Errorf("left %d files behind", len(entries)-1)
			}
		})
	}
	// An empty section becomes a mapping, its comment kept.
	if err := Apply(path, map[string]space.Point{algorithm.SVM: {{Key: "C", Value: 2.0}}}); err != nil {
		t.Fatal(err)
	}
	if got, _ := os.ReadFile(path); !strings.Contains(string(got), "C: 2.0") || !strings.Contains(string(got), "# linear") {
		t.Errorf("applied to an empty section:\n%s", got)
	}
}
