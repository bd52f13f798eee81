package logreg

import (
	"encoding/csv"
	"encoding/json"
	"errors"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"gonum.org/v1/gonum/optimize"

	"github.com/mlopsgo/mlops/training/internal/classifier"
	"github.com/mlopsgo/mlops/training/model"
)

// stallFile is linesearch_stall.json, written by
// testdata/gen_linesearch_stall.py beside linesearch_stall.csv.
type stallFile struct {
	Rows                int      `json:"rows"`
	Repeats             int      `json:"repeats"`
	Standardize         bool     `json:"standardize"`
	NIter               int      `json:"n_iter"`
	ConvergenceWarnings []string `json:"convergence_warnings"`
	TrainAccuracy       float64  `json:"train_accuracy"`
}

// loadStall returns the rows of testdata/linesearch_stall.csv, each repeated
// as the JSON says, and scikit-learn's training accuracy on them.
func loadStall(t *testing.T) (X [][]float64, y []int, ref stallFile) {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", "linesearch_stall.json"))
	if err != nil {
		t.Fatalf("read reference: %v", err)
	}
	if err := json.Unmarshal(data, &ref); err != nil {
		t.Fatalf("decode reference: %v", err)
	}
	f, err := os.Open(filepath.Join("testdata", "linesearch_stall.csv"))
	if err != nil {
		t.Fatalf("open fixture: %v", err)
	}
	defer f.Close()
	records, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatalf("read fixture: %v", err)
	}
	records = records[1:] // header
	if len(records) != ref.Rows || ref.Repeats < 1 {
		t.Fatalf("fixture has %d rows, reference says %d rows repeated %d times", len(records), ref.Rows, ref.Repeats)
	}
	var rows [][]float64
	var labels []int
	for i, rec := range records {
		row := make([]float64, len(rec)-1)
		for j := range row {
			if row[j], err = strconv.ParseFloat(rec[j], 64); err != nil {
				t.Fatalf("row %d: %v", i, err)
			}
		}
		label, err := strconv.Atoi(rec[len(rec)-1])
		if err != nil {
			t.Fatalf("row %d: %v", i, err)
		}
		rows = append(rows, row)
		labels = append(labels, label)
	}
	for range ref.Repeats {
		X = append(X, rows...)
		y = append(y, labels...)
	}
	return X, y, ref
}

// accuracyTol is how far the training accuracy may be from scikit-learn's
// on the same data: the two fits stop at different points near the same
// optimum, so a few of the 200 distinct rows may fall on the other side of
// a boundary.
const accuracyTol = 0.02

// stallConfig is the configuration the fixture's reference was fitted with.
func stallConfig(ref stallFile) Config {
	cfg := DefaultConfig()
	cfg.Standardize = ref.Standardize
	return cfg
}

// TestFitStopsAsSciPy fits the stall fixture as it is: SciPy's relative
// decrease test ends the fit, as it ends scikit-learn's, before the decrease
// reaches the rounding of the objective, so the fit converges without a
// warning in about scikit-learn's number of iterations.
func TestFitStopsAsSciPy(t *testing.T) {
	X, y, ref := loadStall(t)
	fit, err := mustNew(t, stallConfig(ref)).Fit(t.Context(), X, y, 3)
	if err != nil {
		t.Fatalf("Fit: %v", err)
	}
	if !fit.Converged || len(fit.Warnings) != len(ref.ConvergenceWarnings) {
		t.Errorf("got Converged %t with warnings %q; scikit-learn warned %q", fit.Converged, fit.Warnings, ref.ConvergenceWarnings)
	}
	// The two L-BFGS implementations differ (history length, line search),
	// so the counts need only be close.
	if d := fit.Iterations - ref.NIter; d < -5 || d > 5 {
		t.Errorf("got %d iterations, scikit-learn %d", fit.Iterations, ref.NIter)
	}
	checkStallAccuracy(t, fit, X, y, ref)
}

// TestFitLineSearchStall makes the line search fail for real: the
// fixture's rows shifted by 1e6, as a column of timestamps would be, and
// not standardized, give an objective whose rounding, from logits that
// cancel terms of 1e6, hides the decrease of any step long before the
// gradient is small. Without SciPy's relative decrease test (ftol 0), which
// otherwise ends such a fit early as it ends scikit-learn's, the fit must
// end with the best point found and a warning, not an error.
func TestFitLineSearchStall(t *testing.T) {
	X, y, ref := loadStall(t)
	shifted := make([][]float64, ref.Rows)
	for i, row := range X[:ref.Rows] {
		shifted[i] = make([]float64, len(row))
		for j, v := range row {
			shifted[i][j] = v + 1e6
		}
	}
	fit, err := mustNew(t, DefaultConfig()).fit(t.Context(), shifted, y[:ref.Rows], 3, 0)
	if err != nil {
		t.Fatalf("Fit: got error %v, want a fit with a warning", err)
	}
	if fit.Converged {
		t.Errorf("Converged is true after %d iterations; the data no longer stall the line search", fit.Iterations)
	}
	if len(fit.Warnings) != 1 || !strings.Contains(fit.Warnings[0], "line search could not decrease") {
		t.Fatalf("Warnings: got %q, want one line-search warning", fit.Warnings)
	}
	if !strings.HasPrefix(fit.Warnings[0], "logreg: ") {
		t.Errorf("warning %q does not start with the package name", fit.Warnings[0])
	}
	if fit.Iterations >= DefaultConfig().MaxIter || len(fit.History) != fit.Iterations {
		t.Errorf("got %d iterations and %d history entries, want fewer than max_iter and one per iteration", fit.Iterations, len(fit.History))
	}
	for k, row := range fit.Params.Linear.Coef {
		for j, v := range row {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				t.Errorf("Coef[%d][%d] = %v, want the finite best point", k, j, v)
			}
		}
	}
}

