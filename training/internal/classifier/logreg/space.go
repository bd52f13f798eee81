package logreg

import "github.com/mlopsgo/mlops/training/internal/tune/space"

// Space returns the hyper-parameters `mlops tune` searches, under their
// params.yaml keys: C log-uniform over [1e-4, 1e4], eight decades around
// the default of 1, the range scikit-learn's LogisticRegressionCV grids
// (Cs=10 spans 1e-4 to 1e4).
func Space() space.Space {
	return space.New(space.Float("C", 1e-4, 1e4, true))
}
