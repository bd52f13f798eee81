// Package train runs the training pipeline: read params.yaml, load and
// validate the data, split it, cross-validate and fit every configured
// algorithm, pick the champion, and write the bundles, models/index.json and
// metrics.json.
//
// Everything is computed before anything is written, so a failing fit never
// leaves a half-updated models directory; each file is written atomically and
// the index last. Results are deterministic for a seed whatever the number of
// cores: folds run in parallel but each has its own seeded random source and
// its own slot for results.
package train
