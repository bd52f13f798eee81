package svm

import (
	"errors"
	"math"
	"math/rand/v2"
	"runtime"
	"slices"
	"strings"
	"testing"

	"github.com/mlopsgo/mlops/training/internal/classifier"
	"github.com/mlopsgo/mlops/training/internal/classifier/classifiertest"
	"github.com/mlopsgo/mlops/training/model"
)

func liblinearConfig() Config {
	cfg := linearConfig()
	cfg.Solver = SolverLiblinear
	return cfg
}

func TestLiblinearConformance(t *testing.T) {
	iris := classifiertest.Iris(t)
	binary := classifiertest.Blobs(rand.NewPCG(5, 6), 120, 3, 2)
	configs := map[string]struct {
		data classifiertest.Dataset
		cfg  func() Config
	}{
		"iris, seeded": {iris, func() Config {
			cfg := liblinearConfig()
			cfg.Src = rand.NewPCG(1, 2)
			return cfg
		}},
		"iris, standardized, auto": {iris, func() Config {
			cfg := linearConfig()
			cfg.Standardize = true
			return cfg
		}},
		"two classes": {binary, liblinearConfig},
		"iris, dual": {iris, func() Config {
			cfg := liblinearConfig()
			cfg.Dual = DualTrue
			cfg.Src = rand.NewPCG(1, 2)
			return cfg
		}},
		"iris, standardized, primal": {iris, func() Config {
			cfg := liblinearConfig()
			cfg.Standardize, cfg.Dual = true, DualFalse
			return cfg
		}},
	}
	for name, c := range configs {
		t.Run(name, func(t *testing.T) {
			classifiertest.Conformance(t, c.data, func(t *testing.T) classifier.Trainer { return mustNew(t, c.cfg()) })
		})
	}
}

func TestSolverSelection(t *testing.T) {
	small := classifiertest.Blobs(rand.NewPCG(1, 1), LiblinearMinRows-1, 2, 3)
	large := classifiertest.Blobs(rand.NewPCG(1, 1), LiblinearMinRows, 2, 3)
	tests := []struct {
		name          string
		edit          func(*Config)
		data          classifiertest.Dataset
		wantLiblinear bool
	}{
		{"auto, linear, below the threshold", func(*Config) {}, small, false},
		{"auto, linear, at the threshold", func(*Config) {}, large, true},
		{"empty solver is auto", func(c *Config) { c.Solver = "" }, large, true},
		{"auto, rbf, above the threshold", func(c *Config) { c.Kernel = RBF }, large, false},
		{"auto, standardized, below the threshold", func(c *Config) { c.Standardize = true }, small, true},
		{"libsvm, above the threshold", func(c *Config) { c.Solver = SolverLibsvm }, large, false},
		{"liblinear, below the threshold", func(c *Config) { c.Solver = SolverLiblinear }, small, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := linearConfig()
			cfg.MaxIter = 1 // only the kind of model matters here
			tt.edit(&cfg)
			fit, err := mustNew(t, cfg).Fit(t.Context(), tt.data.X, tt.data.Y, len(tt.data.Classes))
			if err != nil {
				t.Fatal(err)
			}
			if got := fit.Params.LinearSVM != nil; got != tt.wantLiblinear || (fit.Params.SVM != nil) == got {
				t.Errorf("%s: liblinear model %t, libsvm model %t; want liblinear %t", tt.name, got, fit.Params.SVM != nil, tt.wantLiblinear)
			}
		})
	}
}

