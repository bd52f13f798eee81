package svm

import (
	"math"
	"math/rand/v2"
	"strconv"

	"go.yaml.in/yaml/v3"

	"github.com/mlopsgo/mlops/training/internal/classifier"
	"github.com/mlopsgo/mlops/training/model"
)

// Kernels accepted in Config.Kernel.
const (
	// Linear is K(a, b) = a·b.
	Linear = model.KernelLinear
	// RBF is K(a, b) = exp(−γ‖a−b‖²).
	RBF = model.KernelRBF
)

// Rules for Config.GammaRule, scikit-learn's string values of gamma.
const (
	// GammaScale sets γ = 1/(d·Var(X)), the variance taken over every value
	// of the training X (1 when it is 0).
	GammaScale = "scale"
	// GammaAuto sets γ = 1/d.
	GammaAuto = "auto"
)

// Solvers accepted in Config.Solver.
const (
	// SolverAuto picks SolverLiblinear for the linear kernel when the
	// training set has at least LiblinearMinRows rows or Config.Standardize
	// is set, and SolverLibsvm otherwise.
	SolverAuto = "auto"
	// SolverLibsvm is scikit-learn's SVC(probability=True): libsvm's SMO,
	// one-vs-one, Platt scaling from an internal 5-fold cross-validation.
	SolverLibsvm = "libsvm"
	// SolverLiblinear is scikit-learn's CalibratedClassifierCV(LinearSVC(),
	// cv=3, method="sigmoid"): liblinear's primal Newton method or dual
	// coordinate descent (see Config.Dual) for the squared hinge loss,
	// one-vs-rest, calibrated on 3 stratified folds. It needs the linear
	// kernel.
	SolverLiblinear = "liblinear"
)

// Settings of Config.Dual, scikit-learn's LinearSVC(dual=...).
const (
	// DualAuto solves the primal when a binary problem has at least as many
	// training rows as features and the dual otherwise, as scikit-learn
	// 1.3's dual="auto": with many more rows than features the dual's
	// coordinate descent needs many passes over every row, while the
	// primal's Newton method works in as many dimensions as there are
	// features.
	DualAuto = "auto"
	// DualTrue always solves the dual, liblinear's L2R_L2LOSS_SVC_DUAL
	// (scikit-learn 1.2's default).
	DualTrue = "true"
	// DualFalse always solves the primal, liblinear's L2R_L2LOSS_SVC: a
	// trust-region Newton method (TRON).
	DualFalse = "false"
)

// LiblinearMinRows is the training set size from which SolverAuto picks
// liblinear for the linear kernel. Where liblinear becomes faster depends on
// the data; measured here (one fit each, 3 classes, linear kernel, both
// solvers with probabilities, on a shared 2-core machine):
//
//   - make_classification (20 features, 10 informative, 5 redundant):
//     liblinear is faster at every size, 0.04 s against 0.14 s at 150 rows,
//     0.7 s against 2.3 s at 1000, 0.6 s against 5.1 s at 2000 (libsvm took
//     111 s at 10,000).
//   - easy, low-dimensional data (Iris; BenchmarkSolvers' 4-feature
//     blobs): libsvm converges in a few SMO steps while liblinear runs out
//     its 1000 passes, so libsvm is faster until 2000 to 5000 rows (4 ms
//     against 45 ms on Iris; 29 ms against 75 ms at 2000 blobs; 249 ms
//     against 153 ms at 5000).
//
// 2000 rows keeps small data sets, Iris among them, on the SVC that
// params.yaml's linear SVM has always been, where both solvers take well
// under a second or a few at worst, and moves every larger linear fit,
// where libsvm's quadratic growth costs seconds to minutes, to liblinear.
const LiblinearMinRows = 2000

// Defaults of the liblinear solver, scikit-learn's LinearSVC defaults.
const (
	// DefaultLinearTol is LinearSVC's tol.
	DefaultLinearTol = 1e-4
	// DefaultLinearMaxIter is LinearSVC's max_iter.
	DefaultLinearMaxIter = 1000
)

// DefaultCacheSize is the kernel cache of one binary problem, in bytes,
// scikit-learn's cache_size of 200 MB. Columns are allocated as the solver
// asks for them, so small problems use only what they need.
const DefaultCacheSize = 200 << 20

