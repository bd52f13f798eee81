package logreg

import (
	"context"
	"errors"
	"fmt"
	"math"

	"gonum.org/v1/gonum/floats"
	"gonum.org/v1/gonum/optimize"

	"github.com/mlopsgo/mlops/training/internal/classifier"
	"github.com/mlopsgo/mlops/training/model"
)

// Trainer fits multinomial logistic regression with a fixed Config. It holds
// no state between fits and is safe for concurrent use.
type Trainer struct {
	cfg Config
}

var _ classifier.Trainer = (*Trainer)(nil)

// New returns a Trainer for cfg, or an error wrapping ErrConfig that names
// the first invalid field.
func New(cfg Config) (*Trainer, error) {
	if err := cfg.validate(); err != nil {
		return nil, err
	}
	return &Trainer{cfg: cfg}, nil
}

// Config returns the configuration the Trainer fits with.
func (t *Trainer) Config() Config { return t.cfg }

// Fit minimizes the objective described in the package documentation on X
// (one row per observation) and labels y in [0, classes), and returns the
// coefficients as model.Linear with one row per class. X and y are not
// modified.
//
// History holds the objective C·Σ −log p + ½‖W‖² after each L-BFGS
// iteration (the starting point is not included) and Iterations counts them.
// Converged is true when the gradient test of [Config.Tol] passed, when an
// iteration lowered the objective by no more than SciPy's relative ftol (as
// scikit-learn 1.2's lbfgs stops), or when the line search stalled in
// floating point with the gradient within rounding of zero. Otherwise the
// fit still returns the best parameters it found, with Converged false and
// one message in Warnings, as scikit-learn warns "lbfgs failed to
// converge": when MaxIter iterations ran first, or when the line search
// could not decrease the objective within maxLineSearch evaluations
// (scikit-learn's ABNORMAL_TERMINATION_IN_LNSRCH, where a step's decrease is
// below the rounding of the objective while the gradient is above Tol).
//
// Fit returns an error wrapping a classifier input error for invalid data,
// the context's error when ctx is done (checked before every evaluation of the
// objective), or ErrSolver when the objective or its gradient is not finite
// (features so large that the logits overflow).
func (t *Trainer) Fit(ctx context.Context, X [][]float64, y []int, classes int) (*classifier.Fitted, error) {
	return t.fit(ctx, X, y, classes, ftol)
}

// fit is Fit with the relative-decrease bound of the stopping rule as a
// parameter, so that a test can turn it off (0) and meet the line-search
// stall it otherwise prevents.
func (t *Trainer) fit(ctx context.Context, X [][]float64, y []int, classes int, ftol float64) (*classifier.Fitted, error) {
	if err := classifier.CheckInput(X, y, classes); err != nil {
		return nil, fmt.Errorf("logreg: fit: %w", err)
	}
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("logreg: fit: %w", err)
	}
	var mean, scale []float64
	if t.cfg.Standardize {
		mean, scale = standardization(X)
	}
	obj := newObjective(X, y, classes, t.cfg.C, t.cfg.FitIntercept, mean, scale, classifier.Workers(t.cfg.Workers))
	mon := &monitor{tol: t.cfg.Tol, ftol: ftol, maxIter: t.cfg.MaxIter, c: t.cfg.C}
	problem := optimize.Problem{
		Func: obj.Func,
		Grad: obj.Grad,
		Status: func() (optimize.Status, error) {
			if err := ctx.Err(); err != nil {
				return optimize.Failure, err
			}
			return optimize.NotTerminated, nil
		},
	}
	// The monitor is the only stopping rule: gonum's own gradient test is
	// strict (<) where SciPy's is not, and its default function-change test
	// would stop long before Tol is met.
	settings := &optimize.Settings{Converger: mon}
	method := &optimize.LBFGS{GradStopThreshold: math.NaN(), Linesearcher: &boundedLinesearch{Linesearcher: &optimize.Bisection{}}}
	res, err := optimize.Minimize(problem, make([]float64, obj.dim()), settings, method)
	if err != nil {
		if ctxErr := ctx.Err(); ctxErr != nil {
			return nil, fmt.Errorf("logreg: fit: %w", ctxErr)
		}
	}
	converged, warning, err := outcome(res, err, mon, obj.nonFinite)
	if err != nil {
		return nil, fmt.Errorf("logreg: fit %d rows, %d features, %d classes: %w", len(X), len(X[0]), classes, err)
	}
	lin := linear(res.X, classes, len(X[0]), t.cfg.FitIntercept)
	lin.Mean, lin.Scale = mean, scale
	return &classifier.Fitted{
		Params:     model.Params{Linear: lin},
		History:    mon.history,
		Iterations: len(mon.history),
		Converged:  converged,
		Warnings:   warnings(warning),
	}, nil
}

