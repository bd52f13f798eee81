package train

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mlopsgo/mlops/training/internal/metrics"
	"github.com/mlopsgo/mlops/training/internal/metricsfile"
	"github.com/mlopsgo/mlops/training/internal/params/paramstest"
	"github.com/mlopsgo/mlops/training/model"
)

func discard() *slog.Logger { return slog.New(slog.DiscardHandler) }

// writeParams writes a params file for Iris with the given models section
// and returns its path.
func writeParams(t *testing.T, models string) string {
	t.Helper()
	return paramstest.Iris(t, "cv: {folds: 5, repeats: 2}\nseed: 7\nmodels:\n"+models)
}

const bothModels = "  logistic_regression: {}\n  decision_tree: {}\n"

// TestRunIsByteReproducible trains twice with different worker counts and
// expects identical bytes in every file: the bundles carry no timestamps or
// hosts, and parallel folds write to their own slots.
func TestRunIsByteReproducible(t *testing.T) {
	paramsPath := writeParams(t, bothModels)
	var dirs []string
	for _, workers := range []int{1, 3} {
		dir := t.TempDir()
		_, err := Run(t.Context(), discard(), Options{
			ParamsPath: paramsPath, ModelsDir: filepath.Join(dir, "models"), MetricsPath: filepath.Join(dir, "metrics.json"),
			PlotsPath: filepath.Join(dir, "cv.csv"), Workers: workers,
		})
		if err != nil {
			t.Fatalf("workers=%d: %v", workers, err)
		}
		dirs = append(dirs, dir)
	}
	for _, f := range []string{"models/logistic_regression.json", "models/decision_tree.json", "models/index.json", "metrics.json", "cv.csv"} {
		a, err := os.ReadFile(filepath.Join(dirs[0], f))
		if err != nil {
			t.Fatal(err)
		}
		b, err := os.ReadFile(filepath.Join(dirs[1], f))
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(a, b) {
			t.Errorf("%s differs between runs with 1 and 3 workers", f)
		}
	}
	plot, err := os.ReadFile(filepath.Join(dirs[0], "cv.csv"))
	if err != nil {
		t.Fatal(err)
	}
	// 5 folds x 2 repeats, one column per model.
	if lines := strings.Split(strings.TrimSpace(string(plot)), "\n"); len(lines) != 11 || lines[0] != "fold,logistic_regression,decision_tree" {
		t.Errorf("cv.csv has %d lines starting %q, want 11 starting fold,logistic_regression,decision_tree", len(lines), lines[0])
	}
	set, err := model.LoadDir(filepath.Join(dirs[0], "models"))
	if err != nil {
		t.Fatalf("the written models directory does not load: %v", err)
	}
	m, err := metricsfile.Load(filepath.Join(dirs[0], "metrics.json"))
	if err != nil {
		t.Fatal(err)
	}
	if set.Index.Champion != m.Champion {
		t.Errorf("index champion %q, metrics.json champion %q", set.Index.Champion, m.Champion)
	}
	for name, b := range set.Bundles {
		if b.Dataset.Rows != 147 || b.Dataset.TrainRows != 117 || b.Dataset.MD5 != "9f44d5c52de2354fb45e9dcfc0e90b16" {
			t.Errorf("%s: data set %+v, want 147 rows, 117 for fitting, md5 of data/iris.csv", name, b.Dataset)
		}
		if got := m.Models[name].CV; got.Folds != 5 || got.Repeats != 2 || got.AccuracyMean != b.Metrics["cv_accuracy_mean"] {
			t.Errorf("%s: metrics.json cv %+v disagrees with the bundle's %v", name, got, b.Metrics["cv_accuracy_mean"])
		}
	}
}

func TestRunOnly(t *testing.T) {
	dir := t.TempDir()
	res, err := Run(t.Context(), discard(), Options{ParamsPath: writeParams(t, bothModels), ModelsDir: dir, Only: []string{"decision_tree"}})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Models) != 1 || res.Champion != "decision_tree" {
		t.Fatalf("trained %d models with champion %q, want only decision_tree", len(res.Models), res.Champion)
	}
	if _, err := os.Stat(filepath.Join(dir, "logistic_regression.json")); !os.IsNotExist(err) {
		t.Fatalf("--only decision_tree wrote logistic_regression.json (stat error %v)", err)
	}
}

