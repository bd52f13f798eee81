package boost

import (
	"encoding/json"
	"math"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/mlopsgo/mlops/training/internal/classifier/classifiertest"
	"github.com/mlopsgo/mlops/training/internal/xgbjson"
	"github.com/mlopsgo/mlops/training/model"
)

// Agreement with XGBoost 1.7's hist method on data with missing values.
const (
	// histAccuracyTol bounds how far our held-out accuracy may be from
	// XGBoost's: one point. The trees are not identical (XGBoost's quantile
	// sketch is approximate, its root sums skip the first feature's missing
	// values), so the probabilities are compared on average only.
	histAccuracyTol = 0.01
	// histMeanProbTol bounds the mean absolute difference between our
	// held-out probabilities and XGBoost's.
	histMeanProbTol = 0.02
	// histExportTol bounds how far XGBoost's probabilities from our exported
	// model may be from ours: float32 rounding only, so every row, missing
	// values included, must take the same branches.
	histExportTol = 1e-6
)

// requirePython skips unless the e2e tier asked for this test (make e2e sets
// MLOPS_E2E=1 and MLOPS_PYTHON) and skips with the reason when the
// interpreter lacks scikit-learn or XGBoost.
func requirePython(t *testing.T) string {
	t.Helper()
	if os.Getenv("MLOPS_E2E") != "1" {
		t.Skip("e2e: set MLOPS_E2E=1 (make e2e) to run against XGBoost")
	}
	python := os.Getenv("MLOPS_PYTHON")
	if python == "" {
		python = "/usr/bin/python3"
	}
	if out, err := exec.Command(python, "-c", "import sklearn, xgboost").CombinedOutput(); err != nil {
		t.Skipf("e2e: %s cannot import sklearn and xgboost (make e2e-deps installs them): %v\n%s", python, err, out)
	}
	return python
}

// nullable returns X with NaN as nil, which JSON carries as null.
func nullable(X [][]float64) [][]any {
	out := make([][]any, len(X))
	for i, row := range X {
		out[i] = make([]any, len(row))
		for j, v := range row {
			if !math.IsNaN(v) {
				out[i][j] = v
			}
		}
	}
	return out
}

// exportBundle seals params in a bundle over d's features and writes it in
// XGBoost's JSON format to path.
func exportBundle(t *testing.T, params model.Params, d classifiertest.Dataset, path string) {
	t.Helper()
	b := &model.Bundle{
		Name: "xgboost", Algorithm: "gradient_boosted_trees",
		Dataset:         model.Dataset{Name: "blobs", Label: "class", MD5: "0123456789abcdef0123456789abcdef", Rows: len(d.X), TrainRows: len(d.X)},
		Classes:         d.Classes,
		Hyperparameters: map[string]any{},
		Metrics:         map[string]float64{},
		Model:           params,
	}
	for j, name := range d.Features {
		var vals []float64
		for _, row := range d.X {
			if !math.IsNaN(row[j]) {
				vals = append(vals, row[j])
			}
		}
		b.Features = append(b.Features, model.Feature{Name: name, Valid: model.Range{Min: -100, Max: 100}, Stats: model.NewStats(vals, 10)})
	}
	if err := b.Seal(); err != nil {
		t.Fatal(err)
	}
	if err := xgbjson.WriteFile(path, b); err != nil {
		t.Fatal(err)
	}
}

