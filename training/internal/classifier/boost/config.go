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
	// TreeMethod picks how trees are grown: TreeExact (XGBoost's exact
	// greedy method), TreeHist (XGBoost's histogram method: feature values
	// binned once per fit, splits only between bins) or TreeAuto, which picks
	// exact below AutoHistRows training rows and hist at or above. Optional.
	// Default: TreeAuto ("" means TreeAuto).
	TreeMethod string `yaml:"tree_method"`
	// MaxBin is the most bins a feature is cut into by the hist method
	// (XGBoost's max_bin). It must be at least 2; unused by the exact
	// method. Optional. Default: 256 (0 means 256).
	MaxBin int `yaml:"max_bin"`
	// Workers is the number of goroutines that compute gradients and, with
	// the hist method, build histograms and evaluate splits; the fitted
	// model does not depend on it.
	// It must not be negative. Optional. Default: GOMAXPROCS (0).
	Workers int `yaml:"-"`
	// AllowMissing lets X (and Validation.X) hold NaN, a missing value:
	// both tree methods learn, for every split, which side missing values
	// go to (the one that reduces the loss more, as XGBoost does) and store
	// it in the model. Without it NaN in X is an error, as for every other
	// classifier. Optional. Default: false.
	AllowMissing bool `yaml:"-"`
	// Validation is an optional held-out set on which the loss is evaluated
	// after every round, reported in Fitted.ValidationHistory (see
	// [Trainer.Fit] and [Trainer.WithValidation]). It takes no part in the
	// fit. Default: nil.
	Validation *Validation `yaml:"-"`
}

// The tree methods of Config.TreeMethod.
const (
	TreeAuto  = "auto"
	TreeExact = "exact"
	TreeHist  = "hist"
)

// AutoHistRows is the number of training rows from which TreeAuto grows
// trees with the hist method rather than the exact one. It is not XGBoost's
// rule (XGBoost 1.7's auto picks approx or hist from the data's size and
// layout): it is where, measured here, hist stops costing accuracy while
// exact has become slow. On scikit-learn make_classification data (20
// features, 10 informative, 3 classes, 80/20 split) with XGBoost's
// defaults, exact vs hist (2 workers) took 0.64 s vs 0.27 s at 1,000 rows,
// 2.5 s vs 0.59 s at 2,500, 6.2 s vs 0.80 s at 5,000 and 10 s vs 1.0 s at
// 10,000, with held-out accuracies 0.755 vs 0.745, 0.854 vs 0.842, 0.884 vs
// 0.885 and 0.889 vs 0.891: below about 5,000 rows hist's coarser
// thresholds cost up to a point of accuracy and exact still fits in
// seconds; from 5,000 on the two agree and hist is 8-10x faster. Small data
// sets (Iris, the default) stay exact, whose trees are XGBoost's exact ones.
const AutoHistRows = 5000

// defaultMaxBin is XGBoost's default max_bin.
const defaultMaxBin = 256

// maxMaxBin bounds MaxBin so bin indices fit in uint16 with one index to
// spare for missing values.
const maxMaxBin = 1<<16 - 1

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
		TreeMethod:      TreeAuto,
		MaxBin:          defaultMaxBin,
	}
}

// Hyperparameters returns the settings under their params.yaml keys, as
// bundles and runs record them.
func (c Config) Hyperparameters() map[string]any {
	return map[string]any{"n_estimators": c.NEstimators, "learning_rate": c.LearningRate, "max_depth": c.MaxDepth,
		"min_child_weight": c.MinChildWeight, "gamma": c.Gamma, "reg_lambda": c.Lambda, "reg_alpha": c.Alpha,
		"subsample": c.Subsample, "colsample_bytree": c.ColsampleByTree, "base_score": c.BaseScore,
		"tree_method": c.treeMethodSetting(), "max_bin": c.maxBin()}
}

// treeMethodSetting returns TreeMethod with "" spelled out as TreeAuto.
func (c Config) treeMethodSetting() string {
	if c.TreeMethod == "" {
		return TreeAuto
	}
	return c.TreeMethod
}

// treeMethod resolves TreeAuto for a fit on rows training rows.
func (c Config) treeMethod(rows int) string {
	switch {
	case c.TreeMethod == TreeExact || c.TreeMethod == TreeHist:
		return c.TreeMethod
	case rows >= AutoHistRows:
		return TreeHist
	}
	return TreeExact
}

// maxBin returns MaxBin, 0 resolved to the default.
func (c Config) maxBin() int {
	if c.MaxBin == 0 {
		return defaultMaxBin
	}
	return c.MaxBin
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
	case c.TreeMethod != "" && c.TreeMethod != TreeAuto && c.TreeMethod != TreeExact && c.TreeMethod != TreeHist:
		return classifier.Invalid(ErrConfig, "tree_method", "is %q; it must be %s, %s or %s", c.TreeMethod, TreeAuto, TreeExact, TreeHist)
	case c.MaxBin != 0 && (c.MaxBin < 2 || c.MaxBin > maxMaxBin):
		return classifier.Invalid(ErrConfig, "max_bin", "is %d; it must be in [2, %d]", c.MaxBin, maxMaxBin)
	case c.Workers < 0:
		return classifier.Invalid(ErrConfig, "Workers", "is %d; it must be at least 0 (0 for GOMAXPROCS)", c.Workers)
	case c.Src == nil && (c.Subsample < 1 || c.ColsampleByTree < 1):
		return classifier.Invalid(ErrConfig, "Src", "is nil, but subsample %v or colsample_bytree %v below 1 needs a random source",
			c.Subsample, c.ColsampleByTree)
	}
	return nil
}

func nonNegative(v float64) bool { return v >= 0 && v <= math.MaxFloat32 }
