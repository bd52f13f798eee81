package boost

import (
	"fmt"
	"math"
	"math/rand/v2"
)

// Config holds the hyper-parameters of a fit, named after XGBoost's. Start
// from DefaultConfig: the zero value is not valid.
//
// As in XGBoost, every real-valued hyper-parameter is used as a float32 (0.3
// becomes 0.300000012).
type Config struct {
	// NEstimators is the number of boosting rounds; each round adds one tree
	// per class. It must be at least 1. Default: 100.
	NEstimators int
	// LearningRate (XGBoost's eta) scales every leaf value. It must be in
	// (0, 1]. Default: 0.3.
	LearningRate float64
	// MaxDepth limits the depth of every tree (the root has depth 0). It
	// must be at least 1: the exact method has no unlimited depth. Default: 6.
	MaxDepth int
	// MinChildWeight is the smallest sum of hessians each child of a split
	// must keep. It must be finite and non-negative. Default: 1.
	MinChildWeight float64
	// Gamma (XGBoost's min_split_loss) is the smallest loss reduction that a
	// split whose children are both leaves must bring; weaker ones are pruned
	// after the tree is grown. It must be finite and non-negative. Default: 0.
	Gamma float64
	// Lambda is the L2 regularization of leaf weights (reg_lambda). It must
	// be finite and non-negative. Default: 1.
	Lambda float64
	// Alpha is the L1 regularization of leaf weights (reg_alpha), applied by
	// soft-thresholding the gradient sums. It must be finite and
	// non-negative. Default: 0.
	Alpha float64
	// Subsample is the probability that a row takes part in growing a tree,
	// drawn anew for every tree as XGBoost's exact method does. It must be
	// in (0, 1]. Default: 1.
	Subsample float64
	// ColsampleByTree is the fraction of features each tree may split on:
	// max(1, ⌊ColsampleByTree·features⌋) of them, drawn anew for every tree.
	// It must be in (0, 1]. Default: 1.
	ColsampleByTree float64
	// BaseScore is the initial margin of every class. It must be finite.
	// Default: 0.5, XGBoost 1.7's.
	BaseScore float64
	// Src draws the rows and features of each tree. It is required when
	// Subsample or ColsampleByTree is below 1, and unused otherwise. A fit
	// consumes values from Src, so two fits reproduce each other only from
	// identically seeded sources. Default: nil.
	Src rand.Source
	// Validation is an optional held-out set on which the loss is evaluated
	// after every round, reported in Fitted.ValidationHistory (see
	// [Trainer.Fit] and [Trainer.WithValidation]). It takes no part in the
	// fit. Default: nil.
	Validation *Validation
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

// validate checks every field, naming the first bad one.
func (c Config) validate() error {
	switch {
	case c.NEstimators < 1:
		return fmt.Errorf("%w: Config.NEstimators is %d, want >= 1", ErrConfig, c.NEstimators)
	case !(c.LearningRate > 0 && c.LearningRate <= 1):
		return fmt.Errorf("%w: Config.LearningRate is %v, want a value in (0, 1]", ErrConfig, c.LearningRate)
	case c.MaxDepth < 1:
		return fmt.Errorf("%w: Config.MaxDepth is %d, want >= 1", ErrConfig, c.MaxDepth)
	case !nonNegative(c.MinChildWeight):
		return fmt.Errorf("%w: Config.MinChildWeight is %v, want a finite value >= 0", ErrConfig, c.MinChildWeight)
	case !nonNegative(c.Gamma):
		return fmt.Errorf("%w: Config.Gamma is %v, want a finite value >= 0", ErrConfig, c.Gamma)
	case !nonNegative(c.Lambda):
		return fmt.Errorf("%w: Config.Lambda is %v, want a finite value >= 0", ErrConfig, c.Lambda)
	case !nonNegative(c.Alpha):
		return fmt.Errorf("%w: Config.Alpha is %v, want a finite value >= 0", ErrConfig, c.Alpha)
	case !(c.Subsample > 0 && c.Subsample <= 1):
		return fmt.Errorf("%w: Config.Subsample is %v, want a value in (0, 1]", ErrConfig, c.Subsample)
	case !(c.ColsampleByTree > 0 && c.ColsampleByTree <= 1):
		return fmt.Errorf("%w: Config.ColsampleByTree is %v, want a value in (0, 1]", ErrConfig, c.ColsampleByTree)
	case math.IsNaN(c.BaseScore) || math.Abs(c.BaseScore) > math.MaxFloat32:
		return fmt.Errorf("%w: Config.BaseScore is %v, want a finite float32 value", ErrConfig, c.BaseScore)
	case c.Src == nil && (c.Subsample < 1 || c.ColsampleByTree < 1):
		return fmt.Errorf("%w: Config.Src is nil, but Subsample %v or ColsampleByTree %v below 1 needs a random source",
			ErrConfig, c.Subsample, c.ColsampleByTree)
	}
	return nil
}

// nonNegative reports whether v is finite (as a float32, the precision it is
// used in) and at least 0.
func nonNegative(v float64) bool { return v >= 0 && v <= math.MaxFloat32 }