func TestLiblinearConfigErrors(t *testing.T) {
	tests := map[string]struct {
		edit func(*Config)
		want string
	}{
		"unknown solver":        {func(c *Config) { c.Solver = "sag" }, "solver is \"sag\""},
		"liblinear with rbf":    {func(c *Config) { c.Solver, c.Kernel = SolverLiblinear, RBF }, "solver is liblinear, which needs kernel linear"},
		"standardize with rbf":  {func(c *Config) { c.Standardize, c.Kernel = true, RBF }, "standardize is true, which needs the liblinear solver"},
		"standardize, libsvm":   {func(c *Config) { c.Standardize, c.Solver = true, SolverLibsvm }, "standardize is true, which needs the liblinear solver"},
		"negative tol":          {func(c *Config) { c.LinearTol = -1 }, "linear_tol is -1"},
		"NaN tol":               {func(c *Config) { c.LinearTol = math.NaN() }, "linear_tol is NaN"},
		"negative iterations":   {func(c *Config) { c.LinearMaxIter = -2 }, "linear_max_iter is -2"},
		"negative workers":      {func(c *Config) { c.Workers = -1 }, "Workers is -1"},
		"infinite tol":          {func(c *Config) { c.LinearTol = math.Inf(1) }, "linear_tol is +Inf"},
		"unknown dual":          {func(c *Config) { c.Dual = "yes" }, `dual is "yes"; it must be auto, true or false`},
		"empty dual is auto":    {func(c *Config) { c.Dual = "" }, ""},
		"linear with libsvm ok": {func(c *Config) { c.Solver = SolverLibsvm }, ""},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			cfg := linearConfig()
			tt.edit(&cfg)
			_, err := New(cfg)
			if tt.want == "" {
				if err != nil {
					t.Fatalf("New: %v, want no error", err)
				}
				return
			}
			if !errors.Is(err, ErrConfig) || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("New: %v, want ErrConfig containing %q", err, tt.want)
			}
		})
	}
}

// TestLiblinearWorkers fits with one worker on one processor and with four
// on four: the problems run in parallel but draw from their own sources
// (the dual) or none (the primal), so the models must be bitwise
// identical.
func TestLiblinearWorkers(t *testing.T) {
	d := classifiertest.Blobs(rand.NewPCG(3, 3), 600, 5, 4)
	for _, dual := range []string{DualTrue, DualFalse} {
		t.Run("dual "+dual, func(t *testing.T) {
			fitWith := func(procs, workers int) *classifier.Fitted {
				defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(procs))
				cfg := liblinearConfig()
				cfg.Workers, cfg.Dual = workers, dual
				cfg.Src = rand.NewPCG(9, 9)
				fit, err := mustNew(t, cfg).Fit(t.Context(), d.X, d.Y, len(d.Classes))
				if err != nil {
					t.Fatal(err)
				}
				return fit
			}
			classifiertest.CheckIdentical(t, fitWith(1, 1), fitWith(4, 4))
		})
	}
}

// TestDualChoice checks which problem liblinear solves, as scikit-learn
// 1.3's LinearSVC(dual=...) decides: auto solves the dual only when the
// training rows are fewer than the features.
func TestDualChoice(t *testing.T) {
	tests := []struct {
		dual           string
		rows, features int
		wantPrimal     bool
	}{
		{DualAuto, 98, 4, true},
		{DualAuto, 20, 20, true},
		{DualAuto, 19, 20, false},
		{"", 100000, 20, true},
		{DualTrue, 100000, 20, false},
		{DualFalse, 10, 20, true},
	}
	for _, tt := range tests {
		cfg := liblinearConfig()
		cfg.Dual = tt.dual
		if got := cfg.primal(tt.rows, tt.features); got != tt.wantPrimal {
			t.Errorf("dual %q, %d rows, %d features: primal %t, want %t", tt.dual, tt.rows, tt.features, got, tt.wantPrimal)
		}
	}
}

// TestStratifiedFolds compares with scikit-learn 1.2.1's
// StratifiedKFold(3).split on the same labels (computed with
// /usr/bin/python3): classes are numbered by first appearance, which moves
// the round-robin allocation.
func TestStratifiedFolds(t *testing.T) {
	tests := []struct {
		name  string
		label []int
		k     int
		want  []int
	}{
		{"three classes", []int{2, 0, 0, 1, 2, 2, 0, 1, 1, 2, 0, 2, 1, 0}, 3, []int{0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 2, 2, 2, 2}},
		{"two classes", []int{1, 1, 0, 0, 0, 1, 0, 1, 0, 1, 1}, 2, []int{0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2}},
	}
	for _, tt := range tests {
		if got := stratifiedFolds(tt.label, tt.k, 3); !slices.Equal(got, tt.want) {
			t.Errorf("%s: folds %v, scikit-learn %v", tt.name, got, tt.want)
		}
	}
}

