// Package train runs the training pipeline: read params.yaml, load and
// validate the data, split it, cross-validate and fit every configured
// algorithm, pick the champion, and write the bundles, models/index.json and
// metrics.json.
//
// Everything is computed before anything is written, so a run that fails
// never leaves a half-updated models directory; each file is written
// atomically and the index last. Results are deterministic for a seed
// whatever the number of cores: folds run in parallel but each has its own
// seeded random source and its own slot for results.
//
// # Failures and warnings
//
// Each model is trained on its own: its cross-validation and final fit run
// under a context with the model's timeout (none by default), and a model
// whose fit errs, panics or times out is reported with StatusFailed or
// StatusTimedOut and its reason, while the other models are still trained,
// written and considered for champion. Only when every model fails does the
// run fail (ErrAllFailed); cancelling the run's context stops it all. Fits
// that end without error but not cleanly (classifier.Fitted.Warnings, as a
// solver that did not converge) are logged with the model and fold, and
// kept in ModelResult.Warnings and metrics.json.
//
// # Missing values
//
// With params.yaml's data.missing: impute, blank feature cells are loaded
// as NaN and filled with medians taken over the rows each fit trains on: a
// cross-validation fold's training rows for that fold (both its sides),
// the training split for the final fit, whose medians every bundle records
// as its features' impute values (see impute.go). With data.missing: error
// blank cells fail the load, and nothing here copies or scans for them.
package train
