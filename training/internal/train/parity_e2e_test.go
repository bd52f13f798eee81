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

	"github.com/mlopsgo/mlops/training/internal/classifier/boost"
	"github.com/mlopsgo/mlops/training/internal/classifier/svm"
	"github.com/mlopsgo/mlops/training/internal/dataset"
	"github.com/mlopsgo/mlops/training/internal/metrics"
	"github.com/mlopsgo/mlops/training/internal/params"
	"github.com/mlopsgo/mlops/training/internal/progress"
	"github.com/mlopsgo/mlops/training/internal/pythontest"
)

// parityMargin is how far below the reference library's mean CV accuracy
// ours may be: one point.
const parityMargin = 0.01

// parityCase is one data set of the parity table.
type parityCase struct {
	name           string
	path, label    string
	features       []string // nil: every column but the label
	folds, repeats int
}

// TestE2EParity compares mean CV accuracy with scikit-learn (and XGBoost)
// on the same folds, the fold indices going from this side to the script,
// with the hyper-parameters of params.yaml. Iris uses params.yaml's 10 x 5
// folds; the larger data sets one repeat of 10 folds.
func TestE2EParity(t *testing.T) {
	python := pythontest.Require(t, "compare with scikit-learn and XGBoost", "sklearn", "xgboost")
	root := repoRoot(t)
	p, err := params.Load(filepath.Join(root, "params.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	if out, err := exec.CommandContext(t.Context(), python, "testdata/export_datasets.py", dir).CombinedOutput(); err != nil {
		t.Fatalf("export_datasets.py: %v\n%s", err, out)
	}
	cases := []parityCase{
		{name: "iris", path: filepath.Join(root, p.Data.Path), label: p.Data.Label, features: p.Data.FeatureNames(), folds: p.CV.Folds, repeats: p.CV.Repeats},
		{name: "wine", path: filepath.Join(dir, "wine.csv"), label: "target", folds: 10, repeats: 1},
		{name: "breast_cancer", path: filepath.Join(dir, "breast_cancer.csv"), label: "target", folds: 10, repeats: 1},
		{name: "digits", path: filepath.Join(dir, "digits.csv"), label: "target", folds: 10, repeats: 1},
	}
	names := p.Models.Enabled()
	algs, err := algorithms(p, names)
	if err != nil {
		t.Fatal(err)
	}
	var table strings.Builder
	fmt.Fprintf(&table, "%-14s %-22s %8s %10s %10s %8s %12s\n", "data set", "model", "rows", "mlops", "reference", "diff", "folds equal")
	var versions map[string]string
	for _, c := range cases {
		d := loadParityData(t, c)
		folds, err := dataset.RepeatedStratifiedKFold(d.Y, len(d.Classes), c.folds, c.repeats, p.Seed)
		if err != nil {
			t.Fatal(err)
		}
		ours := make([][]float64, len(algs))
		for i, alg := range algs {
			res, err := crossValidate(t.Context(), d, nil, alg, folds, p.Seed, 0, progress.New(io.Discard, "", 0))
			if err != nil {
				t.Fatalf("%s: %v", c.name, err)
			}
			for _, r := range res {
				ours[i] = append(ours[i], r.accuracy)
			}
		}
		theirs := runReference(t, python, d, folds, algs, p.Seed)
		versions = theirs.Versions
		for i, name := range names {
			ref := theirs.Accuracy[name]
			if len(ref) != len(folds) {
				t.Fatalf("%s %s: the reference returned %d folds, want %d", c.name, name, len(ref), len(folds))
			}
			o, r := metrics.Summarize(ours[i]), metrics.Summarize(ref)
			same := 0
			for f := range folds {
				if ours[i][f] == ref[f] {
					same++
				}
			}
			fmt.Fprintf(&table, "%-14s %-22s %8d %10.4f %10.4f %+8.4f %8d/%d\n", c.name, name, len(d.Y), o.Mean, r.Mean, o.Mean-r.Mean, same, len(folds))
			if o.Mean < r.Mean-parityMargin {
				t.Errorf("%s %s: mean CV accuracy %.4f is more than %.2f below the reference's %.4f", c.name, name, o.Mean, parityMargin, r.Mean)
			}
		}
	}
	fmt.Fprintf(&table, "reference: %v\n", versions)
	t.Log("\n" + table.String())
}

func loadParityData(t *testing.T, c parityCase) *dataset.Dataset {
	t.Helper()
	features := c.features
	if features == nil {
		f, err := os.Open(c.path)
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		r, err := dataset.NewReader(c.path, f, []string{c.label})
		if err != nil {
			t.Fatal(err)
		}
		for _, h := range r.Header() {
			if h != c.label {
				features = append(features, h)
			}
		}
	}
	d, err := dataset.Load(t.Context(), dataset.Spec{Path: c.path, Label: c.label, Features: features})
	if err != nil {
		t.Fatal(err)
	}
	return d
}

type referenceResult struct {
	Versions map[string]string    `json:"versions"`
	Accuracy map[string][]float64 `json:"accuracy"`
}

// runReference sends the rows, the folds and the hyper-parameters to
// parity.py and returns the reference libraries' per-fold accuracies.
func runReference(t *testing.T, python string, d *dataset.Dataset, folds []dataset.Fold, algs []algorithm, seed uint64) referenceResult {
	t.Helper()
	models := map[string]any{}
	for _, a := range algs {
		models[a.name] = a.hyperparameters
	}
	jobFolds := make([]map[string][]int, len(folds))
	for i, f := range folds {
		jobFolds[i] = map[string][]int{"train": f.Train, "test": f.Test}
	}
	var res referenceResult
	runScript(t, python, "testdata/parity.py", map[string]any{
		"X": d.X, "y": d.Y, "seed": seed, "folds": jobFolds, "models": models, "auto_hist_rows": boost.AutoHistRows,
		"liblinear_min_rows": svm.LiblinearMinRows,
	}, &res)
	return res
}

// runScript writes job as JSON to a temporary file, runs the Python script
// on it, and decodes the JSON the script prints into out.
func runScript(t *testing.T, python, script string, job, out any) {
	t.Helper()
	data, err := json.Marshal(job)
	if err != nil {
		t.Fatal(err)
	}
	jobPath := filepath.Join(t.TempDir(), "job.json")
	if err := os.WriteFile(jobPath, data, 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.CommandContext(t.Context(), python, script, jobPath)
	cmd.Stderr = os.Stderr
	stdout, err := cmd.Output()
	if err != nil {
		t.Fatalf("%s: %v", script, err)
	}
	if err := json.Unmarshal(stdout, out); err != nil {
		t.Fatalf("%s output: %v\n%s", script, err, stdout)
	}
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