// outcome decides from the result of Minimize whether the fit converged,
// whether it ended with a warning, and whether it failed. As scikit-learn,
// which warns "lbfgs failed to converge" and keeps the parameters, an
// iteration limit or a line search that cannot improve the objective is a
// warning: res then holds the best point found (the last accepted iterate,
// L-BFGS only accepts decreases). Only a non-finite objective or gradient,
// at the result or at any point the solver tried (nonFinite), is an error
// wrapping ErrSolver, since the parameters could then be meaningless.
func outcome(res *optimize.Result, err error, mon *monitor, nonFinite bool) (converged bool, warning string, _ error) {
	if res == nil {
		return false, "", fmt.Errorf("%w: %w", ErrSolver, err)
	}
	gmax := floats.Norm(res.Gradient, math.Inf(1))
	if math.IsNaN(res.F) || math.IsInf(res.F, 0) || math.IsNaN(gmax) || math.IsInf(gmax, 0) {
		return false, "", fmt.Errorf("%w: objective %v, largest gradient component %v: not finite (features too large? try standardize)", ErrSolver, res.F, gmax)
	}
	iters := len(mon.history)
	if err == nil {
		switch res.Status {
		case optimize.GradientThreshold, optimize.FunctionConvergence:
			return true, "", nil
		case optimize.IterationLimit:
			return false, fmt.Sprintf("logreg: L-BFGS failed to converge: reached max_iter %d with the largest gradient component at %.2g, above tol %g; increase max_iter or standardize the features",
				mon.maxIter, gmax, mon.tol), nil
		}
		return false, "", fmt.Errorf("%w: L-BFGS stopped with status %v", ErrSolver, res.Status)
	}
	if !stall(err) {
		return false, "", fmt.Errorf("%w: %w", ErrSolver, err)
	}
	// Near the optimum the change in the objective along the search direction
	// falls below the rounding of its value, and the line search stops
	// without moving: that is convergence as far as float64 allows, provided
	// the gradient is small.
	if gmax <= mon.tol || gmax <= stallTol*math.Max(1, math.Abs(res.F)) {
		return true, "", nil
	}
	if nonFinite {
		return false, "", fmt.Errorf("%w: %w after the objective or its gradient was not finite at a trial point (features too large? try standardize)", ErrSolver, err)
	}
	return false, fmt.Sprintf("logreg: L-BFGS failed to converge after %d iterations: the line search could not decrease the objective (%v) with the largest gradient component at %.2g, above tol %g; the best parameters found are used",
		iters, err, gmax, mon.tol), nil
}

// warnings returns w as the fit's warnings, or nil when it is empty.
func warnings(w string) []string {
	if w == "" {
		return nil
	}
	return []string{w}
}

// ftol is the relative-decrease test of SciPy's L-BFGS-B with the defaults
// scikit-learn 1.2 leaves it (factr 1e7, ftol = factr·ε ≈ 2.2e-9): the fit
// has converged once an iteration lowers the objective by no more than ftol
// of its magnitude, (f_k − f_{k+1}) ≤ ftol·max(|f_k|, |f_{k+1}|, 1).
// Without it the gradient test of Tol alone decides, and on large data sets
// it is met, if ever, only after iterations whose decrease is at the
// rounding of the objective (a sum over every row), where the line search
// stalls after many evaluations: 69 evaluations for 22 iterations on
// 100,000 rows, against 17 for 16 with this test, at the same accuracy.
const ftol = 1e7 * 0x1p-52

// stallTol bounds, relative to the objective's magnitude, the largest
// gradient component at which a stalled line search still counts as
// convergence: the square root of the float64 machine epsilon, the usual
// limit of first-order accuracy. On Iris the line search stalls with
// gradients of 1e-8 to 6e-8 at objectives of 28 to 67, some 20 times below
// this bound, and within 2e-8 of scikit-learn's coefficients.
const stallTol = 0x1p-26

// stall reports whether err says that the line search could not make
// progress, as opposed to a broken objective.
func stall(err error) bool {
	return errors.Is(err, optimize.ErrNoProgress) ||
		errors.Is(err, optimize.ErrLinesearcherFailure) ||
		errors.Is(err, optimize.ErrNonDescentDirection)
}

// monitor is the stopping rule of the fit and records its history. gonum
// calls Converged at every major iteration, the starting point included.
type monitor struct {
	tol     float64
	ftol    float64 // the relative decrease that ends the fit; see ftol
	maxIter int
	c       float64

	started bool
	prevF   float64 // the objective at the previous major iteration
	history []float64
}

var _ optimize.Converger = (*monitor)(nil)

// Init resets the monitor for a new run.
func (m *monitor) Init(int) {
	m.started = false
	m.history = nil
}

// Converged records the objective at loc and applies, in SciPy's order, the
// gradient test, the relative-decrease test and the iteration limit.
func (m *monitor) Converged(loc *optimize.Location) optimize.Status {
	first, prev := !m.started, m.prevF
	m.started, m.prevF = true, loc.F
	if !first {
		// loc.F is the objective divided by C; History reports the
		// objective itself.
		m.history = append(m.history, m.c*loc.F)
	}
	switch {
	case floats.Norm(loc.Gradient, math.Inf(1)) <= m.tol:
		return optimize.GradientThreshold
	case !first && prev-loc.F <= m.ftol*max(math.Abs(prev), math.Abs(loc.F), 1):
		return optimize.FunctionConvergence
	case len(m.history) >= m.maxIter:
		return optimize.IterationLimit
	}
	return optimize.NotTerminated
}

// linear copies the parameter vector into a model.Linear.
func linear(w []float64, classes, features int, intercept bool) *model.Linear {
	lin := &model.Linear{
		Coef:      make([][]float64, classes),
		Intercept: make([]float64, classes),
	}
	for k := range classes {
		lin.Coef[k] = append([]float64(nil), w[k*features:(k+1)*features]...)
	}
	if intercept {
		copy(lin.Intercept, w[classes*features:])
	}
	return lin
}