// Config holds the hyper-parameters of a fit, each under its params.yaml
// key. Start from DefaultConfig: the zero value is not valid. Adding a
// parameter means a tagged field, its default, its check and its
// Hyperparameters entry, all in this file.
type Config struct {
	// Kernel is Linear or RBF. Default: RBF (scikit-learn's default;
	// params.yaml chooses Linear, as the original project did).
	Kernel string `yaml:"kernel"`
	// C is the penalty of the soft margin; it must be positive. Default: 1.
	C float64 `yaml:"C"`
	// Gamma is the RBF kernel's γ when positive; 0 means "derive it with
	// GammaRule". It must be finite and non-negative. The linear kernel
	// ignores it. params.yaml's gamma sets this or GammaRule: a number, or
	// scale or auto. Default: 0.
	Gamma float64 `yaml:"-"`
	// GammaRule derives γ when Gamma is 0: GammaScale or GammaAuto.
	// Default: GammaScale.
	GammaRule string `yaml:"-"`
	// Tol stops the solver once the maximal violating pair violates the
	// optimality conditions by less than Tol, libsvm's eps. It must be
	// positive. Default: 1e-3.
	Tol float64 `yaml:"tol"`
	// Shrinking enables libsvm's shrinking heuristic, which sets aside
	// variables that are likely to stay at a bound. Default: true.
	Shrinking bool `yaml:"shrinking"`
	// MaxIter bounds the iterations of each binary problem; -1 means no
	// bound, as scikit-learn's. Reaching it is not an error: the fit reports
	// Converged false. Default: -1.
	MaxIter int `yaml:"max_iter"`
	// CacheSize bounds the kernel cache of one binary problem, in bytes;
	// at least two columns are always kept. 0 means DefaultCacheSize.
	// Default: 0.
	CacheSize int `yaml:"-"`
	// Solver is SolverAuto, SolverLibsvm or SolverLiblinear; "" means
	// SolverAuto. SolverLiblinear with the RBF kernel is an error.
	// Default: SolverAuto.
	Solver string `yaml:"solver"`
	// Standardize scales every feature to zero mean and unit population
	// standard deviation before fitting, and stores the mean and scale in
	// the fitted model so that prediction applies the same transform (a
	// constant feature gets scale 1). Only the liblinear solver supports
	// it: with SolverAuto it selects liblinear, and with SolverLibsvm or
	// the RBF kernel it is an error. Default: false.
	Standardize bool `yaml:"standardize"`
	// LinearTol is liblinear's eps, scikit-learn's LinearSVC tol: the dual
	// coordinate descent stops once its projected gradients span at most
	// LinearTol; the primal Newton method once the gradient's norm is at
	// most LinearTol·max(min(pos, neg), 1)/rows times its norm at w = 0, as
	// liblinear scales it by the smaller class. 0 means DefaultLinearTol; it
	// must not be negative. The libsvm solver ignores it. Default: 0.
	LinearTol float64 `yaml:"linear_tol"`
	// LinearMaxIter bounds the passes of the dual coordinate descent over
	// the rows of each binary problem, or the primal's Newton iterations,
	// LinearSVC's max_iter. Reaching it is not an error: the fit reports
	// Converged false. 0 means DefaultLinearMaxIter; it must not be
	// negative. The libsvm solver ignores it. Default: 0.
	LinearMaxIter int `yaml:"linear_max_iter"`
	// Dual chooses liblinear's solver for each binary problem: DualAuto,
	// DualTrue or DualFalse; "" means DualAuto. params.yaml takes auto,
	// true or false, as scikit-learn's LinearSVC(dual=...). The libsvm
	// solver ignores it. Default: DualAuto.
	Dual string `yaml:"dual"`
	// Workers bounds the binary problems the liblinear solver fits in
	// parallel (3 folds times one problem per class); 0 means GOMAXPROCS.
	// The fitted model does not depend on it. The libsvm solver ignores
	// it. Default: 0.
	Workers int `yaml:"-"`
	// Src shuffles the rows of libsvm's internal 5-fold cross-validation
	// that fits the Platt scaling of each pair, or, with liblinear, seeds
	// the order of the coordinate descent's steps in each binary problem
	// (two values per problem, drawn whether the problem is solved in its
	// dual or, without randomness, in its primal). A fit consumes values
	// from it, so two fits reproduce each other only from identically
	// seeded sources. nil means a fixed source (rand.NewPCG(0, 0)) for every fit,
	// which keeps fits deterministic and the Trainer safe for concurrent
	// use. Default: nil.
	Src rand.Source `yaml:"-"`
}

