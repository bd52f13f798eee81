package svm

import (
	"fmt"
	"math"
	"math/rand/v2"

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

// DefaultCacheSize is the kernel cache of one binary problem, in bytes,
// scikit-learn's cache_size of 200 MB. Columns are allocated as the solver
// asks for them, so small problems use only what they need.
const DefaultCacheSize = 200 << 20

// Config holds the hyper-parameters of a fit. Start from DefaultConfig: the
// zero value is not valid.
type Config struct {
	// Kernel is Linear or RBF. Default: RBF (scikit-learn's default;
	// params.yaml chooses Linear, as the original project did).
	Kernel string
	// C is the penalty of the soft margin; it must be positive. Default: 1.
	C float64
	// Gamma is the RBF kernel's γ when positive; 0 means "derive it with
	// GammaRule". It must be finite and non-negative. The linear kernel
	// ignores it. Default: 0.
	Gamma float64
	// GammaRule derives γ when Gamma is 0: GammaScale or GammaAuto.
	// Default: GammaScale.
	GammaRule string
	// Tol stops the solver once the maximal violating pair violates the
	// optimality conditions by less than Tol, libsvm's eps. It must be
	// positive. Default: 1e-3.
	Tol float64
	// Shrinking enables libsvm's shrinking heuristic, which sets aside
	// variables that are likely to stay at a bound. Default: true.
	Shrinking bool
	// MaxIter bounds the iterations of each binary problem; 0 means no
	// bound, scikit-learn's -1. Reaching it is not an error: the fit reports
	// Converged false. Default: 0.
	MaxIter int
	// CacheSize bounds the kernel cache of one binary problem, in bytes;
	// at least two columns are always kept. 0 means DefaultCacheSize.
	// Default: 0.
	CacheSize int
	// Src shuffles the rows of libsvm's internal 5-fold cross-validation
	// that fits the Platt scaling of each pair. A fit consumes values from
	// it, so two fits reproduce each other only from identically seeded
	// sources. nil means a fixed source (rand.NewPCG(0, 0)) for every fit,
	// which keeps fits deterministic and the Trainer safe for concurrent
	// use. Default: nil.
	Src rand.Source
}

// DefaultConfig returns scikit-learn 1.2's SVC defaults: RBF kernel, C 1,
// gamma "scale", tol 1e-3, shrinking, no iteration bound.
func DefaultConfig() Config {
	return Config{Kernel: RBF, C: 1, GammaRule: GammaScale, Tol: 1e-3, Shrinking: true}
}

// validate checks every field, naming the first bad one.
func (c Config) validate() error {
	if c.Kernel != Linear && c.Kernel != RBF {
		return fmt.Errorf("%w: Config.Kernel is %q, want %q or %q", ErrConfig, c.Kernel, Linear, RBF)
	}
	if !(c.C > 0) || math.IsInf(c.C, 1) {
		return fmt.Errorf("%w: Config.C is %v, want a finite value > 0", ErrConfig, c.C)
	}
	if !(c.Gamma >= 0) || math.IsInf(c.Gamma, 1) {
		return fmt.Errorf("%w: Config.Gamma is %v, want a finite value >= 0 (0 to use GammaRule)", ErrConfig, c.Gamma)
	}
	if c.Gamma == 0 && c.GammaRule != GammaScale && c.GammaRule != GammaAuto {
		return fmt.Errorf("%w: Config.GammaRule is %q, want %q or %q when Config.Gamma is 0", ErrConfig, c.GammaRule, GammaScale, GammaAuto)
	}
	if !(c.Tol > 0) || math.IsInf(c.Tol, 1) {
		return fmt.Errorf("%w: Config.Tol is %v, want a finite value > 0", ErrConfig, c.Tol)
	}
	if c.MaxIter < 0 {
		return fmt.Errorf("%w: Config.MaxIter is %d, want >= 0 (0 for no bound)", ErrConfig, c.MaxIter)
	}
	if c.CacheSize < 0 {
		return fmt.Errorf("%w: Config.CacheSize is %d, want >= 0 (0 for the default)", ErrConfig, c.CacheSize)
	}
	return nil
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
