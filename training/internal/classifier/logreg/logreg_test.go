package logreg

import (
	"encoding/json"
	"errors"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mlopsgo/mlops/training/internal/classifier"
	"github.com/mlopsgo/mlops/training/internal/classifier/classifiertest"
)

// Tolerances for the comparison with scikit-learn. The reference fits are
// within about 1e-9 of the optimum (see testdata/gen_sklearn_coef.py), as
// are ours, so these leave a wide margin for the two solvers' paths.
const (
	coefTol  = 1e-4 // absolute, coefficients, intercepts, mean and scale
	probaTol = 1e-5 // absolute, predicted probabilities
)

// sklearnFile is the JSON written by testdata/gen_sklearn_coef.py.
type sklearnFile struct {
	SklearnVersion string        `json:"sklearn_version"`
	Rows           int           `json:"rows"`
	Classes        []string      `json:"classes"`
	Cases          []sklearnCase `json:"cases"`
}

type sklearnCase struct {
	Name        string     `json:"name"`
	C           float64    `json:"C"`
	Standardize bool       `json:"standardize"`
	Mean        []float64  `json:"mean"`
	Scale       []float64  `json:"scale"`
	Reference   sklearnFit `json:"reference"`
	LBFGS       sklearnFit `json:"lbfgs"`
}

type sklearnFit struct {
	Solver    string      `json:"solver"`
	NIter     int         `json:"n_iter"`
	Coef      [][]float64 `json:"coef"`
	Intercept []float64   `json:"intercept"`
	Proba     [][]float64 `json:"predict_proba_first5"`
}

func loadSklearn(t *testing.T) sklearnFile {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", "sklearn_coef.json"))
	if err != nil {
		t.Fatalf("read scikit-learn reference: %v", err)
	}
	var f sklearnFile
	if err := json.Unmarshal(data, &f); err != nil {
		t.Fatalf("decode scikit-learn reference: %v", err)
	}
	return f
}

func tightConfig(c float64, standardize bool) Config {
	cfg := DefaultConfig()
	cfg.C = c
	cfg.Tol = 1e-10
	cfg.MaxIter = 100000
	cfg.Standardize = standardize
	return cfg
}

func mustNew(t *testing.T, cfg Config) *Trainer {
	t.Helper()
	tr, err := New(cfg)
	if err != nil {
		t.Fatalf("New(%+v): %v", cfg, err)
	}
	return tr
}