// TestE2EHistMissing fits the hist method on Gaussian blobs with 10% of the
// values missing (and feature 0 missing on most of class 0, so directions
// matter), and checks it against XGBoost 1.7 (testdata/hist_check.py):
// XGBClassifier(tree_method="hist") with the same hyper-parameters must
// reach the same held-out accuracy within histAccuracyTol, with
// probabilities within histMeanProbTol on average; and our model exported
// with its default directions, loaded by XGBoost, must predict our
// probabilities within histExportTol on every held-out row.
func TestE2EHistMissing(t *testing.T) {
	python := requirePython(t)
	train := withMissing(classifiertest.Blobs(rand.NewPCG(11, 1), 3000, 4, 3), 0.1, 1)
	test := withMissing(classifiertest.Blobs(rand.NewPCG(12, 1), 2000, 4, 3), 0.1, 2)
	cfg := DefaultConfig()
	cfg.NEstimators, cfg.MaxDepth, cfg.TreeMethod, cfg.AllowMissing = 50, 4, TreeHist, true
	res := mustFit(t, cfg, train.X, train.Y, 3)
	if res.Params.Boosted.DefaultLeft == nil {
		t.Fatal("no split sends missing values right; the export would not exercise default_left")
	}
	pred, err := res.Params.Compile(4, 3)
	if err != nil {
		t.Fatal(err)
	}
	ours := make([][]float64, len(test.X))
	for i, x := range test.X {
		ours[i] = make([]float64, 3)
		pred.PredictInto(ours[i], x)
	}
	dir := t.TempDir()
	modelPath := filepath.Join(dir, "hist_xgboost.json")
	exportBundle(t, res.Params, train, modelPath)
	job, err := json.Marshal(map[string]any{
		"X": nullable(train.X), "y": train.Y, "X_test": nullable(test.X), "model": modelPath, "features": train.Features,
		"hyperparameters": map[string]any{
			"n_estimators": cfg.NEstimators, "learning_rate": cfg.LearningRate, "max_depth": cfg.MaxDepth,
			"max_bin": cfg.maxBin(), "min_child_weight": cfg.MinChildWeight, "gamma": cfg.Gamma,
			"reg_lambda": cfg.Lambda, "reg_alpha": cfg.Alpha, "base_score": cfg.BaseScore,
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	jobPath := filepath.Join(dir, "job.json")
	if err := os.WriteFile(jobPath, job, 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.CommandContext(t.Context(), python, "testdata/hist_check.py", jobPath)
	cmd.Stderr = os.Stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("hist_check.py: %v", err)
	}
	var ref struct {
		Version  string      `json:"version"`
		Fitted   [][]float64 `json:"fitted"`
		Exported [][]float64 `json:"exported"`
	}
	if err := json.Unmarshal(out, &ref); err != nil {
		t.Fatalf("hist_check.py output: %v\n%s", err, out)
	}
	if len(ref.Fitted) != len(ours) || len(ref.Exported) != len(ours) {
		t.Fatalf("XGBoost returned %d and %d rows of probabilities, want %d", len(ref.Fitted), len(ref.Exported), len(ours))
	}
	acc := func(p [][]float64) float64 {
		right := 0
		for i, row := range p {
			if model.ArgMax(row) == test.Y[i] {
				right++
			}
		}
		return float64(right) / float64(len(p))
	}
	var meanDiff, exportDiff float64
	for i := range ours {
		for k := range ours[i] {
			meanDiff += math.Abs(ours[i][k]-ref.Fitted[i][k]) / float64(len(ours)*3)
			exportDiff = math.Max(exportDiff, math.Abs(ours[i][k]-ref.Exported[i][k]))
		}
	}
	accOurs, accXGB := acc(ours), acc(ref.Fitted)
	t.Logf("XGBoost %s hist, %d training rows, %d held out, 10%% missing: accuracy ours %.4f, XGBoost %.4f; mean |dp| %.3g; exported max |dp| %.3g",
		ref.Version, len(train.X), len(test.X), accOurs, accXGB, meanDiff, exportDiff)
	if math.Abs(accOurs-accXGB) > histAccuracyTol {
		t.Errorf("held-out accuracy %.4f, XGBoost's %.4f; want within %v", accOurs, accXGB, histAccuracyTol)
	}
	if meanDiff > histMeanProbTol {
		t.Errorf("mean |dp| from XGBoost's probabilities %.3g, want <= %v", meanDiff, histMeanProbTol)
	}
	if exportDiff > histExportTol {
		t.Errorf("exported model: XGBoost's probabilities differ from ours by up to %.3g, want <= %v", exportDiff, histExportTol)
	}
}
