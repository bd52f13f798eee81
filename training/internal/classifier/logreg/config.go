package logreg

import (
	"math"

	"github.com/mlopsgo/mlops/training/internal/classifier"
)

// Config holds the hyper-parameters of a fit, each under its params.yaml
// key. Start from DefaultConfig: the zero value is not valid, because
// FitIntercept defaults to true. Adding a parameter means a tagged field,
// its default, its check and its Hyperparameters entry, all in this file.
type Config struct {
	// C is the inverse of the L2 regularization strength; smaller values
	// regularize more. It must be positive. Default: 1.
	C float64 `yaml:"C"`
	// MaxIter bounds the number of L-BFGS iterations. It must be at least 1.
	// Default: 100.
	MaxIter int `yaml:"max_iter"`
	// Tol stops the fit once no component of the gradient of the objective
	// divided by C exceeds it in absolute value, as scikit-learn's tol. It
	// must be positive. Default: 1e-4.
	Tol float64 `yaml:"tol"`
	// FitIntercept adds one unpenalized intercept per class. Default: true.
	FitIntercept bool `yaml:"fit_intercept"`
	// Standardize scales every feature to zero mean and unit population
	// standard deviation before fitting, and stores the mean and scale in the
	// fitted model.Linear so that prediction applies the same transform. A
	// constant feature gets scale 1. Default: false, as the original project
	// (scikit-learn's LogisticRegression has no scaling of its own).
	Standardize bool `yaml:"standardize"`
	// Workers bounds the goroutines that evaluate the objective, each over
	// its own blocks of rows; 0 means GOMAXPROCS. The fitted model does not
	// depend on it: the blocks and the order their sums are added in are
	// fixed. It must not be negative. Default: 0.
	Workers int `yaml:"-"`
}

// DefaultConfig returns scikit-learn 1.2's defaults: C 1, MaxIter 100, Tol
// 1e-4, an intercept, no standardization.
func DefaultConfig() Config {
	return Config{C: 1, MaxIter: 100, Tol: 1e-4, FitIntercept: true}
}

// Hyperparameters returns the settings under their params.yaml keys, as
// bundles and runs record them.
func (c Config) Hyperparameters() map[string]any {
	return map[string]any{"C": c.C, "max_iter": c.MaxIter, "tol": c.Tol, "fit_intercept": c.FitIntercept, "standardize": c.Standardize}
}

// validate checks every field, naming the first bad one.
func (c Config) validate() error {
	switch {
	case !(c.C > 0) || math.IsInf(c.C, 1):
		return classifier.Invalid(ErrConfig, "C", "is %v; it must be a finite number > 0", c.C)
	case c.MaxIter < 1:
		return classifier.Invalid(ErrConfig, "max_iter", "is %d; it must be at least 1", c.MaxIter)
	case !(c.Tol > 0) || math.IsInf(c.Tol, 1):
		return classifier.Invalid(ErrConfig, "tol", "is %v; it must be a finite number > 0", c.Tol)
	case c.Workers < 0:
		return classifier.Invalid(ErrConfig, "Workers", "is %d; it must be at least 0 (0 for GOMAXPROCS)", c.Workers)
	}
	return nil
}
