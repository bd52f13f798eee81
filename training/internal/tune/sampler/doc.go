// Package sampler proposes the points a hyper-parameter search tries: the
// tree-structured Parzen estimator (TPE), written after Optuna 3.x's
// univariate TPESampler, and uniform random search. Both are seeded and
// deterministic: the same source and the same history give the same
// proposals.
//
// Samplers minimize. They work in the internal representation of package
// space (one float64 per dimension) and propose points in batches: every
// point of a batch is drawn from the same history, so a search that runs
// a batch's trials in parallel gets the same proposals whatever the
// number of workers.
package sampler