// DefaultConfig returns scikit-learn 1.2's SVC defaults: RBF kernel, C 1,
// gamma "scale", tol 1e-3, shrinking, no iteration bound; the solver is
// chosen automatically, with LinearSVC's defaults for liblinear.
func DefaultConfig() Config {
	return Config{Kernel: RBF, C: 1, GammaRule: GammaScale, Tol: 1e-3, Shrinking: true, MaxIter: -1,
		Solver: SolverAuto, LinearTol: DefaultLinearTol, LinearMaxIter: DefaultLinearMaxIter, Dual: DualAuto}
}

// UnmarshalYAML decodes a params.yaml section over c, so absent keys keep
// c's values; gamma is a number or a rule.
func (c *Config) UnmarshalYAML(n *yaml.Node) error {
	type plain Config // without this method, so Decode does not recurse
	if err := n.Decode((*plain)(c)); err != nil {
		return err
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		if k, v := n.Content[i], n.Content[i+1]; k.Value == "gamma" {
			if v.Kind != yaml.ScalarNode || v.ShortTag() == "!!null" {
				return classifier.Invalid(ErrConfig, "gamma", "at line %d must be scale, auto or a positive number", v.Line)
			}
			c.Gamma, c.GammaRule = 0, v.Value
			if f, err := strconv.ParseFloat(v.Value, 64); err == nil {
				c.Gamma, c.GammaRule = f, ""
			}
		}
	}
	return nil
}

// Hyperparameters returns the settings under their params.yaml keys, as
// bundles and runs record them.
func (c Config) Hyperparameters() map[string]any {
	var gamma any = c.GammaRule
	if c.Gamma != 0 || c.GammaRule == "" {
		gamma = c.Gamma
	}
	solver := c.Solver
	if solver == "" {
		solver = SolverAuto
	}
	return map[string]any{"kernel": c.Kernel, "C": c.C, "gamma": gamma, "tol": c.Tol, "shrinking": c.Shrinking, "max_iter": c.MaxIter,
		"solver": solver, "standardize": c.Standardize, "linear_tol": c.LinearTol, "linear_max_iter": c.LinearMaxIter,
		"dual": dualSetting(c.Dual)}
}

// dualSetting returns a Dual setting as params.yaml spells it: auto, or
// the boolean scikit-learn takes.
func dualSetting(dual string) any {
	switch dual {
	case DualTrue:
		return true
	case DualFalse:
		return false
	}
	return DualAuto
}

// Recorded returns the settings a bundle of a fit on rows training rows
// records: Hyperparameters, less dual where the fit used libsvm, which
// ignores it, so that bundles of the libsvm solver (Iris's) are what they
// were before the setting existed. Read back as a params.yaml section, the
// map fits the same model on the same data.
func (c Config) Recorded(rows int) map[string]any {
	hp := c.Hyperparameters()
	if !c.liblinear(rows) {
		delete(hp, "dual")
	}
	return hp
}

