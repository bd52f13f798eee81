package forest

import (
	"github.com/mlopsgo/mlops/training/internal/classifier/tree"
	"github.com/mlopsgo/mlops/training/internal/tune/space"
)

// Space returns the hyper-parameters `mlops tune` searches, under their
// params.yaml keys: the number of trees in steps of 50 over [50, 500], the
// trees' criterion, depth limit and smallest leaf as package tree's, and
// the share of the features tried at each split over [0.1, 1] (which
// covers sqrt's and log2's counts and all features, 1.0).
func Space() space.Space {
	return space.New(
		space.IntStep("n_estimators", 50, 500, 50),
		space.Categorical("criterion", tree.Gini, tree.Entropy),
		space.Int("max_depth", 1, 32, true).OrUnlimited(),
		space.Int("min_samples_leaf", 1, 50, true),
		space.Float("max_features", 0.1, 1, false),
	)
}
