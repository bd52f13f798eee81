package svm

import (
	"errors"
	"math"
	"math/rand/v2"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/mlopsgo/mlops/training/internal/classifier"
	"github.com/mlopsgo/mlops/training/internal/classifier/classifiertest"
	"github.com/mlopsgo/mlops/training/model"
)

func mustNew(t testing.TB, cfg Config) *Trainer {
	t.Helper()
	tr, err := New(cfg)
	if err != nil {
		t.Fatalf("New(%+v): %v", cfg, err)
	}
	return tr
}

func linearConfig() Config {
	cfg := DefaultConfig()
	cfg.Kernel = Linear
	return cfg
}

func TestConformance(t *testing.T) {
	iris := classifiertest.Iris(t)
	configs := map[string]func() Config{
		"default (rbf)": DefaultConfig,
		"linear, seeded": func() Config {
			cfg := linearConfig()
			cfg.Src = rand.NewPCG(1, 2)
			return cfg
		},
		"rbf gamma 0.3, no shrinking, tiny cache": func() Config {
			cfg := DefaultConfig()
			cfg.Gamma = 0.3
			cfg.Shrinking = false
			cfg.CacheSize = 1
			cfg.Src = rand.NewPCG(3, 4)
			return cfg
		},
	}
	for name, cfg := range configs {
		t.Run(name, func(t *testing.T) {
			classifiertest.Conformance(t, iris, func(t *testing.T) classifier.Trainer { return mustNew(t, cfg()) })
		})
	}
}

// TestSeparable fits a linear SVM on six points that a vertical line
// separates. By hand: the widest margin lies between (0, 0) and (2, 0), the
// only points on it, so w = (−1, 0), b = 1 (the decision function is
// 1 − x₀, positive for the first class), the margin 2/‖w‖ is 2, and the
// duals are α = ½ on those two points (from w = Σ α_i·y_i·x_i and
// Σ α_i·y_i = 0) and 0 elsewhere; C = 10 does not bind.
func TestSeparable(t *testing.T) {
	const tol = 1e-6
	X := [][]float64{{0, 0}, {-1, 1}, {-1, -1}, {2, 0}, {3, 1}, {3, -1}}
	y := []int{0, 0, 0, 1, 1, 1}
	cfg := linearConfig()
	cfg.C = 10
	cfg.Tol = 1e-9
	fit, err := mustNew(t, cfg).Fit(t.Context(), X, y, 2)
	if err != nil {
		t.Fatal(err)
	}
	m := fit.Params.SVM
	if !reflect.DeepEqual(m.SupportVectors, [][]float64{{0, 0}, {2, 0}}) || !slices.Equal(m.NSupport, []int{1, 1}) {
		t.Fatalf("support vectors %v (per class %v), want [[0 0] [2 0]] (one per class)", m.SupportVectors, m.NSupport)
	}
	if c := m.DualCoef[0]; math.Abs(c[0]-0.5) > tol || math.Abs(c[1]+0.5) > tol {
		t.Errorf("dual coefficients %v, want [0.5 -0.5]", c)
	}
	if math.Abs(m.Intercept[0]-1) > tol {
		t.Errorf("intercept %v, want 1", m.Intercept[0])
	}
	var w [2]float64
	for s, v := range m.SupportVectors {
		w[0] += m.DualCoef[0][s] * v[0]
		w[1] += m.DualCoef[0][s] * v[1]
	}
	if margin := 2 / math.Hypot(w[0], w[1]); math.Abs(w[0]+1) > tol || math.Abs(w[1]) > tol || math.Abs(margin-2) > tol {
		t.Errorf("w = %v, margin %v; want w = (-1, 0), margin 2", w, margin)
	}
	if !fit.Converged || fit.Iterations < 1 {
		t.Errorf("converged %t after %d iterations", fit.Converged, fit.Iterations)
	}
	pred, err := fit.Params.Compile(2, 2)
	if err != nil {
		t.Fatal(err)
	}
	dec := make([]float64, 1)
	p := make([]float64, 2)
	for _, tt := range []struct {
		x    []float64
		want float64 // the decision value 1 − x₀
	}{{[]float64{0, 0}, 1}, {[]float64{2, 0}, -1}, {[]float64{1, 7}, 0}, {[]float64{-4, 3}, 5}, {[]float64{6, -2}, -5}} {
		m.DecisionInto(dec, tt.x)
		if math.Abs(dec[0]-tt.want) > tol {
			t.Errorf("decision value at %v: %v, want %v", tt.x, dec[0], tt.want)
		}
		pred.PredictInto(p, tt.x)
		if tt.want != 0 && (p[0] > 0.5) != (tt.want > 0) {
			t.Errorf("at %v: probabilities %v disagree with the decision value %v", tt.x, p, tt.want)
		}
	}
}

