package logreg

import (
	"fmt"
	"math"
)

// Config holds the hyper-parameters of a fit. Start from DefaultConfig: the
// zero value is not valid, because FitIntercept defaults to true.
type Config struct {
	// C is the inverse of the L2 regularization strength; smaller values
	// regularize more. It must be positive. Default: 1.
	C float64
	// MaxIter bounds the number of L-BFGS iterations. It must be at least 1.
	// Default: 100.
	MaxIter int
	// Tol stops the fit once no component of the gradient of the objective
	// divided by C exceeds it in absolute value, as scikit-learn's tol. It
	// must be positive. Default: 1e-4.
	Tol float64
	// FitIntercept adds one unpenalized intercept per class. Default: true.
	FitIntercept bool
	// Standardize scales every feature to zero mean and unit population
	// standard deviation before fitting, and stores the mean and scale in the
	// fitted model.Linear so that prediction applies the same transform. A
	// constant feature gets scale 1. Default: false.
	Standardize bool
}

// DefaultConfig returns scikit-learn's defaults: C 1, MaxIter 100, Tol 1e-4,
// an intercept, no standardization.
func DefaultConfig() Config {
	return Config{C: 1, MaxIter: 100, Tol: 1e-4, FitIntercept: true}
}

// validate checks every field, naming the first bad one.
func (c Config) validate() error {
	if !(c.C > 0) || math.IsInf(c.C, 1) {
		return fmt.Errorf("%w: Config.C is %v, want a finite value > 0", ErrConfig, c.C)
	}
	if c.MaxIter < 1 {
		return fmt.Errorf("%w: Config.MaxIter is %d, want >= 1", ErrConfig, c.MaxIter)
	}
	if !(c.Tol > 0) || math.IsInf(c.Tol, 1) {
		return fmt.Errorf("%w: Config.Tol is %v, want a finite value > 0", ErrConfig, c.Tol)
	}
	return nil
}