func TestLiblinearTooFewRows(t *testing.T) {
	X := [][]float64{{0}, {1}, {2}, {3}, {4}, {5}, {6}}
	y := []int{0, 0, 0, 1, 1, 2, 2}
	_, err := mustNew(t, liblinearConfig()).Fit(t.Context(), X, y, 3)
	if !errors.Is(err, ErrTooFewRows) || !strings.Contains(err.Error(), "class 1 has 2 rows") {
		t.Errorf("Fit: %v, want ErrTooFewRows naming class 1", err)
	}
}

// TestLiblinearAbsentClass fits classes 0 and 2 of three declared: the
// model has two labels, one decision function per member, and predicts 0
// for class 1.
func TestLiblinearAbsentClass(t *testing.T) {
	d := classifiertest.Blobs(rand.NewPCG(7, 8), 60, 2, 2)
	y := make([]int, len(d.Y))
	for i, c := range d.Y {
		y[i] = 2 * c
	}
	fit, err := mustNew(t, liblinearConfig()).Fit(t.Context(), d.X, y, 3)
	if err != nil {
		t.Fatal(err)
	}
	m := fit.Params.LinearSVM
	if !slices.Equal(m.Labels, []int{0, 2}) || len(m.Members) != calibrationFolds || len(m.Members[0].Coef) != 1 {
		t.Fatalf("labels %v, %d members with %d functions; want [0 2], %d members with 1", m.Labels, len(m.Members), len(m.Members[0].Coef), calibrationFolds)
	}
	pred, err := fit.Params.Compile(2, 3)
	if err != nil {
		t.Fatal(err)
	}
	p := make([]float64, 3)
	for _, x := range d.X {
		if pred.PredictInto(p, x); p[1] != 0 {
			t.Fatalf("class 1 has probability %v, want 0", p[1])
		}
	}
}

// TestLiblinearMaxIter stops both solvers after one iteration (a pass over
// the rows, or a Newton step) of each of the 3 folds times 3 one-vs-rest
// problems: 9 in all, reported as not converged.
func TestLiblinearMaxIter(t *testing.T) {
	iris := classifiertest.Iris(t)
	for _, dual := range []string{DualTrue, DualFalse} {
		cfg := liblinearConfig()
		cfg.LinearMaxIter, cfg.Dual = 1, dual
		fit, err := mustNew(t, cfg).Fit(t.Context(), iris.X, iris.Y, 3)
		if err != nil {
			t.Fatalf("dual %s: Fit: %v, want non-convergence reported, not an error", dual, err)
		}
		if fit.Converged || fit.Iterations != 9 {
			t.Errorf("dual %s: converged %t after %d iterations, want false after 9", dual, fit.Converged, fit.Iterations)
		}
	}
}

