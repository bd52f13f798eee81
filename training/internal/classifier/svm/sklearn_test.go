package svm

import (
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/mlopsgo/mlops/training/internal/classifier/classifiertest"
)

// Tolerances for the comparison with scikit-learn's libsvm.
const (
	// coefTol bounds |ours − theirs| for dual coefficients, intercepts and
	// decision values, relative to max(1, |theirs|). Both sides run the
	// same steps with the same float32 kernel cache and take the same path
	// on these problems: the largest difference seen is 5e-13, rounding
	// (summation order, fused multiply-adds on some platforms). Had the
	// paths diverged (shrinking orders the active variables differently),
	// the solutions would still agree within what tol allows.
	coefTol = 1e-9
	// probaTol bounds |ours − theirs| for probabilities: the Platt scaling
	// depends on the random shuffle of its cross-validation, which differs.
	probaTol = 0.1
)

// sklearnSVM is the JSON written by testdata/gen_sklearn_svm.py.
type sklearnSVM struct {
	SklearnVersion string `json:"sklearn_version"`
	Cases          []struct {
		Name        string      `json:"name"`
		Rows        []int       `json:"rows"`
		Columns     []int       `json:"columns"`
		Labels      []int       `json:"labels"`
		Kernel      string      `json:"kernel"`
		C           float64     `json:"C"`
		Gamma       any         `json:"gamma"`
		Tol         float64     `json:"tol"`
		FittedGamma float64     `json:"fitted_gamma"`
		NSupport    []int       `json:"n_support"`
		Support     []int       `json:"support"`
		DualCoef    [][]float64 `json:"dual_coef"`
		Intercept   []float64   `json:"intercept"`
		Decision    [][]float64 `json:"decision"`
		Proba       [][]float64 `json:"proba"`
		Predict     []int       `json:"predict"`
	} `json:"cases"`
}

// TestFitMatchesSklearn fits the problems of testdata/sklearn_svm.json,
// written by testdata/gen_sklearn_svm.py with scikit-learn 1.2.1's SVC (run
// with /usr/bin/python3), and compares: the support vectors exactly, the
// dual coefficients, intercepts and decision values within coefTol, the
// predicted classes (libsvm's vote) exactly, the probabilities within
// probaTol.
func TestFitMatchesSklearn(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("testdata", "sklearn_svm.json"))
	if err != nil {
		t.Fatalf("read scikit-learn reference: %v", err)
	}
	var ref sklearnSVM
	if err := json.Unmarshal(data, &ref); err != nil {
		t.Fatalf("decode scikit-learn reference: %v", err)
	}
	iris := classifiertest.Iris(t)
	for _, tc := range ref.Cases {
		t.Run(tc.Name, func(t *testing.T) {
			X := make([][]float64, len(tc.Rows))
			y := make([]int, len(tc.Rows))
			for i, r := range tc.Rows {
				for _, c := range tc.Columns {
					X[i] = append(X[i], iris.X[r][c])
				}
				y[i] = iris.Y[r]
			}
			cfg := DefaultConfig()
			cfg.Kernel, cfg.C, cfg.Tol = tc.Kernel, tc.C, tc.Tol
			switch g := tc.Gamma.(type) {
			case string:
				cfg.GammaRule = g
			case float64:
				cfg.Gamma = g
			}
			fit, err := mustNew(t, cfg).Fit(t.Context(), X, y, len(iris.Classes))
			if err != nil {
				t.Fatal(err)
			}
			m := fit.Params.SVM
			if !slices.Equal(m.Labels, tc.Labels) || !slices.Equal(m.NSupport, tc.NSupport) {
				t.Fatalf("labels %v with %v support vectors, scikit-learn %v with %v", m.Labels, m.NSupport, tc.Labels, tc.NSupport)
			}
			if !within(m.Gamma, tc.FittedGamma, 1e-12) {
				t.Errorf("gamma %v, scikit-learn %v", m.Gamma, tc.FittedGamma)
			}
			for s, idx := range tc.Support {
				if !slices.Equal(m.SupportVectors[s], X[idx]) {
					t.Fatalf("support vector %d is %v, scikit-learn's is row %d %v", s, m.SupportVectors[s], idx, X[idx])
				}
			}
			for r := range tc.DualCoef {
				for s := range tc.DualCoef[r] {
					if !within(m.DualCoef[r][s], tc.DualCoef[r][s], coefTol) {
						t.Errorf("dual_coef[%d][%d] = %v, scikit-learn %v", r, s, m.DualCoef[r][s], tc.DualCoef[r][s])
					}
				}
			}
			for p := range tc.Intercept {
				if !within(m.Intercept[p], tc.Intercept[p], coefTol) {
					t.Errorf("intercept[%d] = %v, scikit-learn %v", p, m.Intercept[p], tc.Intercept[p])
				}
			}
			pred, err := fit.Params.Compile(len(tc.Columns), len(iris.Classes))
			if err != nil {
				t.Fatal(err)
			}
			dec := make([]float64, len(tc.Intercept))
			proba := make([]float64, len(iris.Classes))
			var worstDec, worstProba float64
			for i, x := range X {
				m.DecisionInto(dec, x)
				for p := range dec {
					worstDec = max(worstDec, math.Abs(dec[p]-tc.Decision[i][p])/max(1, math.Abs(tc.Decision[i][p])))
				}
				if got := m.Vote(dec); got != tc.Predict[i] {
					t.Errorf("row %d: vote for class %d, scikit-learn predicts %d (decision values %v and %v)", i, got, tc.Predict[i], dec, tc.Decision[i])
				}
				pred.PredictInto(proba, x)
				for c, l := range tc.Labels {
					worstProba = max(worstProba, math.Abs(proba[l]-tc.Proba[i][c]))
				}
			}
			t.Logf("largest differences from scikit-learn: decision values %.2g (relative), probabilities %.2g", worstDec, worstProba)
			if worstDec > coefTol {
				t.Errorf("decision values differ from scikit-learn's by up to %.3g, want <= %v", worstDec, coefTol)
			}
			if worstProba > probaTol {
				t.Errorf("probabilities differ from scikit-learn's by up to %.3g, want <= %v", worstProba, probaTol)
			}
		})
	}
}

// within reports whether got is within tol of want, relative to
// max(1, |want|).
func within(got, want, tol float64) bool {
	return math.Abs(got-want) <= tol*max(1, math.Abs(want))
}
