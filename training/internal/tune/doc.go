// Package tune searches each model's hyper-parameters and estimates,
// honestly, how well "tune, then train" does: nested cross-validation.
//
// # Nested cross-validation
//
// The outer loop is the repeated stratified k-fold cross-validation that
// `mlops train` uses (params.yaml's cv:, seed:). For each outer fold a
// search runs on the fold's training part alone, scoring each trial by an
// inner stratified k-fold cross-validation of that part; the best trial's
// parameters are then fitted on the whole training part and scored on the
// outer test fold, which the search never saw. The best trial has the
// highest mean inner accuracy; ties, common on small data, go to the lower
// mean inner log loss, then to the earlier trial. The mean of those scores
// is the nested estimate. The best inner scores are reported too, marked
// optimistic: they are maxima over many noisy trials. A final search on
// the training split (the rows `mlops train` fits its bundles on) picks
// the parameters that `mlops tune --apply` writes.
//
// # Determinism
//
// Trials are proposed in batches of a fixed size (tune.batch), each batch
// from the results of earlier batches only, and every fit has its own
// random stream, so results for a seed are the same whatever the number
// of workers. Each search goes a batch at a time: the batch's first inner
// fold for every trial, then successive-halving pruning (a barrier within
// that search), then the next fold for the survivors. The searches do not
// wait for each other: all their fits, the nested estimate's and the
// configured settings' share the workers, so a core is idle only when no
// fit at all is ready.
package tune
