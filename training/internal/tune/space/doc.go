// Package space declares hyper-parameter search spaces: for each tuned
// parameter of an algorithm, under its params.yaml key, a float range
// (linear or log-uniform), an integer range (optionally with "unlimited",
// null in params.yaml, as one more value) or a list of choices.
//
// Each algorithm's package declares its space beside its Config (space.go),
// and params.yaml's tune: section may narrow it (Narrow). A sampled point
// becomes a params.yaml model section (Overlay), so every trial is decoded
// and validated by the algorithm exactly as `mlops train` would, and
// `mlops tune --apply` writes the same values.
//
// A dimension may be conditional (Dim.When): it exists only where an
// earlier categorical dimension takes some values, as the RBF kernel's
// gamma, which the linear kernel ignores. Where its condition fails it is
// not sampled, and points, the tune table and --apply leave it out, as a
// parameter Optuna's define-by-run objective does not suggest.
//
// Samplers work in an internal representation, one float64 per
// dimension: the value itself for a float or an integer (its logarithm
// when the dimension is log-scaled), the index of the choice for a
// categorical dimension, NaN for an inactive conditional dimension.
// Dim.Bounds and Dim.Value convert; Space.Active says which dimensions a
// point has.
//
// This package imports nothing of this repository's, so that the
// algorithms' packages can declare their spaces with it.
package space