// TestSmallCacheSameModel checks that a cache of two columns, which evicts
// on almost every step, gives the same model as one that holds every column,
// with and without shrinking.
func TestSmallCacheSameModel(t *testing.T) {
	iris := classifiertest.Iris(t)
	for _, kernel := range []string{Linear, RBF} {
		for _, shrinking := range []bool{true, false} {
			fit := func(cacheSize int) *classifier.Fitted {
				cfg := DefaultConfig()
				cfg.Kernel, cfg.Shrinking, cfg.CacheSize = kernel, shrinking, cacheSize
				f, err := mustNew(t, cfg).Fit(t.Context(), iris.X, iris.Y, 3)
				if err != nil {
					t.Fatal(err)
				}
				return f
			}
			big, small := fit(0), fit(1)
			if !reflect.DeepEqual(big, small) {
				t.Errorf("%s kernel, shrinking %t: a two-column cache changed the model", kernel, shrinking)
			}
		}
	}
}

// TestShrinkingSameSolution compares fits with and without shrinking, which
// take different paths to the same optimum.
func TestShrinkingSameSolution(t *testing.T) {
	const tol = 1e-3
	iris := classifiertest.Iris(t)
	var fits [2]*model.SVM
	for i, shrinking := range []bool{true, false} {
		cfg := DefaultConfig()
		cfg.Shrinking = shrinking
		cfg.Tol = 1e-6
		f, err := mustNew(t, cfg).Fit(t.Context(), iris.X, iris.Y, 3)
		if err != nil {
			t.Fatal(err)
		}
		fits[i] = f.Params.SVM
	}
	a, b := fits[0], fits[1]
	if !slices.Equal(a.NSupport, b.NSupport) {
		t.Fatalf("support vectors per class %v with shrinking, %v without", a.NSupport, b.NSupport)
	}
	for p := range a.Intercept {
		if math.Abs(a.Intercept[p]-b.Intercept[p]) > tol {
			t.Errorf("pair %d: intercept %v with shrinking, %v without", p, a.Intercept[p], b.Intercept[p])
		}
	}
}

// TestAbsentClass fits on data where one of four declared classes has no
// row: the model covers the three present, and the absent one gets
// probability 0.
func TestAbsentClass(t *testing.T) {
	iris := classifiertest.Iris(t)
	y := make([]int, len(iris.Y))
	for i, c := range iris.Y {
		y[i] = []int{0, 1, 3}[c]
	}
	fit, err := mustNew(t, linearConfig()).Fit(t.Context(), iris.X, y, 4)
	if err != nil {
		t.Fatal(err)
	}
	if got := fit.Params.SVM.Labels; !slices.Equal(got, []int{0, 1, 3}) {
		t.Fatalf("labels %v, want [0 1 3]", got)
	}
	pred, err := fit.Params.Compile(len(iris.Features), 4)
	if err != nil {
		t.Fatal(err)
	}
	p := make([]float64, 4)
	correct := 0
	for i, x := range iris.X {
		pred.PredictInto(p, x)
		if p[2] != 0 {
			t.Fatalf("row %d: absent class has probability %v", i, p[2])
		}
		if model.ArgMax(p) == y[i] {
			correct++
		}
	}
	if acc := float64(correct) / float64(len(y)); acc < 0.95 {
		t.Errorf("training accuracy %.3f, want >= 0.95", acc)
	}
}

// TestMaxIter stops every binary problem after one iteration: not an error,
// but the fit reports that it did not converge.
func TestMaxIter(t *testing.T) {
	iris := classifiertest.Iris(t)
	cfg := linearConfig()
	cfg.MaxIter = 1
	fit, err := mustNew(t, cfg).Fit(t.Context(), iris.X, iris.Y, 3)
	if err != nil {
		t.Fatal(err)
	}
	if fit.Converged || fit.Iterations != 3 {
		t.Errorf("converged %t after %d iterations, want false after 3 (one per pair)", fit.Converged, fit.Iterations)
	}
}

// TestGamma checks the RBF coefficient rules on a 2×2 X with values
// 1, 2, 3, 4: mean 2.5, variance 1.25, so "scale" gives 1/(2·1.25) = 0.4
// and "auto" 1/2; a constant X has variance 0 and "scale" gives 1.
func TestGamma(t *testing.T) {
	X := [][]float64{{1, 2}, {3, 4}}
	tests := []struct {
		cfg  Config
		X    [][]float64
		want float64
	}{
		{Config{GammaRule: GammaScale}, X, 0.4},
		{Config{GammaRule: GammaAuto}, X, 0.5},
		{Config{Gamma: 0.25, GammaRule: GammaScale}, X, 0.25},
		{Config{GammaRule: GammaScale}, [][]float64{{3, 3}, {3, 3}}, 1},
	}
	for _, tt := range tests {
		if got := tt.cfg.gamma(tt.X); math.Abs(got-tt.want) > 1e-15 {
			t.Errorf("%+v on %v: gamma %v, want %v", tt.cfg, tt.X, got, tt.want)
		}
	}
}

