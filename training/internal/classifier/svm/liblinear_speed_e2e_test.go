package svm

import (
	"encoding/json"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"testing"
	"time"

	"github.com/mlopsgo/mlops/training/internal/classifier"
	"github.com/mlopsgo/mlops/training/internal/pythontest"
)

// TestE2ELinearSVCSpeed measures, side by side in one run, the whole fit
// of the liblinear solver and of scikit-learn's
// CalibratedClassifierCV(LinearSVC(), cv=3) on make_classification data of
// 10,000 and 100,000 rows x 20 features (testdata/linearsvc_speed.py), with
// the held-out accuracy of both and how far the probabilities are apart. It
// reports figures and asserts no timing: only that the accuracy is within
// a point of scikit-learn's. Slow (minutes at 100,000 rows): it runs with
// MLOPS_E2E=1 and not under -short.
//
// Seen on the shared 2-core machine while it was otherwise idle (load
// below 1): 10,000 rows, 2.15 s on one worker and 1.25 s on two against
// scikit-learn's 4.01 s (ratios 0.54 and 0.31), held-out accuracy 0.7776
// against 0.7796; 100,000 rows, 36.3 s and 30.3 s against 144 s (0.25 and
// 0.21), accuracy 0.7125 against 0.7134. Under a load of 10 to 15 the
// seconds grow threefold on both sides and the ratios stay within 0.5.
// Neither side converges within LinearSVC's 1000 passes on this unscaled
// data.
func TestE2ELinearSVCSpeed(t *testing.T) {
	if testing.Short() {
		t.Skip("slow: skipped under -short")
	}
	python := pythontest.Require(t, "compare with scikit-learn's LinearSVC", "sklearn")
	for _, rows := range []int{10000, 100000} {
		t.Run(strconv.Itoa(rows), func(t *testing.T) {
			out := filepath.Join(t.TempDir(), "speed.json")
			if b, err := exec.CommandContext(t.Context(), python, filepath.Join("testdata", "linearsvc_speed.py"), strconv.Itoa(rows), out).CombinedOutput(); err != nil {
				t.Fatalf("linearsvc_speed.py: %v\n%s", err, b)
			}
			data, err := os.ReadFile(out)
			if err != nil {
				t.Fatal(err)
			}
			var ref struct {
				XTrain     [][]float64 `json:"x_train"`
				YTrain     []int       `json:"y_train"`
				XTest      [][]float64 `json:"x_test"`
				YTest      []int       `json:"y_test"`
				FitSeconds float64     `json:"fit_seconds"`
				Accuracy   float64     `json:"accuracy"`
				Proba      [][]float64 `json:"proba"`
			}
			if err := json.Unmarshal(data, &ref); err != nil {
				t.Fatal(err)
			}
			repeats := 3
			if rows >= 100000 {
				repeats = 1
			}
			// scikit-learn fits its folds one after the other (n_jobs
			// None): one worker is the like-for-like figure, the default
			// (GOMAXPROCS) what a user gets.
			var fit *classifier.Fitted
			seconds := map[int]float64{}
			for _, workers := range []int{1, 0} {
				cfg := liblinearConfig()
				// scikit-learn 1.2's LinearSVC solves the dual: so does
				// this, like for like (BenchmarkPrimalDual measures the
				// primal that dual auto picks here).
				cfg.Workers, cfg.Dual = workers, DualTrue
				tr := mustNew(t, cfg)
				// The best of as many fits as scikit-learn had, as it
				// reports.
				best := time.Duration(math.MaxInt64)
				for range repeats {
					start := time.Now()
					f, err := tr.Fit(t.Context(), ref.XTrain, ref.YTrain, 3)
					best = min(best, time.Since(start))
					if err != nil {
						t.Fatal(err)
					}
					fit = f
				}
				seconds[workers] = best.Seconds()
			}
			worst, acc, _ := compareProba(t, fit.Params, ref.XTest, ref.YTest, 3, ref.Proba)
			t.Logf("%d rows: fit %.2f s on 1 worker, %.2f s on %d, scikit-learn %.2f s (ratios %.2f and %.2f); held-out accuracy %.4f, scikit-learn %.4f; probabilities up to %.3g apart; converged %t after %d passes",
				rows, seconds[1], seconds[0], runtime.GOMAXPROCS(0), ref.FitSeconds, seconds[1]/ref.FitSeconds, seconds[0]/ref.FitSeconds,
				acc, ref.Accuracy, worst, fit.Converged, fit.Iterations)
			if acc < ref.Accuracy-accuracyMargin {
				t.Errorf("held-out accuracy %.4f, scikit-learn %.4f: more than %v below", acc, ref.Accuracy, accuracyMargin)
			}
		})
	}
}