// TestFitMatchesSklearn compares coefficients, intercepts, standardization
// and predicted probabilities with scikit-learn 1.2.1's
// LogisticRegression(multi_class="multinomial") on Iris, as written to
// testdata/sklearn_coef.json by testdata/gen_sklearn_coef.py (run with
// /usr/bin/python3). The reference is scikit-learn's newton-cg fit at
// tol=1e-8, which stops on the gradient test alone, so our fit runs without
// the relative decrease test (ftol 0) for that comparison. scikit-learn's
// lbfgs fit at tol=1e-10 stops on SciPy's default ftol before reaching the
// optimum (see the script), as Fit does: for it the test checks that Fit's
// objective is as close to the optimum as scikit-learn's.
func TestFitMatchesSklearn(t *testing.T) {
	ref := loadSklearn(t)
	iris := classifiertest.Iris(t)
	if ref.Rows != len(iris.X) || len(ref.Classes) != len(iris.Classes) {
		t.Fatalf("reference has %d rows and classes %v, Iris fixture %d rows and %v", ref.Rows, ref.Classes, len(iris.X), iris.Classes)
	}
	for _, tc := range ref.Cases {
		t.Run(tc.Name, func(t *testing.T) {
			tr := mustNew(t, tightConfig(tc.C, tc.Standardize))
			fit, err := tr.fit(t.Context(), iris.X, iris.Y, len(iris.Classes), 0)
			if err != nil {
				t.Fatalf("Fit: %v", err)
			}
			if !fit.Converged {
				t.Errorf("Converged is false after %d iterations", fit.Iterations)
			}
			lin := fit.Params.Linear
			var worst float64
			for k := range lin.Coef {
				worst = max(worst, maxAbsDiff(lin.Coef[k], tc.Reference.Coef[k]))
			}
			worst = max(worst, maxAbsDiff(lin.Intercept, tc.Reference.Intercept))
			t.Logf("%d iterations; largest coefficient or intercept difference from scikit-learn %s: %.3g", fit.Iterations, tc.Reference.Solver, worst)
			if worst > coefTol {
				t.Errorf("coefficients differ from scikit-learn by up to %g, want <= %g\ngot  %v %v\nwant %v %v",
					worst, coefTol, lin.Coef, lin.Intercept, tc.Reference.Coef, tc.Reference.Intercept)
			}
			if tc.Standardize {
				if d := max(maxAbsDiff(lin.Mean, tc.Mean), maxAbsDiff(lin.Scale, tc.Scale)); d > coefTol {
					t.Errorf("standardization differs from StandardScaler by %g: got mean %v scale %v, want %v %v", d, lin.Mean, lin.Scale, tc.Mean, tc.Scale)
				}
			} else if lin.Mean != nil || lin.Scale != nil {
				t.Errorf("Mean and Scale set without Standardize: %v %v", lin.Mean, lin.Scale)
			}
			pred, err := fit.Params.Compile(len(iris.Features), len(iris.Classes))
			if err != nil {
				t.Fatalf("Compile: %v", err)
			}
			p := make([]float64, len(iris.Classes))
			for i, want := range tc.Reference.Proba {
				pred.PredictInto(p, iris.X[i])
				if d := maxAbsDiff(p, want); d > probaTol {
					t.Errorf("row %d: probabilities %v, scikit-learn %v (difference %g > %g)", i, p, want, d, probaTol)
				}
			}
			// The objective at our optimum is no larger than at the point
			// where scikit-learn's lbfgs stopped.
			ours := fit.History[len(fit.History)-1]
			theirs := objectiveAt(t, iris, tc, tc.LBFGS)
			if ours > theirs*(1+1e-12) {
				t.Errorf("objective %v is larger than at scikit-learn's lbfgs solution, %v", ours, theirs)
			}
			// Fit stops where scikit-learn's lbfgs does, on the relative
			// decrease; its objective must be as close to the optimum.
			def, err := tr.Fit(t.Context(), iris.X, iris.Y, len(iris.Classes))
			if err != nil {
				t.Fatalf("Fit: %v", err)
			}
			got := def.History[len(def.History)-1]
			t.Logf("Fit: %d iterations, objective %v; scikit-learn lbfgs %d iterations, %v; optimum %v", def.Iterations, got, tc.LBFGS.NIter, theirs, ours)
			if !def.Converged || (got-ours) > 10*(theirs-ours)+1e-12*ours {
				t.Errorf("Fit: converged %t, objective %v above the optimum %v by more than 10 times scikit-learn lbfgs's %v", def.Converged, got, ours, theirs)
			}
		})
	}
}

// objectiveAt evaluates the package's objective at scikit-learn's parameters.
func objectiveAt(t *testing.T, d classifiertest.Dataset, tc sklearnCase, f sklearnFit) float64 {
	t.Helper()
	var mean, scale []float64
	if tc.Standardize {
		mean, scale = tc.Mean, tc.Scale
	}
	obj := newObjective(d.X, d.Y, len(d.Classes), tc.C, true, mean, scale, 1)
	var w []float64
	for _, row := range f.Coef {
		w = append(w, row...)
	}
	w = append(w, f.Intercept...)
	return tc.C * obj.Func(w)
}

func maxAbsDiff(a, b []float64) float64 {
	if len(a) != len(b) {
		return math.Inf(1)
	}
	var m float64
	for i := range a {
		m = max(m, math.Abs(a[i]-b[i]))
	}
	return m
}

func TestConformance(t *testing.T) {
	iris := classifiertest.Iris(t)
	for name, cfg := range map[string]Config{
		"default":      DefaultConfig(),
		"standardized": tightConfig(1, true),
	} {
		t.Run(name, func(t *testing.T) {
			classifiertest.Conformance(t, iris, func(t *testing.T) classifier.Trainer { return mustNew(t, cfg) })
		})
	}
}

