package svm

import "github.com/mlopsgo/mlops/training/internal/tune/space"

// Space returns the hyper-parameters `mlops tune` searches, under their
// params.yaml keys: the kernel (linear or RBF), C log-uniform over [1e-3,
// 1e3] and the RBF kernel's gamma log-uniform over [1e-4, 10], the grid
// scikit-learn's SVM examples search. The linear kernel ignores gamma, so
// gamma exists only for the RBF kernel: a linear trial neither samples nor
// sets it.
func Space() space.Space {
	return space.New(
		space.Categorical("kernel", Linear, RBF),
		space.Float("C", 1e-3, 1e3, true),
		space.Float("gamma", 1e-4, 10, true).When("kernel", RBF),
	)
}
