// Package classifier defines the one small interface every training
// algorithm implements, [Trainer], the result of a fit, [Fitted], and the
// input validation all algorithms share, [CheckInput].
//
// # Data orientation
//
// X is row-major: X[i] is observation i and X[i][j] its value of feature j.
// y[i] is the class index of observation i, in [0, classes). Algorithms
// never modify X or y.
//
// # Fitted parameters
//
// A fit produces [model.Params] with exactly one field set, the form a model
// bundle carries, so the result of training can be compiled with
// [model.Params.Compile] and evaluated before it becomes a bundle.
//
// # Warnings
//
// A fit that ends without error but not cleanly (a solver that stopped
// before its convergence test passed) returns its parameters with messages
// in [Fitted.Warnings], as scikit-learn raises a ConvergenceWarning instead
// of an exception. Training logs them with the model and fold and records
// them beside the model; only data the algorithm cannot fit at all, or a
// non-finite result, is an error.
//
// # Cancellation
//
// Fit checks its context between iterations (L-BFGS iterations, tree nodes)
// and returns the context's error, wrapped, once it is done.
package classifier
