package svm

import (
	"encoding/json"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/mlopsgo/mlops/training/internal/classifier"
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
// Seen on a shared 2-core machine (load 10 to 15, so the seconds are
// inflated; the ratios are what a side-by-side run measures): 10,000 rows,
// 3.96 s against 15.4 s (ratio 0.26), accuracy 0.7796 for both; 100,000
// rows, 203 s against 647 s (0.31), accuracy 0.7128 against 0.7134. Neither
// side converges within LinearSVC's 1000 passes on this unscaled data.
func TestE2ELinearSVCSpeed(t *testing.T) {
	if testing.Short() {
		t.Skip("slow: skipped under -short")
	}
	python := requireSklearn(t)
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
			tr := mustNew(t, liblinearConfig())
			repeats := 3
			if rows >= 100000 {
				repeats = 1
			}
			// The best of as many fits as scikit-learn had, as it reports.
			best := time.Duration(math.MaxInt64)
			var fit *classifier.Fitted
			for range repeats {
				start := time.Now()
				f, err := tr.Fit(t.Context(), ref.XTrain, ref.YTrain, 3)
				best = min(best, time.Since(start))
				if err != nil {
					t.Fatal(err)
				}
				fit = f
			}
			worst, acc := compareProba(t, fit.Params, ref.XTest, ref.YTest, 3, ref.Proba)
			t.Logf("%d rows: fit %.2f s, scikit-learn %.2f s (ratio %.2f); held-out accuracy %.4f, scikit-learn %.4f; probabilities up to %.3g apart; converged %t after %d passes",
				rows, best.Seconds(), ref.FitSeconds, best.Seconds()/ref.FitSeconds, acc, ref.Accuracy, worst, fit.Converged, fit.Iterations)
			if acc < ref.Accuracy-accuracyMargin {
				t.Errorf("held-out accuracy %.4f, scikit-learn %.4f: more than %v below", acc, ref.Accuracy, accuracyMargin)
			}
		})
	}
}
