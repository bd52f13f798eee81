package classifier

import (
	"context"

	"github.com/mlopsgo/mlops/training/model"
)

// Trainer fits one algorithm. X is row-major: one row per observation. y
// holds class indices in [0, classes). Fit does not modify X or y; it returns
// an error wrapping the context's error when ctx is done before the fit ends.
type Trainer interface {
	Fit(ctx context.Context, X [][]float64, y []int, classes int) (*Fitted, error)
}

// Fitted is the result of a fit.
type Fitted struct {
	// Params holds the fitted parameters; exactly one field is set.
	Params model.Params
	// History is the training loss after each iteration where the algorithm
	// has one (logistic regression: the objective after each L-BFGS
	// iteration), else nil. When set, len(History) == Iterations.
	History []float64
	// Iterations is the number of iterations the algorithm ran; each
	// algorithm documents what it counts.
	Iterations int
	// Converged reports whether the algorithm met its stopping criterion
	// before its iteration limit. Non-convergence is not an error: the
	// parameters are the best found.
	Converged bool
	// ValidationHistory is the loss on held-out rows after each iteration,
	// one value per entry of History, from a Trainer given such rows (see
	// Evaluator); else nil.
	ValidationHistory []float64
	// Warnings are messages, one per problem, about a fit that ended
	// without error but not cleanly (as scikit-learn's ConvergenceWarning:
	// an iteration limit reached, a line search that could not improve).
	// The parameters are still usable; callers log and record them. Each
	// message starts with the package name, as errors do. Nil when there
	// is nothing to report.
	Warnings []string
}

// Evaluator is a Trainer that can also report, after each iteration, the
// loss on held-out rows it does not fit on (gradient-boosted trees: the
// log loss after each round). Training passes the hold-out split so a run
// records a validation curve beside the training one.
type Evaluator interface {
	Trainer
	// WithValidation returns a Trainer that fits as this one does and also
	// sets Fitted.ValidationHistory to the loss on X and y, which take no
	// part in the fit. The receiver is not changed.
	WithValidation(X [][]float64, y []int) Trainer
}

// HistoryRecorder is a Trainer whose training loss history costs time to
// compute (gradient-boosted trees: a logarithm per row and round) and can
// be left out by a caller that only scores the fitted model, as tuning's
// fits do.
type HistoryRecorder interface {
	Trainer
	// WithoutHistory returns a Trainer that fits the same model as this
	// one, bit for bit, and leaves Fitted.History nil. The receiver is not
	// changed.
	WithoutHistory() Trainer
}
