package logreg

import "errors"

var (
	// ErrConfig is returned by New for an invalid Config; the message names
	// the field.
	ErrConfig = errors.New("logreg: invalid config")
	// ErrSolver is returned when L-BFGS fails away from the optimum: a line
	// search that cannot make progress while the gradient is still large, or
	// an objective that is not finite (features so large that the logits
	// overflow).
	ErrSolver = errors.New("logreg: solver failed")
)