// TestDualCDOptimal checks the solution against the optimality condition
// of the primal LinearSVC problem it solves,
//
//	min_w ½‖w‖² + C·Σ max(0, 1 − y_i·w·x_i)²   (x_i with the bias feature 1),
//
// whose gradient w − 2C·Σ_{y_i·w·x_i < 1} y_i·x_i·(1 − y_i·w·x_i) vanishes at
// the optimum. With a tight tolerance the largest component must be tiny
// relative to ‖w‖∞.
func TestDualCDOptimal(t *testing.T) {
	const gradTol = 1e-6
	iris := classifiertest.Iris(t)
	a := newAugmented(iris.X, nil, nil)
	rows := make([]int, len(iris.X))
	for _, c := range []float64{0.1, 1, 10} {
		for positive := range 3 {
			y := make([]int8, len(rows))
			for i := range rows {
				rows[i] = i
				y[i] = sign(iris.Y[i] == positive)
			}
			sol, err := solveDualCD(t.Context(), a, rows, y, c, dualCDConfig{eps: 1e-10, maxIter: 100000}, rand.New(rand.NewPCG(1, 1)))
			if err != nil {
				t.Fatal(err)
			}
			if !sol.converged {
				t.Fatalf("C=%v class %d: no convergence in %d passes", c, positive, sol.iterations)
			}
			grad := slices.Clone(sol.w)
			for i, r := range rows {
				x := a.row(r)
				if margin := float64(y[i]) * dot(x, sol.w); margin < 1 {
					for j, v := range x {
						grad[j] -= 2 * c * float64(y[i]) * v * (1 - margin)
					}
				}
			}
			var worst, scale float64
			for j := range grad {
				worst = max(worst, math.Abs(grad[j]))
				scale = max(scale, math.Abs(sol.w[j]))
			}
			if worst > gradTol*max(1, scale) {
				t.Errorf("C=%v class %d: primal gradient %.3g at w %v, want <= %g", c, positive, worst, sol.w, gradTol*max(1, scale))
			}
		}
	}
}

// TestLiblinearPredictsIris checks that the calibrated model separates Iris
// as scikit-learn does: CalibratedClassifierCV(LinearSVC(), cv=3), fitted
// and scored on the 147 rows with /usr/bin/python3 (scikit-learn 1.2.1),
// has a training accuracy of 137/147 for every random_state from 0 to 19,
// and 139/147 behind a StandardScaler. Ours must be within a point.
func TestLiblinearPredictsIris(t *testing.T) {
	iris := classifiertest.Iris(t)
	for standardize, want := range map[bool]float64{false: 137.0 / 147, true: 139.0 / 147} {
		cfg := liblinearConfig()
		cfg.Standardize = standardize
		fit, err := mustNew(t, cfg).Fit(t.Context(), iris.X, iris.Y, 3)
		if err != nil {
			t.Fatal(err)
		}
		pred, err := fit.Params.Compile(4, 3)
		if err != nil {
			t.Fatal(err)
		}
		p := make([]float64, 3)
		correct := 0
		for i, x := range iris.X {
			pred.PredictInto(p, x)
			if model.ArgMax(p) == iris.Y[i] {
				correct++
			}
		}
		if acc := float64(correct) / float64(len(iris.X)); acc < want-0.01 {
			t.Errorf("standardize %t: training accuracy %.4f, scikit-learn %.4f", standardize, acc, want)
		}
	}
}

// TestRecorded checks that bundles record dual only where liblinear fitted
// the model, so that the libsvm bundles of Iris are unchanged, and as
// params.yaml spells it.
func TestRecorded(t *testing.T) {
	tests := []struct {
		name string
		edit func(*Config)
		rows int
		want any // nil: not recorded
	}{
		{"libsvm on Iris", func(*Config) {}, 147, nil},
		{"rbf on many rows", func(c *Config) { c.Kernel = RBF }, 100000, nil},
		{"auto on many rows", func(*Config) {}, LiblinearMinRows, DualAuto},
		{"standardized Iris", func(c *Config) { c.Standardize = true }, 147, DualAuto},
		{"primal asked for", func(c *Config) { c.Solver, c.Dual = SolverLiblinear, DualFalse }, 147, false},
		{"dual asked for", func(c *Config) { c.Dual = DualTrue }, 5000, true},
	}
	for _, tt := range tests {
		cfg := linearConfig()
		tt.edit(&cfg)
		got, ok := cfg.Recorded(tt.rows)["dual"]
		if tt.want == nil && ok || tt.want != nil && got != tt.want {
			t.Errorf("%s: Recorded(%d)[dual] = %v (present %t), want %v", tt.name, tt.rows, got, ok, tt.want)
		}
	}
}
