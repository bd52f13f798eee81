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
	"github.com/mlopsgo/mlops/training/internal/pythontest"
	"github.com/mlopsgo/mlops/training/internal/xgbjson"
	"github.com/mlopsgo/mlops/training/model"
)

// Agreement with XGBoost 1.7's hist method.
const (
	// histSameTreesTol bounds how far our probabilities may be from
	// XGBoost's where both grow the same trees (every distinct value its own
	// bin): float32 rounding of sums taken in another order.
	histSameTreesTol = 1e-4
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

// histReference is what testdata/hist_check.py returns.
type histReference struct {
	Version  string      `json:"version"`
	Fitted   [][]float64 `json:"fitted"`
	Exported [][]float64 `json:"exported"`
}

// runHistCheck fits XGBoost with cfg's tree method and hyper-parameters on
// train and predicts test with it and with our model params, exported.
func runHistCheck(t *testing.T, python string, cfg Config, params model.Params, train, test classifiertest.Dataset) histReference {
	t.Helper()
	dir := t.TempDir()
	modelPath := filepath.Join(dir, "hist_xgboost.json")
	exportBundle(t, params, train, modelPath)
	job, err := json.Marshal(map[string]any{
		"tree_method": cfg.TreeMethod, "X": nullable(train.X), "y": train.Y, "X_test": nullable(test.X), "model": modelPath, "features": train.Features,
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
	var ref histReference
	if err := json.Unmarshal(out, &ref); err != nil {
		t.Fatalf("hist_check.py output: %v\n%s", err, out)
	}
	if len(ref.Fitted) != len(test.X) || len(ref.Exported) != len(test.X) {
		t.Fatalf("XGBoost returned %d and %d rows of probabilities, want %d", len(ref.Fitted), len(ref.Exported), len(test.X))
	}
	return ref
}

// missingConfig is the configuration of the checks on missing values.
func missingConfig() Config {
	cfg := DefaultConfig()
	cfg.NEstimators, cfg.MaxDepth, cfg.AllowMissing = 50, 4, true
	return cfg
}

// TestE2EHist checks the hist method against XGBoost 1.7's
// (testdata/hist_check.py), XGBClassifier(tree_method="hist") fitted with
// the same hyper-parameters on the same rows:
//
//   - on Iris, whose features have fewer distinct values than bins, so both
//     cut at every value and grow the same trees, the probabilities on
//     every row agree within histSameTreesTol;
//   - on Gaussian blobs with 10% of the values missing (and feature 0
//     missing on most of class 0, so the learned directions matter), the
//     held-out accuracies agree within histAccuracyTol and the
//     probabilities within histMeanProbTol on average;
//   - the exact method on the same blobs, against tree_method="exact":
//     the same trees, within histSameTreesTol on every held-out row.
//
// In both, our model exported with its default directions, loaded by
// XGBoost, must predict our probabilities within histExportTol on every
// row.
func TestE2EHist(t *testing.T) {
	python := pythontest.Require(t, "compare with XGBoost", "sklearn", "xgboost")
	iris := classifiertest.Iris(t)
	tests := []struct {
		name        string
		train, test classifiertest.Dataset
		method      string
		cfg         func() Config
		sameTrees   bool
	}{
		{"hist, iris", iris, iris, TreeHist, DefaultConfig, true},
		{
			"hist, blobs with missing values",
			withMissing(classifiertest.Blobs(rand.NewPCG(11, 1), 3000, 4, 3), 0.1, 1),
			withMissing(classifiertest.Blobs(rand.NewPCG(12, 1), 2000, 4, 3), 0.1, 2),
			TreeHist, missingConfig, false,
		},
		{
			"exact, blobs with missing values",
			withMissing(classifiertest.Blobs(rand.NewPCG(11, 1), 3000, 4, 3), 0.1, 1),
			withMissing(classifiertest.Blobs(rand.NewPCG(12, 1), 2000, 4, 3), 0.1, 2),
			TreeExact, missingConfig, true,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := tt.cfg()
			cfg.TreeMethod = tt.method
			res := mustFit(t, cfg, tt.train.X, tt.train.Y, 3)
			if cfg.AllowMissing && res.Params.Boosted.DefaultLeft == nil {
				t.Fatal("no split sends missing values right; the export would not exercise default_left")
			}
			pred, err := res.Params.Compile(len(tt.train.Features), 3)
			if err != nil {
				t.Fatal(err)
			}
			ours := make([][]float64, len(tt.test.X))
			for i, x := range tt.test.X {
				ours[i] = make([]float64, 3)
				pred.PredictInto(ours[i], x)
			}
			ref := runHistCheck(t, python, cfg, res.Params, tt.train, tt.test)
			acc := func(p [][]float64) float64 {
				right := 0
				for i, row := range p {
					if model.ArgMax(row) == tt.test.Y[i] {
						right++
					}
				}
				return float64(right) / float64(len(p))
			}
			var meanDiff, maxDiff, exportDiff float64
			for i := range ours {
				for k := range ours[i] {
					d := math.Abs(ours[i][k] - ref.Fitted[i][k])
					meanDiff += d / float64(len(ours)*3)
					maxDiff = math.Max(maxDiff, d)
					exportDiff = math.Max(exportDiff, math.Abs(ours[i][k]-ref.Exported[i][k]))
				}
			}
			accOurs, accXGB := acc(ours), acc(ref.Fitted)
			t.Logf("XGBoost %s %s, %d training rows, %d predicted: accuracy ours %.4f, XGBoost %.4f; |dp| mean %.3g, max %.3g; exported max |dp| %.3g",
				ref.Version, tt.method, len(tt.train.X), len(tt.test.X), accOurs, accXGB, meanDiff, maxDiff, exportDiff)
			if tt.sameTrees && maxDiff > histSameTreesTol {
				t.Errorf("probabilities differ from XGBoost's by up to %.3g, want <= %v", maxDiff, histSameTreesTol)
			}
			if math.Abs(accOurs-accXGB) > histAccuracyTol {
				t.Errorf("accuracy %.4f, XGBoost's %.4f; want within %v", accOurs, accXGB, histAccuracyTol)
			}
			if meanDiff > histMeanProbTol {
				t.Errorf("mean |dp| from XGBoost's probabilities %.3g, want <= %v", meanDiff, histMeanProbTol)
			}
			if exportDiff > histExportTol {
				t.Errorf("exported model: XGBoost's probabilities differ from ours by up to %.3g, want <= %v", exportDiff, histExportTol)
			}
		})
	}
}
