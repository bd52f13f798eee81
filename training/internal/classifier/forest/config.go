package forest

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/mlopsgo/mlops/training/internal/classifier/tree"
)

// Rules for MaxFeatures.Rule.
const (
	// Sqrt tries max(1, ⌊√d⌋) of d features at each split.
	Sqrt = "sqrt"
	// Log2 tries max(1, ⌊log₂ d⌋) of d features at each split.
	Log2 = "log2"
)

// MaxFeatures says how many of the d features each split tries, as
// scikit-learn's max_features. At most one field is set; the zero value
// means all d features, scikit-learn's None.
type MaxFeatures struct {
	// Rule is Sqrt or Log2.
	Rule string
	// Count is a number of features in [1, d].
	Count int
	// Fraction is a share of the features in (0, 1]: max(1, ⌊Fraction·d⌋).
	Fraction float64
}

// resolve returns the number of features to try for d features, as
// scikit-learn's BaseDecisionTree.fit computes it.
func (m MaxFeatures) resolve(d int) (int, error) {
	var n int
	switch {
	case m.Rule == Sqrt:
		n = max(1, int(math.Sqrt(float64(d))))
	case m.Rule == Log2:
		n = max(1, int(math.Log2(float64(d))))
	case m.Count > 0:
		n = m.Count
	case m.Fraction > 0:
		n = max(1, int(m.Fraction*float64(d)))
	default:
		n = d
	}
	if n > d {
		return 0, fmt.Errorf("%w: Config.MaxFeatures.Count is %d, the data have %d features", ErrConfig, n, d)
	}
	return n, nil
}

func (m MaxFeatures) validate() error {
	set := 0
	if m.Rule != "" {
		set++
		if m.Rule != Sqrt && m.Rule != Log2 {
			return fmt.Errorf("%w: Config.MaxFeatures.Rule is %q, want %q or %q", ErrConfig, m.Rule, Sqrt, Log2)
		}
	}
	if m.Count != 0 {
		set++
		if m.Count < 0 {
			return fmt.Errorf("%w: Config.MaxFeatures.Count is %d, want >= 1", ErrConfig, m.Count)
		}
	}
	if m.Fraction != 0 {
		set++
		if !(m.Fraction > 0 && m.Fraction <= 1) {
			return fmt.Errorf("%w: Config.MaxFeatures.Fraction is %v, want a value in (0, 1]", ErrConfig, m.Fraction)
		}
	}
	if set > 1 {
		return fmt.Errorf("%w: Config.MaxFeatures sets more than one of Rule, Count and Fraction (%+v)", ErrConfig, m)
	}
	return nil
}

// Config holds the hyper-parameters of a forest. Start from DefaultConfig:
// in the zero value NEstimators, Criterion and the sample limits are
// invalid.
type Config struct {
	// NEstimators is the number of trees. It must be at least 1.
	// Default: 100.
	NEstimators int
	// Criterion measures node impurity: tree.Gini, tree.Entropy or
	// tree.LogLoss. Default: tree.Gini.
	Criterion string
	// MaxDepth limits the depth of every tree; 0 means unlimited.
	// Default: 0.
	MaxDepth int
	// MinSamplesSplit is the smallest number of rows (distinct rows of the
	// bootstrap sample) a node needs to be split; at least 2. Default: 2.
	MinSamplesSplit int
	// MinSamplesLeaf is the smallest number of rows each child of a split
	// must keep; at least 1. Default: 1.
	MinSamplesLeaf int
	// MaxFeatures is the number of features tried at each split.
	// Default: Sqrt.
	MaxFeatures MaxFeatures
	// MinImpurityDecrease is the smallest weighted impurity decrease for
	// which a node is split; finite and non-negative. Default: 0.
	MinImpurityDecrease float64
	// Bootstrap fits each tree on a bootstrap sample of the rows (and makes
	// the out-of-bag score available); false fits every tree on all rows.
	// Default: true.
	Bootstrap bool
	// Workers bounds the trees grown in parallel; 0 means GOMAXPROCS. The
	// fitted forest does not depend on it. Default: 0.
	Workers int
	// Src is the source the per-tree sources are derived from. A fit
	// consumes two values per tree from it, so two fits reproduce each other
	// only from identically seeded sources. nil means a fixed source
	// (rand.NewPCG(0, 0)) for every fit, which keeps fits deterministic and
	// the Trainer safe for concurrent use. Default: nil.
	Src rand.Source
}

// DefaultConfig returns scikit-learn 1.2's defaults: 100 trees, Gini,
// unlimited depth, at least 2 rows to split and 1 per leaf, √d features per
// split, no minimum decrease, bootstrap samples.
func DefaultConfig() Config {
	return Config{
		NEstimators:     100,
		Criterion:       tree.Gini,
		MinSamplesSplit: 2,
		MinSamplesLeaf:  1,
		MaxFeatures:     MaxFeatures{Rule: Sqrt},
		Bootstrap:       true,
	}
}

// validate checks every field, naming the first bad one.
func (c Config) validate() error {
	if c.NEstimators < 1 {
		return fmt.Errorf("%w: Config.NEstimators is %d, want >= 1", ErrConfig, c.NEstimators)
	}
	switch c.Criterion {
	case tree.Gini, tree.Entropy, tree.LogLoss:
	default:
		return fmt.Errorf("%w: Config.Criterion is %q, want %q, %q or %q", ErrConfig, c.Criterion, tree.Gini, tree.Entropy, tree.LogLoss)
	}
	if c.MaxDepth < 0 {
		return fmt.Errorf("%w: Config.MaxDepth is %d, want >= 0 (0 for unlimited)", ErrConfig, c.MaxDepth)
	}
	if c.MinSamplesSplit < 2 {
		return fmt.Errorf("%w: Config.MinSamplesSplit is %d, want >= 2", ErrConfig, c.MinSamplesSplit)
	}
	if c.MinSamplesLeaf < 1 {
		return fmt.Errorf("%w: Config.MinSamplesLeaf is %d, want >= 1", ErrConfig, c.MinSamplesLeaf)
	}
	if err := c.MaxFeatures.validate(); err != nil {
		return err
	}
	if !(c.MinImpurityDecrease >= 0) || math.IsInf(c.MinImpurityDecrease, 1) {
		return fmt.Errorf("%w: Config.MinImpurityDecrease is %v, want a finite value >= 0", ErrConfig, c.MinImpurityDecrease)
	}
	if c.Workers < 0 {
		return fmt.Errorf("%w: Config.Workers is %d, want >= 0 (0 for GOMAXPROCS)", ErrConfig, c.Workers)
	}
	return nil
}

// treeConfig returns the configuration of one tree trying maxFeatures
// features per split with randomness from src.
func (c Config) treeConfig(maxFeatures int, src rand.Source) tree.Config {
	return tree.Config{
		Criterion:           c.Criterion,
		MaxDepth:            c.MaxDepth,
		MinSamplesSplit:     c.MinSamplesSplit,
		MinSamplesLeaf:      c.MinSamplesLeaf,
		MaxFeatures:         maxFeatures,
		MinImpurityDecrease: c.MinImpurityDecrease,
		Src:                 src,
	}
}
