package logreg

import "errors"

var (
	// ErrConfig is returned by New for an invalid Config; the message names
	// the field.
	ErrConfig = errors.New("logreg: invalid config")
	// ErrSolver is returned when L-BFGS fails: the objective or its gradient
	// is not finite (features so large that the logits overflow), or the
	// solver stops in a way that is neither convergence nor one of the
	// warnings of Trainer.Fit. A line search that cannot improve and the
	// iteration limit are warnings, not ErrSolver.
	ErrSolver = errors.New("logreg: solver failed")
)