// TestSigmoidTrain checks Platt's fit by its invariants: decision values
// that favor the labels give a decreasing sigmoid (A < 0), the probabilities
// order the rows as the decision values do, and the gradient of the
// objective vanishes at the result (libsvm's own stopping test). The end to
// end comparison with libsvm's probabilities is TestFitMatchesSklearn.
func TestSigmoidTrain(t *testing.T) {
	dec := []float64{-2.5, -1.2, -0.3, 0.1, 0.4, 1.3, 2.2, -0.8, 0.9, 1.7}
	labels := []int8{-1, -1, -1, +1, -1, +1, +1, -1, +1, +1}
	a, b := sigmoidTrain(dec, labels)
	if !(a < 0) {
		t.Fatalf("A = %v, want a negative slope for decision values that favor +1 when positive", a)
	}
	for i := range dec {
		for j := range dec {
			if dec[i] < dec[j] && sigmoid(dec[i], a, b) >= sigmoid(dec[j], a, b) {
				t.Fatalf("P(+1 | %v) >= P(+1 | %v)", dec[i], dec[j])
			}
		}
	}
	// At the optimum the gradient of the regularized cross-entropy is zero:
	// Σ (t_i − p_i)·f_i = 0 and Σ (t_i − p_i) = 0, with the targets of
	// sigmoidTrain (5 positives, 5 negatives: 6/7 and 1/7).
	var g1, g2 float64
	for i, f := range dec {
		target := 1.0 / 7
		if labels[i] > 0 {
			target = 6.0 / 7
		}
		d := target - sigmoid(f, a, b)
		g1 += f * d
		g2 += d
	}
	if math.Abs(g1) > 1e-5 || math.Abs(g2) > 1e-5 {
		t.Errorf("gradient at (A, B) = (%v, %v) is (%v, %v), want below 1e-5", a, b, g1, g2)
	}
}

// sigmoid is Platt's 1/(1 + exp(a·f + b)).
func sigmoid(f, a, b float64) float64 { return 1 / (1 + math.Exp(a*f+b)) }

func TestNewRejects(t *testing.T) {
	tests := map[string]struct {
		edit func(*Config)
		want string
	}{
		"kernel":     {func(c *Config) { c.Kernel = "poly" }, "invalid config: kernel "},
		"C zero":     {func(c *Config) { c.C = 0 }, "invalid config: C "},
		"C infinite": {func(c *Config) { c.C = math.Inf(1) }, "invalid config: C "},
		"gamma":      {func(c *Config) { c.Gamma = -1 }, "invalid config: gamma "},
		"gamma rule": {func(c *Config) { c.GammaRule = "wide" }, "invalid config: gamma "},
		"tol":        {func(c *Config) { c.Tol = 0 }, "invalid config: tol "},
		"max iter":   {func(c *Config) { c.MaxIter = 0 }, "invalid config: max_iter "},
		"cache":      {func(c *Config) { c.CacheSize = -5 }, "invalid config: CacheSize "},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			cfg := DefaultConfig()
			tt.edit(&cfg)
			_, err := New(cfg)
			if !errors.Is(err, ErrConfig) || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("New: error %v, want ErrConfig naming %s", err, tt.want)
			}
		})
	}
	// An explicit gamma makes the rule irrelevant.
	cfg := DefaultConfig()
	cfg.Gamma, cfg.GammaRule = 0.1, ""
	if _, err := New(cfg); err != nil {
		t.Errorf("New with Gamma 0.1 and no rule: %v", err)
	}
}

func TestExtremeFeaturesFailCleanly(t *testing.T) {
	X := [][]float64{{1e200, 0}, {-1e200, 1}, {1e200, 2}, {-1e200, 3}}
	y := []int{0, 1, 0, 1}
	_, err := mustNew(t, linearConfig()).Fit(t.Context(), X, y, 2)
	if !errors.Is(err, ErrSolver) {
		t.Errorf("Fit on values whose products overflow: error %v, want ErrSolver", err)
	}
}

func TestPredictIntoDoesNotAllocate(t *testing.T) {
	iris := classifiertest.Iris(t)
	for _, kernel := range []string{Linear, RBF} {
		cfg := DefaultConfig()
		cfg.Kernel = kernel
		fit, err := mustNew(t, cfg).Fit(t.Context(), iris.X, iris.Y, 3)
		if err != nil {
			t.Fatal(err)
		}
		pred, err := fit.Params.Compile(len(iris.Features), 3)
		if err != nil {
			t.Fatal(err)
		}
		dst := make([]float64, 3)
		x := iris.X[60]
		if allocs := testing.AllocsPerRun(1000, func() { pred.PredictInto(dst, x) }); allocs != 0 {
			t.Errorf("%s kernel: PredictInto allocates %v times per call, want 0", kernel, allocs)
		}
	}
}
