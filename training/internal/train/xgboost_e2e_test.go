package train

import (
	"fmt"
	"math"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	algo "github.com/mlopsgo/mlops/training/internal/algorithm"
	"github.com/mlopsgo/mlops/training/internal/classifier/boost"
	"github.com/mlopsgo/mlops/training/internal/dataset"
	"github.com/mlopsgo/mlops/training/internal/params"
	"github.com/mlopsgo/mlops/training/internal/pythontest"
	"github.com/mlopsgo/mlops/training/internal/xgbjson"
	"github.com/mlopsgo/mlops/training/model"
)

// Agreement with XGBoost that issue 3 requires.
const (
	// xgboostFitTol bounds how far our probabilities may be from those of
	// XGBoost fitted on the same rows with the same hyper-parameters.
	xgboostFitTol = 1e-4
	// xgboostExportTol bounds how far XGBoost's probabilities from our
	// exported model may be from ours.
	xgboostExportTol = 1e-6
)

// TestE2EXGBoost fits the gradient-boosted trees with params.yaml's
// hyper-parameters on every row of Iris and of wine, and checks them against
// XGBoost 1.7 (testdata/xgboost_check.py): XGBClassifier with
// tree_method="exact" fitted on the same rows must predict the same class
// for every row with probabilities within xgboostFitTol, and the model
// exported in XGBoost's JSON format, loaded with Booster.load_model, must
// reproduce our probabilities within xgboostExportTol.
func TestE2EXGBoost(t *testing.T) {
	python := pythontest.Require(t, "compare with scikit-learn and XGBoost", "sklearn", "xgboost")
	if out, err := exec.Command(python, "-c", "import xgboost").CombinedOutput(); err != nil {
		t.Fatalf("%s cannot import xgboost (run make e2e-deps): %v\n%s", python, err, out)
	}
	root := repoRoot(t)
	p, err := params.Load(filepath.Join(root, "params.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	algs, err := algorithms(p, []string{algo.XGBoost})
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	if out, err := exec.CommandContext(t.Context(), python, "testdata/export_datasets.py", dir).CombinedOutput(); err != nil {
		t.Fatalf("export_datasets.py: %v\n%s", err, out)
	}
	cases := []parityCase{
		{name: "iris", path: filepath.Join(root, p.Data.Path), label: p.Data.Label, features: p.Data.FeatureNames()},
		{name: "wine", path: filepath.Join(dir, "wine.csv"), label: "target"},
	}
	var table strings.Builder
	fmt.Fprintf(&table, "%-8s %6s %6s %7s %14s %14s %16s\n", "data set", "rows", "trees", "nodes", "max |dp| fit", "same class", "max |dp| export")
	var version string
	for _, c := range cases {
		d := loadParityData(t, c)
		b := fitXGBoostBundle(t, p, algs[0], d)
		ours := make([][]float64, len(d.X))
		for i, x := range d.X {
			ours[i] = b.Predict(x)
		}
		modelPath := filepath.Join(dir, c.name+"_xgboost.json")
		if err := xgbjson.WriteFile(modelPath, b); err != nil {
			t.Fatal(err)
		}
		res := runXGBoostCheck(t, python, d, p, modelPath)
		version = res.Version
		fitDiff, sameClass := compareProbabilities(t, c.name+" fitted by XGBoost", ours, res.Fitted)
		exportDiff, _ := compareProbabilities(t, c.name+" exported", ours, res.Exported)
		m := b.Model.Boosted
		fmt.Fprintf(&table, "%-8s %6d %6d %7d %14.3g %10d/%-3d %16.3g\n",
			c.name, len(d.X), m.NumTrees(), m.NumNodes(), fitDiff, sameClass, len(d.X), exportDiff)
		if sameClass != len(d.X) {
			t.Errorf("%s: XGBoost predicts the same class as ours on %d of %d rows, want all", c.name, sameClass, len(d.X))
		}
		if fitDiff > xgboostFitTol {
			t.Errorf("%s: probabilities differ from XGBoost's fit by up to %g, want at most %g", c.name, fitDiff, xgboostFitTol)
		}
		if exportDiff > xgboostExportTol {
			t.Errorf("%s: XGBoost's probabilities from the exported model differ from ours by up to %g, want at most %g", c.name, exportDiff, xgboostExportTol)
		}
	}
	fmt.Fprintf(&table, "reference: xgboost %s\n", version)
	t.Log("\n" + table.String())
}

// fitXGBoostBundle fits alg on every row of d and seals the result in a
// bundle, as training does for the final fit.
func fitXGBoostBundle(t *testing.T, p *params.Params, alg algorithm, d *dataset.Dataset) *model.Bundle {
	t.Helper()
	tr, err := alg.newTrainer(p.Seed, 0)
	if err != nil {
		t.Fatal(err)
	}
	fit, err := tr.Fit(t.Context(), d.X, d.Y, len(d.Classes))
	if err != nil {
		t.Fatal(err)
	}
	all := make([]int, len(d.Y))
	for i := range all {
		all[i] = i
	}
	stats := trainingStats(d, all)
	features := make([]model.Feature, len(d.Features))
	for j, name := range d.Features {
		features[j] = model.Feature{Name: name, Valid: model.Range{Min: stats[j].Min, Max: stats[j].Max}, Stats: stats[j]}
	}
	b := &model.Bundle{
		Name:            alg.name,
		Algorithm:       alg.kind,
		Dataset:         model.Dataset{Name: "e2e", Label: "target", MD5: d.MD5, Rows: len(d.Y), TrainRows: len(d.Y)},
		Features:        features,
		Classes:         d.Classes,
		Hyperparameters: alg.hyperparameters,
		Metrics:         map[string]float64{},
		Model:           fit.Params,
	}
	if err := b.Seal(); err != nil {
		t.Fatal(err)
	}
	return b
}

type xgboostCheck struct {
	Version  string      `json:"version"`
	Fitted   [][]float64 `json:"fitted"`
	Exported [][]float64 `json:"exported"`
}

// runXGBoostCheck sends the rows, the hyper-parameters and the exported
// model to xgboost_check.py and returns XGBoost's probabilities.
func runXGBoostCheck(t *testing.T, python string, d *dataset.Dataset, p *params.Params, modelPath string) xgboostCheck {
	t.Helper()
	var res xgboostCheck
	runScript(t, python, "testdata/xgboost_check.py", map[string]any{
		"X": d.X, "y": d.Y, "seed": p.Seed, "features": d.Features, "model": modelPath, "auto_hist_rows": boost.AutoHistRows,
		"hyperparameters": xgboostSpec(t, p).Hyperparameters,
	}, &res)
	return res
}

// compareProbabilities returns the largest absolute difference between two
// tables of probabilities and the number of rows whose most probable class
// is the same in both.
func compareProbabilities(t *testing.T, what string, ours, theirs [][]float64) (maxDiff float64, sameClass int) {
	t.Helper()
	if len(theirs) != len(ours) {
		t.Fatalf("%s: %d rows of probabilities, want %d", what, len(theirs), len(ours))
	}
	for i := range ours {
		if len(theirs[i]) != len(ours[i]) {
			t.Fatalf("%s: row %d has %d probabilities, want %d", what, i, len(theirs[i]), len(ours[i]))
		}
		for k := range ours[i] {
			maxDiff = math.Max(maxDiff, math.Abs(ours[i][k]-theirs[i][k]))
		}
		if model.ArgMax(ours[i]) == model.ArgMax(theirs[i]) {
			sameClass++
		}
	}
	return maxDiff, sameClass
}

// xgboostSpec returns the configured xgboost model of p.
func xgboostSpec(t *testing.T, p *params.Params) algo.Spec {
	t.Helper()
	s, ok := p.Models.Spec(algo.XGBoost)
	if !ok {
		t.Fatal("params.yaml has no models.xgboost section")
	}
	return s
}
