package boost

import (
	"math"
	"math/rand/v2"

	"github.com/mlopsgo/mlops/training/internal/classifier"
)

// Config holds the hyper-parameters of a fit, each under its params.yaml
// key, XGBoost's name. Start from DefaultConfig: the zero value is not
// valid. Adding a parameter means a tagged field, its default, its check
// and its Hyperparameters entry, all in this file.
//
// As in XGBoost, every real-valued hyper-parameter is used as a float32 (0.3
// becomes 0.300000012).
type Config struct {
	// NEstimators is the number of boosting rounds; each round adds one tree
	// per class. It must be at least 1. Default: 100.
	NEstimators int `yaml:"n_estimators"`
	// LearningRate (XGBoost's eta) scales every leaf value. It must be in
	// (0, 1]. Default: 0.3.
	LearningRate float64 `yaml:"learning_rate"`
	// MaxDepth limits the depth of every tree (the root has depth 0). It
	// must be at least 1: the exact method has no unlimited depth. Default: 6.
	MaxDepth int `yaml:"max_depth"`
	// MinChildWeight is the smallest sum of hessians each child of a split
	// must keep. It must be finite and non-negative. Default: 1.
	MinChildWeight float64 `yaml:"min_child_weight"`
	// Gamma (XGBoost's min_split_loss) is the smallest loss reduction that a
	// split whose children are both leaves must bring; weaker ones are pruned
	// after the tree is grown. It must be finite and non-negative. Default: 0.
	Gamma float64 `yaml:"gamma"`
	// Lambda is the L2 regularization of leaf weights (reg_lambda). It must
	// be finite and non-negative. Default: 1.
	Lambda float64 `yaml:"reg_lambda"`
	// Alpha is the L1 regularization of leaf weights (reg_alpha), applied by
	// soft-thresholding the gradient sums. It must be finite and
	// non-negative. Default: 0.
	Alpha float64 `yaml:"reg_alpha"`
	// Subsample is the probability that a row takes part in growing a tree,
	// drawn anew for every tree as XGBoost's exact method does. It must be
	// in (0, 1]. Default: 1.
	Subsample float64 `yaml:"subsample"`
	// ColsampleByTree is the fraction of features each tree may split on:
	// max(1, ⌊ColsampleByTree·features⌋) of them, drawn anew for every tree.
	// It must be in (0, 1]. Default: 1.
	ColsampleByTree float64 `yaml:"colsample_bytree"`
	// BaseScore is the initial margin of every class. It must be finite.
	// Default: 0.5, XGBoost 1.7's.
	BaseScore float64 `yaml:"base_score"`
	// Src draws the rows and features of each tree. It is required when
	// Subsample or ColsampleByTree is below 1, and unused otherwise. A fit
	// consumes values from Src, so two fits reproduce each other only from
	// identically seeded sources. Default: nil.
	Src rand.Source `yaml:"-"`
	// Validation is an optional held-out set on which the loss is evaluated
	// after every round, reported in Fitted.ValidationHistory (see
	// [Trainer.Fit] and [Trainer.WithValidation]). It takes no part in the
	// fit. Default: nil.
	Validation *Validation `yaml:"-"`
}

// Validation is a labelled data set to evaluate during a fit, in the
// orientation of the training data: one row per observation, labels in
// [0, classes).
type Validation struct {
	X [][]float64
	Y []int
}

// DefaultConfig returns XGBoost 1.7's defaults: 100 rounds, learning rate
// 0.3, depth 6, min_child_weight 1, gamma 0, lambda 1, alpha 0, no row or
// feature sampling, base score 0.5.
func DefaultConfig() Config {
	return Config{
		NEstimators:     100,
		LearningRate:    0.3,
		MaxDepth:        6,
		MinChildWeight:  1,
		Lambda:          1,
		Subsample:       1,
		ColsampleByTree: 1,
		BaseScore:       0.5,
	}
}

// Hyperparameters returns the settings under their params.yaml keys, as
// bundles and runs record them.
func (c Config) Hyperparameters() map[string]any {
	return map[string]any{"n_estimators": c.NEstimators, "learning_rate": c.LearningRate, "max_depth": c.MaxDepth,
		"min_child_weight": c.MinChildWeight, "gamma": c.Gamma, "reg_lambda": c.Lambda, "reg_alpha": c.Alpha,
		"subsample": c.Subsample, "colsample_bytree": c.ColsampleByTree, "base_score": c.BaseScore}
}

// validate checks every field, naming the first bad one.
func (c Config) validate() error {
	const nonNeg = "is %v; it must be a finite number >= 0"
	const fraction = "is %v; it must be in (0, 1]"
	switch {
	case c.NEstimators < 1:
		return classifier.Invalid(ErrConfig, "n_estimators", "is %d; it must be at least 1", c.NEstimators)
	case !(c.LearningRate > 0 && c.LearningRate <= 1):
		return classifier.Invalid(ErrConfig, "learning_rate", fraction, c.LearningRate)
	case c.MaxDepth < 1:
		return classifier.Invalid(ErrConfig, "max_depth", "is %d; it must be at least 1 (the exact method has no unlimited depth)", c.MaxDepth)
	case !nonNegative(c.MinChildWeight):
		return classifier.Invalid(ErrConfig, "min_child_weight", nonNeg, c.MinChildWeight)
	case !nonNegative(c.Gamma):
		return classifier.Invalid(ErrConfig, "gamma", nonNeg, c.Gamma)
	case !nonNegative(c.Lambda):
		return classifier.Invalid(ErrConfig, "reg_lambda", nonNeg, c.Lambda)
	case !nonNegative(c.Alpha):
		return classifier.Invalid(ErrConfig, "reg_alpha", nonNeg, c.Alpha)
	case !(c.Subsample > 0 && c.Subsample <= 1):
		return classifier.Invalid(ErrConfig, "subsample", fraction, c.Subsample)
	case !(c.ColsampleByTree > 0 && c.ColsampleByTree <= 1):
		return classifier.Invalid(ErrConfig, "colsample_bytree", fraction, c.ColsampleByTree)
	case math.IsNaN(c.BaseScore) || math.Abs(c.BaseScore) > math.MaxFloat32:
		return classifier.Invalid(ErrConfig, "base_score", "is %v; it must be a finite float32 number", c.BaseScore)
	case c.Src == nil && (c.Subsample < 1 || c.ColsampleByTree < 1):
		return classifier.Invalid(ErrConfig, "Src", "is nil, but subsample %v or colsample_bytree %v below 1 needs a random source",
			c.Subsample, c.ColsampleByTree)
	}
	return nil
}

func nonNegative(v float64) bool { return v >= 0 && v <= math.MaxFloat32 }