func TestFit(t *testing.T) {
	iris := classifiertest.Iris(t)
	tests := map[string]struct {
		cfg           func(*Config)
		wantConverged bool
		wantIter      int // 0: any
	}{
		"iteration limit is a warning": {cfg: func(c *Config) { c.MaxIter = 3 }, wantIter: 3},
		"default converges when standardized": {
			cfg:           func(c *Config) { c.Standardize = true },
			wantConverged: true,
		},
		"no intercept": {cfg: func(c *Config) { c.FitIntercept = false; c.Standardize = true }, wantConverged: true},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			cfg := DefaultConfig()
			tc.cfg(&cfg)
			fit, err := mustNew(t, cfg).Fit(t.Context(), iris.X, iris.Y, len(iris.Classes))
			if err != nil {
				t.Fatalf("Fit: %v", err)
			}
			if fit.Converged != tc.wantConverged {
				t.Errorf("Converged: got %t, want %t", fit.Converged, tc.wantConverged)
			}
			// A fit that did not converge says so in exactly one warning.
			if wantWarnings := map[bool]int{true: 0, false: 1}[tc.wantConverged]; len(fit.Warnings) != wantWarnings {
				t.Errorf("Warnings: got %q, want %d", fit.Warnings, wantWarnings)
			}
			if tc.wantIter != 0 && fit.Iterations != tc.wantIter {
				t.Errorf("Iterations: got %d, want %d", fit.Iterations, tc.wantIter)
			}
			if len(fit.History) != fit.Iterations {
				t.Errorf("History has %d entries for %d iterations", len(fit.History), fit.Iterations)
			}
			for i := 1; i < len(fit.History); i++ {
				if fit.History[i] > fit.History[i-1] {
					t.Errorf("objective rose at iteration %d: %v after %v", i, fit.History[i], fit.History[i-1])
				}
			}
			if !cfg.FitIntercept {
				for k, b := range fit.Params.Linear.Intercept {
					if b != 0 {
						t.Errorf("intercept %d is %v without FitIntercept", k, b)
					}
				}
			}
		})
	}
}

// TestFitTwoClasses checks that two classes still get one coefficient row
// each, and that a separable-looking but overlapping 1-D problem gives the
// probabilities of the closed form: with symmetric data the intercepts are
// equal and the decision boundary sits at the origin.
func TestFitTwoClasses(t *testing.T) {
	X := [][]float64{{-2}, {-1}, {1}, {-1.5}, {1.5}, {2}, {1}, {-1}}
	y := []int{0, 0, 0, 0, 1, 1, 1, 1}
	cfg := DefaultConfig()
	cfg.Tol = 1e-10
	fit, err := mustNew(t, cfg).Fit(t.Context(), X, y, 2)
	if err != nil {
		t.Fatalf("Fit: %v", err)
	}
	lin := fit.Params.Linear
	if len(lin.Coef) != 2 || len(lin.Intercept) != 2 {
		t.Fatalf("got %d coefficient rows and %d intercepts, want 2 and 2", len(lin.Coef), len(lin.Intercept))
	}
	// The data are symmetric under x -> -x with the labels swapped, so the
	// optimum has W[1] = -W[0] and b[0] = b[1] = 0 (the intercepts start at
	// zero and their gradients sum to zero).
	const symTol = 1e-9
	if math.Abs(lin.Coef[0][0]+lin.Coef[1][0]) > symTol || math.Abs(lin.Intercept[0]) > symTol || math.Abs(lin.Intercept[1]) > symTol {
		t.Errorf("got coef %v intercept %v, want W[1] = -W[0] and zero intercepts within %g", lin.Coef, lin.Intercept, symTol)
	}
	if lin.Coef[1][0] <= 0 {
		t.Errorf("class 1 coefficient %v, want positive", lin.Coef[1][0])
	}
}

