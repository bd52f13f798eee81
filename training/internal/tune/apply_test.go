package tune

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/mlopsgo/mlops/training/internal/algorithm"
	"github.com/mlopsgo/mlops/training/internal/params"
	"github.com/mlopsgo/mlops/training/internal/scaffold/generate"
	"github.com/mlopsgo/mlops/training/internal/scaffold/profile"
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

// TestApplyKeepsLayout applies points to the params.yaml mlops init writes
// for Iris (comments two spaces after values, flow-style feature lists):
// every line must stay byte for byte but the changed values, whose lines
// keep their indent, key and comment.
func TestApplyKeepsLayout(t *testing.T) {
	f, err := os.Open("../../../data/iris.csv")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	prof, err := profile.Read(t.Context(), "data/iris.csv", f, "")
	if err != nil {
		t.Fatal(err)
	}
	res, err := generate.Generate(prof, generate.Options{Path: "data/iris.csv"})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(res.YAML), "  # ") {
		t.Fatalf("the generated file has no comment two spaces after a value, which this test is about:\n%s", res.YAML)
	}
	path := filepath.Join(t.TempDir(), "params.yaml")
	if err := os.WriteFile(path, res.YAML, 0o644); err != nil {
		t.Fatal(err)
	}
	chosen := map[string]space.Point{
		algorithm.SVM:          {{Key: "C", Value: 12.5}},
		algorithm.RandomForest: {{Key: "max_features", Value: 0.5}, {Key: "max_depth", Value: 7}},
		algorithm.XGBoost:      {{Key: "learning_rate", Value: 0.0203}, {Key: "max_depth", Value: 3}},
	}
	if err := Apply(path, chosen); err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	orig, after := strings.Split(string(res.YAML), "\n"), strings.Split(string(got), "\n")
	if len(after) != len(orig) {
		t.Fatalf("%d lines, want the original's %d:\n%s", len(after), len(orig), got)
	}
	entry := regexp.MustCompile(`^(\s*)(\w+): (\S+)(.*)$`)
	changed := 0
	for i := range orig {
		if orig[i] == after[i] {
			continue
		}
		changed++
		o, a := entry.FindStringSubmatch(orig[i]), entry.FindStringSubmatch(after[i])
		if o == nil || a == nil || o[1] != a[1] || o[2] != a[2] || o[4] != a[4] {
			t.Errorf("line %d changed beyond its value:\n was %q\n now %q", i+1, orig[i], after[i])
		}
	}
	if changed != 5 {
		t.Errorf("%d lines changed, want the 5 values set:\n%s", changed, got)
	}
	p, err := params.Load(path)
	if err != nil {
		t.Fatal(err)
	}
	sv, _ := p.Models.Spec(algorithm.SVM)
	if h := sv.Hyperparameters; h["C"] != 12.5 {
		t.Errorf("svm read back as %v", h)
	}
	rf, _ := p.Models.Spec(algorithm.RandomForest)
	if h := rf.Hyperparameters; h["max_features"] != 0.5 || h["max_depth"] != 7 {
		t.Errorf("random_forest read back as %v", h)
	}
	xg, _ := p.Models.Spec(algorithm.XGBoost)
	if h := xg.Hyperparameters; h["learning_rate"] != 0.0203 || h["max_depth"] != 3 {
		t.Errorf("xgboost read back as %v", h)
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