// validate checks every field, naming the first bad one.
func (c Config) validate() error {
	switch {
	case c.Kernel != Linear && c.Kernel != RBF:
		return classifier.Invalid(ErrConfig, "kernel", "is %q; it must be %s or %s", c.Kernel, Linear, RBF)
	case !(c.C > 0) || math.IsInf(c.C, 1):
		return classifier.Invalid(ErrConfig, "C", "is %v; it must be a finite number > 0", c.C)
	case !(c.Gamma >= 0) || math.IsInf(c.Gamma, 1), c.Gamma == 0 && c.GammaRule != GammaScale && c.GammaRule != GammaAuto:
		if c.Gamma == 0 {
			return classifier.Invalid(ErrConfig, "gamma", "is %q; it must be %s, %s or a positive number", c.GammaRule, GammaScale, GammaAuto)
		}
		return classifier.Invalid(ErrConfig, "gamma", "is %v; it must be %s, %s or a positive number", c.Gamma, GammaScale, GammaAuto)
	case !(c.Tol > 0) || math.IsInf(c.Tol, 1):
		return classifier.Invalid(ErrConfig, "tol", "is %v; it must be a finite number > 0", c.Tol)
	case c.MaxIter < 1 && c.MaxIter != -1:
		return classifier.Invalid(ErrConfig, "max_iter", "is %d; it must be -1 (no bound) or at least 1", c.MaxIter)
	case c.CacheSize < 0:
		return classifier.Invalid(ErrConfig, "CacheSize", "is %d; it must be at least 0 (0 for the default)", c.CacheSize)
	}
	switch {
	case c.Solver != "" && c.Solver != SolverAuto && c.Solver != SolverLibsvm && c.Solver != SolverLiblinear:
		return classifier.Invalid(ErrConfig, "solver", "is %q; it must be %s, %s or %s", c.Solver, SolverAuto, SolverLibsvm, SolverLiblinear)
	case c.Solver == SolverLiblinear && c.Kernel != Linear:
		return classifier.Invalid(ErrConfig, "solver", "is %s, which needs kernel %s, not %s", SolverLiblinear, Linear, c.Kernel)
	case c.Standardize && (c.Kernel != Linear || c.Solver == SolverLibsvm):
		return classifier.Invalid(ErrConfig, "standardize", "is true, which needs the liblinear solver (kernel %s, solver %s or %s); have kernel %s, solver %s",
			Linear, SolverLiblinear, SolverAuto, c.Kernel, c.Solver)
	case !(c.LinearTol >= 0) || math.IsInf(c.LinearTol, 1):
		return classifier.Invalid(ErrConfig, "linear_tol", "is %v; it must be a finite number >= 0 (0: the default)", c.LinearTol)
	case c.LinearMaxIter < 0:
		return classifier.Invalid(ErrConfig, "linear_max_iter", "is %d; it must be at least 0 (0: the default)", c.LinearMaxIter)
	case c.Dual != "" && c.Dual != DualAuto && c.Dual != DualTrue && c.Dual != DualFalse:
		return classifier.Invalid(ErrConfig, "dual", "is %q; it must be %s, %s or %s", c.Dual, DualAuto, DualTrue, DualFalse)
	case c.Workers < 0:
		return classifier.Invalid(ErrConfig, "Workers", "is %d; it must be at least 0 (0 for GOMAXPROCS)", c.Workers)
	}
	return nil
}

// liblinear reports whether a fit on the given number of rows uses the
// liblinear solver; the Config must be valid.
func (c Config) liblinear(rows int) bool {
	switch c.Solver {
	case SolverLiblinear:
		return true
	case SolverLibsvm:
		return false
	}
	return c.Kernel == Linear && (rows >= LiblinearMinRows || c.Standardize)
}

// dualCD returns the stopping rule of the liblinear solver.
func (c Config) dualCD() dualCDConfig {
	cfg := dualCDConfig{eps: c.LinearTol, maxIter: c.LinearMaxIter}
	if cfg.eps == 0 {
		cfg.eps = DefaultLinearTol
	}
	if cfg.maxIter == 0 {
		cfg.maxIter = DefaultLinearMaxIter
	}
	return cfg
}

// primal reports whether liblinear solves a binary problem of rows
// training rows and features features (the bias not counted) in the
// primal; the Config must be valid.
func (c Config) primal(rows, features int) bool {
	switch c.Dual {
	case DualTrue:
		return false
	case DualFalse:
		return true
	}
	// scikit-learn 1.3's _validate_dual_parameter: dual when
	// n_samples < n_features.
	return rows >= features
}

// gamma returns the RBF coefficient for the training rows X, as
// scikit-learn's BaseLibSVM.fit computes it.
func (c Config) gamma(X [][]float64) float64 {
	if c.Gamma > 0 {
		return c.Gamma
	}
	d := len(X[0])
	if c.GammaRule == GammaAuto {
		return 1 / float64(d)
	}
	// numpy's X.var(): the mean of the squared deviations from the mean of
	// all n·d values.
	var sum float64
	for _, row := range X {
		for _, v := range row {
			sum += v
		}
	}
	n := float64(len(X) * d)
	mean := sum / n
	var ss float64
	for _, row := range X {
		for _, v := range row {
			dv := v - mean
			ss += dv * dv
		}
	}
	if v := ss / n; v != 0 {
		return 1 / (float64(d) * v)
	}
	return 1
}