// TestFitHugeFeatures checks features too large for the raw objective. At
// 1e100 the first L-BFGS step already separates the rows with logits of
// ~1e100, after which no step decreases the objective in floating point:
// the fit ends with finite parameters and a warning, as scikit-learn's
// ABNORMAL_TERMINATION_IN_LNSRCH would. At 1e308 the gradient overflows:
// ErrSolver, never NaN parameters. Standardizing fixes both.
func TestFitHugeFeatures(t *testing.T) {
	tests := map[string]struct {
		X             [][]float64
		standardize   bool
		wantErr       error
		wantConverged bool
	}{
		"raw 1e100":          {X: [][]float64{{1e100}, {-1e100}, {5e99}, {-3e99}}},
		"standardized 1e100": {X: [][]float64{{1e100}, {-1e100}, {5e99}, {-3e99}}, standardize: true, wantConverged: true},
		"raw 1e308":          {X: [][]float64{{1e308, 1e308}, {-1e308, -1e308}, {1e308, 1e308}, {-1e308, -1e308}}, wantErr: ErrSolver},
		"standardized 1e308": {
			X: [][]float64{{1e308, 1e308}, {-1e308, -1e308}, {1e308, 1e308}, {-1e308, -1e308}}, standardize: true, wantConverged: true,
		},
	}
	y := []int{0, 1, 0, 1}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			cfg := DefaultConfig()
			cfg.Standardize = tc.standardize
			fit, err := mustNew(t, cfg).Fit(t.Context(), tc.X, y, 2)
			if !errors.Is(err, tc.wantErr) || (err != nil) != (tc.wantErr != nil) {
				t.Fatalf("Fit: got error %v, want %v", err, tc.wantErr)
			}
			if err != nil {
				return
			}
			if fit.Converged != tc.wantConverged || (len(fit.Warnings) == 0) != tc.wantConverged {
				t.Errorf("got Converged %t with warnings %q, want Converged %t and a warning exactly when not converged",
					fit.Converged, fit.Warnings, tc.wantConverged)
			}
			if _, err := fit.Params.Compile(len(tc.X[0]), 2); err != nil {
				t.Errorf("Compile: %v", err)
			}
		})
	}
}

func TestNew(t *testing.T) {
	tests := map[string]struct {
		cfg   func(*Config)
		field string // empty: valid
	}{
		"default":          {cfg: func(*Config) {}},
		"zero C":           {cfg: func(c *Config) { c.C = 0 }, field: "invalid config: C "},
		"negative C":       {cfg: func(c *Config) { c.C = -1 }, field: "invalid config: C "},
		"NaN C":            {cfg: func(c *Config) { c.C = math.NaN() }, field: "invalid config: C "},
		"infinite C":       {cfg: func(c *Config) { c.C = math.Inf(1) }, field: "invalid config: C "},
		"zero MaxIter":     {cfg: func(c *Config) { c.MaxIter = 0 }, field: "invalid config: max_iter "},
		"zero Tol":         {cfg: func(c *Config) { c.Tol = 0 }, field: "invalid config: tol "},
		"NaN Tol":          {cfg: func(c *Config) { c.Tol = math.NaN() }, field: "invalid config: tol "},
		"zero value":       {cfg: func(c *Config) { *c = Config{} }, field: "invalid config: C "},
		"no intercept":     {cfg: func(c *Config) { c.FitIntercept = false }},
		"tiny tolerance":   {cfg: func(c *Config) { c.Tol = 1e-300 }},
		"negative Workers": {cfg: func(c *Config) { c.Workers = -1 }, field: "invalid config: Workers "},
		"four Workers":     {cfg: func(c *Config) { c.Workers = 4 }},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			cfg := DefaultConfig()
			tc.cfg(&cfg)
			tr, err := New(cfg)
			if tc.field == "" {
				if err != nil || tr == nil {
					t.Fatalf("New: got (%v, %v), want a trainer", tr, err)
				}
				return
			}
			if !errors.Is(err, ErrConfig) {
				t.Fatalf("New: got %v, want an error wrapping ErrConfig", err)
			}
			if !strings.Contains(err.Error(), tc.field) {
				t.Errorf("New: error %q does not name %s", err, tc.field)
			}
		})
	}
}
