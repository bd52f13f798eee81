// Package svm fits support vector classifiers, as scikit-learn 1.2's
// SVC(probability=True), which wraps libsvm: C-SVC with a linear or RBF
// kernel, one-vs-one for more than two classes, and libsvm's probability
// estimates.
//
// # Solver
//
// Each binary problem is libsvm's dual
//
//	min ½αᵀQα − eᵀα  subject to  yᵀα = 0,  0 ≤ α_i ≤ C,  Q_ij = y_i·y_j·K(x_i, x_j),
//
// solved by SMO with libsvm's second-order working-set selection (WSS3 of
// Fan, Chen and Lin, JMLR 2005), its analytic two-variable step and
// clipping, its stopping rule (the maximal KKT violation below
// [Config.Tol]) and, with [Config.Shrinking], its shrinking heuristic with
// gradient reconstruction. Columns of Q are computed on demand, rounded to
// float32 and kept in an LRU cache of [Config.CacheSize] bytes, as libsvm
// does, so on the problems of testdata/sklearn_svm.json the fitted
// coefficients equal scikit-learn's to about 1e-13.
//
// On badly conditioned problems SMO's steps crawl: the linear kernel on
// wine's unscaled features (proline in the thousands, hue below one) takes
// libsvm hundreds of thousands of iterations per pair. After 4·l
// iterations (at least 200) on a problem of l ≤ 1000 rows, the linear
// kernel with fewer features than rows tries a jump: a primal-dual
// interior-point method (Mehrotra's predictor-corrector, its Newton systems
// solved through the Woodbury identity on Q = ZZᵀ), then a primal
// active-set method on the free variables with SMO's own float32 Q. After
// 3l² iterations, any kernel tries the same with a dense Cholesky
// factorization of Q. The jump is taken only if its point meets SMO's
// stopping rule on SMO's Q with an objective no higher than SMO's iterate;
// SMO then confirms it and computes rho from its gradient as always. So a
// fit either is libsvm's, iteration for iteration (every problem libsvm
// solves within those budgets, which includes every one of the unit tests'
// fixtures), or meets libsvm's optimality conditions at an objective at
// least as low. On wine a fit takes 15–20 ms instead of 0.25–0.7 s. When
// features are so far apart in scale that float32 rounding makes Q
// indefinite, no jump qualifies and SMO runs to its end as libsvm does.
//
// # Kernels
//
// [Linear] is a·b; [RBF] is exp(−γ‖a−b‖²), with γ given or derived as
// scikit-learn does ([GammaScale]: 1/(d·Var(X)); [GammaAuto]: 1/d).
//
// # Multi-class
//
// As libsvm's svm_train: the classes present are sorted, the rows of each
// keep their order, and one binary problem is solved per pair (i, j), i < j,
// with class i as +1. Support vectors are the rows with a non-zero
// coefficient in any pair, stored once, grouped by class, with libsvm's
// coefficient layout (see [model.SVM]).
//
// # Probabilities
//
// Before each pair's problem is solved, libsvm's svm_binary_svc_probability
// shuffles the pair's rows with [Config.Src], fits the pair on four fifths
// of them five times to get a decision value for every row, and fits Platt's
// sigmoid 1/(1 + exp(A·f + B)) to those values with libsvm's Newton method
// (sigmoid_train). At prediction, [model.SVM] couples the pairwise
// probabilities into one distribution with libsvm's multiclass_probability.
// libsvm draws its shuffle from its own generator, so the probabilities
// match scikit-learn's only approximately (within a few hundredths on Iris);
// the decision values match exactly.
//
// # Predicted class
//
// scikit-learn's SVC.predict returns the winner of libsvm's one-vs-one vote
// on the decision values, even with probability=True; [model.SVM.Vote]
// gives that class. A bundle serves the most probable class instead, like
// every other algorithm here, so that the predicted class and the reported
// confidence agree. The two differ only near the decision boundaries; the
// e2e test of package train measures how often.
//
// # The liblinear solver
//
// SMO's cost grows about quadratically with the rows, and libsvm fits every
// pair six times for its Platt scaling. For the linear kernel on larger data
// [Config.Solver] selects scikit-learn's CalibratedClassifierCV(LinearSVC(),
// cv=3, method="sigmoid") instead (automatically from [LiblinearMinRows]
// rows). Each binary problem minimizes the L2-regularized squared hinge
// loss, the intercept a bias feature of value 1 that is regularized too, in
// one of two ways, chosen by [Config.Dual] as scikit-learn 1.3's
// LinearSVC(dual="auto") chooses: in the primal when the fold's training
// rows are at least as many as the features, with liblinear's trust-region
// Newton method (L2R_L2LOSS_SVC, TRON with conjugate gradient as
// scikit-learn 1.2 vendors it: deterministic, a handful of Newton steps of
// a few passes over the rows each), otherwise in the dual, with its
// coordinate descent (solve_l2r_l1l2_svc, L2R_L2LOSS_SVC_DUAL: rows
// visited in a random order drawn from [Config.Src] at every pass,
// liblinear's shrinking), which on many rows and few features runs out its
// 1000 passes without converging. Both use C, tol 1e-4 and 1000 iterations
// by default, one-vs-rest over the classes present (one problem for two
// classes, the second class positive). Its calibration
// splits the rows into 3 folds as StratifiedKFold(3) does, fits LinearSVC
// on two folds and a Platt sigmoid per decision function on the third
// (scikit-learn's _sigmoid_calibration: Platt's regularized targets, solved
// by the same Newton method as libsvm's), and keeps the three calibrated
// members (ensemble=True). The result is a [model.LinearSVM], whose
// prediction averages the members' normalized probabilities. The 3 × classes
// binary problems run on [Config.Workers] goroutines, each with its own
// source seeded from [Config.Src] in a fixed order, so the model does not
// depend on how many run at once. A class with
// fewer than 3 rows is an error ([ErrTooFewRows]), as in scikit-learn.
// In the dual, liblinear draws its order from its own generator, so weights
// match LinearSVC's within the tolerance, not bit for bit; the primal
// follows liblinear's arithmetic and matches to rounding.
package svm
