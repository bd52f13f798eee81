package train

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mlopsgo/mlops/training/internal/dataset"
	"github.com/mlopsgo/mlops/training/internal/metrics"
	"github.com/mlopsgo/mlops/training/internal/params"
	"github.com/mlopsgo/mlops/training/internal/progress"
)

// parityMargin is how far below scikit-learn's mean CV accuracy ours may be:
// one point, as the foundation issue asks.
const parityMargin = 0.01

// requireE2E skips unless the e2e tier asked for this test (make e2e sets
// MLOPS_E2E=1 and MLOPS_PYTHON to Debian's interpreter with python3-sklearn).
func requireE2E(t *testing.T) string {
	t.Helper()
	if os.Getenv("MLOPS_E2E") != "1" {
		t.Skip("e2e: set MLOPS_E2E=1 (make e2e) to run against scikit-learn")
	}
	python := os.Getenv("MLOPS_PYTHON")
	if python == "" {
		python = "/usr/bin/python3"
	}
	if out, err := exec.Command(python, "-c", "import sklearn").CombinedOutput(); err != nil {
		t.Fatalf("%s cannot import sklearn (run make e2e-deps): %v\n%s", python, err, out)
	}
	return python
}

// TestE2EParityIris compares mean CV accuracy with scikit-learn 1.2 on the
// same folds: the fold indices go from this side to the script.
func TestE2EParityIris(t *testing.T) {
	python := requireE2E(t)
	root := repoRoot(t)
	p, err := params.Load(filepath.Join(root, "params.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	d, err := dataset.Load(t.Context(), dataset.Spec{Path: filepath.Join(root, p.Data.Path), Label: p.Data.Label, Features: p.Data.FeatureNames()})
	if err != nil {
		t.Fatal(err)
	}
	folds, err := dataset.RepeatedStratifiedKFold(d.Y, len(d.Classes), p.CV.Folds, p.CV.Repeats, p.Seed)
	if err != nil {
		t.Fatal(err)
	}
	names := p.Models.Enabled()
	algs, err := algorithms(p, names)
	if err != nil {
		t.Fatal(err)
	}
	ours, err := crossValidate(t.Context(), d, algs, folds, p.Seed, 0, progress.New(io.Discard, "", 0))
	if err != nil {
		t.Fatal(err)
	}

	job := map[string]any{"X": d.X, "y": d.Y, "seed": p.Seed, "models": map[string]any{}}
	var jobFolds []map[string][]int
	for _, f := range folds {
		jobFolds = append(jobFolds, map[string][]int{"train": f.Train, "test": f.Test})
	}
	job["folds"] = jobFolds
	for _, a := range algs {
		job["models"].(map[string]any)[a.name] = a.hyperparameters
	}
	jobPath := filepath.Join(t.TempDir(), "job.json")
	data, _ := json.Marshal(job)
	if err := os.WriteFile(jobPath, data, 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.CommandContext(t.Context(), python, "testdata/parity.py", jobPath)
	cmd.Stderr = os.Stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("parity.py: %v", err)
	}
	var theirs struct {
		Versions map[string]string    `json:"versions"`
		Accuracy map[string][]float64 `json:"accuracy"`
	}
	if err := json.Unmarshal(out, &theirs); err != nil {
		t.Fatalf("parity.py output: %v\n%s", err, out)
	}

	var table strings.Builder
	fmt.Fprintf(&table, "Iris (%d rows), stratified %d-fold x %d, scikit-learn %s\n", len(d.Y), p.CV.Folds, p.CV.Repeats, theirs.Versions["sklearn"])
	fmt.Fprintf(&table, "%-22s %10s %10s %8s %14s\n", "model", "mlops", "sklearn", "diff", "folds equal")
	for i, name := range names {
		sk := theirs.Accuracy[name]
		if len(sk) != len(folds) {
			t.Fatalf("%s: scikit-learn returned %d folds, want %d", name, len(sk), len(folds))
		}
		o, s := metrics.Summarize(ours[i]), metrics.Summarize(sk)
		same := 0
		for f := range folds {
			if ours[i][f] == sk[f] {
				same++
			}
		}
		fmt.Fprintf(&table, "%-22s %10.4f %10.4f %+8.4f %9d/%d\n", name, o.Mean, s.Mean, o.Mean-s.Mean, same, len(folds))
		if o.Mean < s.Mean-parityMargin {
			t.Errorf("%s: mean CV accuracy %.4f is more than %.2f below scikit-learn's %.4f", name, o.Mean, parityMargin, s.Mean)
		}
	}
	t.Log("\n" + table.String())
}

func repoRoot(t *testing.T) string {
	t.Helper()
	dir, err := filepath.Abs("../../..")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(dir, "go.work")); err != nil {
		t.Fatalf("repository root not found at %s: %v", dir, err)
	}
	return dir
}