// checkStallAccuracy compares the training accuracy on the fixture's
// distinct rows with scikit-learn's.
func checkStallAccuracy(t *testing.T, fit *classifier.Fitted, X [][]float64, y []int, ref stallFile) {
	t.Helper()
	pred, err := fit.Params.Compile(len(X[0]), 3)
	if err != nil {
		t.Fatalf("Compile: %v", err)
	}
	p := make([]float64, 3)
	correct := 0
	for i, x := range X[:ref.Rows] {
		pred.PredictInto(p, x)
		if model.ArgMax(p) == y[i] {
			correct++
		}
	}
	acc := float64(correct) / float64(ref.Rows)
	if math.Abs(acc-ref.TrainAccuracy) > accuracyTol {
		t.Errorf("training accuracy %v, scikit-learn %v (difference > %v)", acc, ref.TrainAccuracy, accuracyTol)
	}
}

// TestOutcome covers every way Minimize can end, with hand-made results.
func TestOutcome(t *testing.T) {
	result := func(f float64, grad ...float64) *optimize.Result {
		return &optimize.Result{Location: optimize.Location{F: f, Gradient: grad}}
	}
	withStatus := func(r *optimize.Result, s optimize.Status) *optimize.Result { r.Status = s; return r }
	mon := &monitor{tol: 1e-4, maxIter: 100, history: make([]float64, 42)}
	tests := map[string]struct {
		res           *optimize.Result
		err           error
		nonFinite     bool
		wantConverged bool
		wantWarning   string // a substring; empty: no warning
		wantErr       error
	}{
		"gradient test":     {res: withStatus(result(1, 1e-5), optimize.GradientThreshold), wantConverged: true},
		"relative decrease": {res: withStatus(result(1, 1e-3), optimize.FunctionConvergence), wantConverged: true},
		"iteration limit": {
			res: withStatus(result(1, 1e-2), optimize.IterationLimit), wantWarning: "reached max_iter 100",
		},
		"stall within tol": {res: result(1, 1e-4), err: optimize.ErrLinesearcherFailure, wantConverged: true},
		"stall within rounding": {
			res: result(1e4, 1e-4), err: optimize.ErrNoProgress, wantConverged: true, // 1e-4 < 1e4 * 2^-26
		},
		"stall above tol": {
			res: result(6000, 3.7e-4), err: optimize.ErrLinesearcherFailure,
			wantWarning: "after 42 iterations: the line search could not decrease",
		},
		"non-descent direction": {
			res: result(1, 0.5), err: optimize.ErrNonDescentDirection, wantWarning: "line search could not decrease",
		},
		"stall after a non-finite trial point": {
			res: result(1, 0.5), err: optimize.ErrLinesearcherFailure, nonFinite: true, wantErr: ErrSolver,
		},
		"NaN objective":      {res: result(math.NaN(), 0), err: optimize.ErrLinesearcherFailure, wantErr: ErrSolver},
		"infinite objective": {res: withStatus(result(math.Inf(1), 0), optimize.GradientThreshold), wantErr: ErrSolver},
		"NaN gradient":       {res: result(1, 0, math.NaN()), err: optimize.ErrNoProgress, wantErr: ErrSolver},
		"infinite gradient":  {res: withStatus(result(1, math.Inf(-1)), optimize.IterationLimit), wantErr: ErrSolver},
		"no result":          {err: optimize.ErrFunc(math.NaN()), wantErr: ErrSolver},
		"other solver error": {res: result(1, 0.5), err: optimize.ErrLinesearcherBound, wantErr: ErrSolver},
		"unexpected status":  {res: withStatus(result(1, 0.5), optimize.StepConvergence), wantErr: ErrSolver},
		"unknown error":      {res: result(1, 0.5), err: errors.New("something else"), wantErr: ErrSolver},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			converged, warning, err := outcome(tc.res, tc.err, mon, tc.nonFinite)
			if !errors.Is(err, tc.wantErr) || (err != nil) != (tc.wantErr != nil) {
				t.Fatalf("error: got %v, want %v", err, tc.wantErr)
			}
			if converged != tc.wantConverged {
				t.Errorf("converged: got %t, want %t", converged, tc.wantConverged)
			}
			switch {
			case tc.wantWarning == "" && warning != "":
				t.Errorf("warning: got %q, want none", warning)
			case !strings.Contains(warning, tc.wantWarning):
				t.Errorf("warning: got %q, want one containing %q", warning, tc.wantWarning)
			}
			if converged && warning != "" {
				t.Errorf("converged with a warning %q", warning)
			}
		})
	}
}