// TestFailedRunWritesNothing checks that a run failing before the end leaves
// an existing models directory exactly as it was.
func TestFailedRunWritesNothing(t *testing.T) {
	dir := t.TempDir()
	good := writeParams(t, bothModels)
	if _, err := Run(t.Context(), discard(), Options{ParamsPath: good, ModelsDir: dir}); err != nil {
		t.Fatal(err)
	}
	before := snapshot(t, dir)
	tests := map[string]Options{
		"unknown model in --only": {ParamsPath: good, ModelsDir: dir, Only: []string{"svn"}},
		"missing params":          {ParamsPath: filepath.Join(t.TempDir(), "nope.yaml"), ModelsDir: dir},
		"cancelled":               {ParamsPath: good, ModelsDir: dir},
	}
	for name, opts := range tests {
		t.Run(name, func(t *testing.T) {
			ctx, cancel := context.WithCancel(t.Context())
			defer cancel()
			if name == "cancelled" {
				cancel()
			}
			if _, err := Run(ctx, discard(), opts); err == nil {
				t.Fatal("run succeeded")
			}
			if after := snapshot(t, dir); after != before {
				t.Fatalf("models directory changed after a failed run")
			}
		})
	}
}

// TestValidationHistory checks that the model that can evaluate held-out
// rows (xgboost) gets a validation curve, one loss per round, computed on
// the test split: its last value is the test log loss. The others get none.
func TestValidationHistory(t *testing.T) {
	res, err := Fit(t.Context(), discard(), Options{
		ParamsPath: writeParams(t, "  decision_tree: {}\n  xgboost: {n_estimators: 5}\n"),
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Models) != 2 {
		t.Fatalf("trained %d models, want decision_tree and xgboost", len(res.Models))
	}
	for _, m := range res.Models {
		switch m.Name {
		case "xgboost":
			h := m.ValidationHistory
			if len(h) != 5 || len(m.Fit.ValidationHistory) != 5 {
				t.Fatalf("xgboost: validation history of %d values (fit: %d), want 5", len(h), len(m.Fit.ValidationHistory))
			}
			// The curve uses float32 exponentials as XGBoost does, the test
			// metrics the float64 predictor; they agree to float32 rounding.
			const tol = 1e-6
			if got, want := h[4], m.Test.LogLoss; math.Abs(got-want) > tol {
				t.Errorf("xgboost: last validation loss %v, test log loss %v", got, want)
			}
		default:
			if m.ValidationHistory != nil || m.Fit.ValidationHistory != nil {
				t.Errorf("%s: validation history %v, want none", m.Name, m.ValidationHistory)
			}
		}
	}
}

func snapshot(t *testing.T, dir string) string {
	t.Helper()
	var b strings.Builder
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		data, err := os.ReadFile(filepath.Join(dir, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		fmt.Fprintf(&b, "%s %x\n", e.Name(), data)
	}
	return b.String()
}

func TestPickChampion(t *testing.T) {
	m := func(name string, mean float64) ModelResult {
		return ModelResult{Name: name, Status: StatusTrained, CV: metrics.Summary{Mean: mean}}
	}
	failed := func(name string, mean float64, s Status) ModelResult {
		r := m(name, mean)
		r.Status = s
		return r
	}
	tests := []struct {
		name   string
		models []ModelResult
		want   string
	}{
		{"best wins", []ModelResult{m("logistic_regression", 0.95), m("decision_tree", 0.96)}, "decision_tree"},
		{"tie goes to the simpler", []ModelResult{m("decision_tree", 0.96), m("logistic_regression", 0.96)}, "logistic_regression"},
		{"tie within float noise", []ModelResult{m("decision_tree", 0.9600000000001), m("logistic_regression", 0.96)}, "logistic_regression"},
		{"real difference beats simplicity", []ModelResult{m("logistic_regression", 0.95), m("decision_tree", 0.9534)}, "decision_tree"},
		{"single", []ModelResult{m("decision_tree", 0.5)}, "decision_tree"},
		{"none", nil, ""},
		{"failed model is skipped", []ModelResult{failed("xgboost", 0.99, StatusFailed), m("decision_tree", 0.5)}, "decision_tree"},
		{"timed-out model is skipped", []ModelResult{m("decision_tree", 0.5), failed("xgboost", 0.99, StatusTimedOut)}, "decision_tree"},
		{"all failed", []ModelResult{failed("xgboost", 0.99, StatusFailed), failed("svm", 0.9, StatusTimedOut)}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := pickChampion(tt.models); got != tt.want {
				t.Fatalf("champion %q, want %q", got, tt.want)
			}
		})
	}
}

// TestTimeoutFromParams sets timeout: in params.yaml: the model that cannot
// finish in it is marked timed out, the other is trained and is champion.
func TestTimeoutFromParams(t *testing.T) {
	res, err := Fit(t.Context(), discard(), Options{
		ParamsPath: writeParams(t, "  logistic_regression: {timeout: 1ns}\n  decision_tree: {timeout: 10m}\n"),
	})
	if err != nil {
		t.Fatal(err)
	}
	status := map[string]Status{}
	for _, m := range res.Models {
		status[m.Name] = m.Status
	}
	if status["logistic_regression"] != StatusTimedOut || status["decision_tree"] != StatusTrained {
		t.Errorf("statuses %v, want logistic_regression timed out and decision_tree trained", status)
	}
	if res.Champion != "decision_tree" {
		t.Errorf("champion %q, want decision_tree", res.Champion)
	}
}
