package tree

import "github.com/mlopsgo/mlops/training/internal/tune/space"

// Space returns the hyper-parameters `mlops tune` searches, under their
// params.yaml keys: the criterion (gini or entropy; log_loss is entropy
// under another name), the depth limit on a log scale over [1, 32] or
// unlimited, and the smallest node to split and leaf to keep, the limits
// that prune a tree in scikit-learn's and Optuna's examples.
func Space() space.Space {
	return space.New(
		space.Categorical("criterion", Gini, Entropy),
		space.Int("max_depth", 1, 32, true).OrUnlimited(),
		space.Int("min_samples_split", 2, 20, false),
		space.Int("min_samples_leaf", 1, 50, true),
	)
}
