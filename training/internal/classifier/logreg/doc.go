// Package logreg fits multinomial logistic regression, as scikit-learn 1.2's
// LogisticRegression(multi_class="multinomial", solver="lbfgs").
//
// # Objective
//
// With K classes and d features the model has a K×d coefficient matrix W and
// K intercepts b (one row per class, also for two classes). Fit minimizes
//
//	C · Σ_i −log softmax(W x_i + b)_{y_i} + ½‖W‖²
//
// over W and b; the intercepts are not penalized. The log-sum-exp is
// evaluated after subtracting the largest logit, so large logits do not
// overflow.
//
// # Solver
//
// The minimization uses gonum's L-BFGS from a zero start, stopped as SciPy's
// L-BFGS-B stops it for scikit-learn 1.2 (which hands SciPy the objective
// divided by C): when every component of the gradient of that scaled
// objective is at most [Config.Tol] in absolute value (pgtol), or when an
// iteration lowers it by no more than 2.2e-9 of its magnitude (SciPy's
// default ftol). A line search gets at most 20 evaluations (SciPy's maxls).
// When the line search can no longer change the parameters in floating
// point, the fit counts as converged if the gradient is within rounding of
// zero; see [Trainer.Fit]. Otherwise a line search that cannot improve,
// like reaching [Config.MaxIter], is not an error: the best parameters found
// are returned with Converged false and a message in Fitted.Warnings, where
// scikit-learn would raise a ConvergenceWarning. Only a non-finite
// objective or gradient is an error ([ErrSolver]).
//
// The objective is evaluated on all cores ([Config.Workers]), each
// goroutine summing fixed blocks of rows whose sums are then added in block
// order.
//
// The fit is deterministic: the same data and configuration give bitwise
// identical parameters, for any number of workers.
package logreg
