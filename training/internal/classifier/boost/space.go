package boost

import "github.com/mlopsgo/mlops/training/internal/tune/space"

// Space returns the hyper-parameters `mlops tune` searches, under their
// params.yaml keys, XGBoost's usual tuning ranges (as Optuna's XGBoost
// examples): learning_rate log-uniform over [0.01, 0.3], max_depth over
// [2, 10], n_estimators in steps of 50 over [50, 500], subsample and
// colsample_bytree over [0.5, 1], min_child_weight log-uniform over [0.1,
// 10] and reg_lambda log-uniform over [1e-3, 10].
func Space() space.Space {
	return space.New(
		space.Float("learning_rate", 0.01, 0.3, true),
		space.Int("max_depth", 2, 10, false),
		space.IntStep("n_estimators", 50, 500, 50),
		space.Float("subsample", 0.5, 1, false),
		space.Float("colsample_bytree", 0.5, 1, false),
		space.Float("min_child_weight", 0.1, 10, true),
		space.Float("reg_lambda", 1e-3, 10, true),
	)
}
