// Package importance measures how much each hyper-parameter of a search
// matters: fANOVA (Hutter, Hoos and Leyton-Brown, "An Efficient Approach for
// Assessing Hyperparameter Importance", ICML 2014), computed as Optuna 3.x's
// FanovaImportanceEvaluator computes it (optuna/importance/_fanova), so the
// numbers mean what Optuna users expect them to mean.
//
// # The computation
//
// A random forest regressor (64 trees of depth at most 64, split down to
// single samples, each tree on a bootstrap sample, every feature considered
// at every split: scikit-learn's RandomForestRegressor with Optuna's
// settings) is fitted on the complete trials, parameters to objective. The
// parameters enter as Optuna's _SearchSpaceTransform(transform_log=False,
// transform_step=False) encodes them: a numerical parameter as its value in
// its own units over [low, high], not log-transformed even when it is
// sampled log-uniformly, and a categorical one one-hot, a [0, 1] column per
// choice. A parameter that can take a single value is left out and gets 0;
// one that not every complete trial has (a conditional parameter) is left
// out altogether, as Optuna keeps to the trials' intersection search space
// (Inputs.Common).
//
// Each tree cuts the search space into boxes, one per leaf, each with the
// leaf's prediction. The tree's variance is the variance of that piecewise
// constant function over the space (leaf values weighted by box volume). A
// parameter's marginal is the function averaged over every other parameter,
// as a function of that parameter alone; it is constant between the tree's
// split thresholds on the parameter (on its one-hot columns, jointly, for a
// categorical), so its variance is a weighted variance over those cells,
// weighted by their widths. The parameter's fraction in the tree is its
// marginal's variance over the tree's; fractions are averaged over the trees
// with a non-zero variance, and the averages normalized to sum to 1.
//
// Optuna computes each marginal value by walking the tree from a cell's
// midpoint; here each leaf adds its share to the cells its box covers (a
// difference array along a numerical parameter). The sums are the same
// (the e2e test feeds this package's trees to Optuna's own code), and a
// search of a thousand trials over eight parameters takes half a second on
// one core (BenchmarkFanova), where Optuna 3.1's documentation warns of
// over a minute.
//
// # What it is not
//
// The forest is random: importances from two seeds differ, the more so the
// fewer the trials, and this package's forest draws its bootstraps and
// feature orders from a Go source, not from NumPy's, so it agrees with
// Optuna in distribution, not digit for digit. Main effects only: the
// variance that interactions explain counts for no parameter, which
// Result.Explained shows before normalization.
package importance
