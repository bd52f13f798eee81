package tree

import (
	"fmt"
	"math"
	"math/rand/v2"
)

// Split criteria accepted in Config.Criterion.
const (
	// Gini is the Gini impurity 1 − Σ p_k².
	Gini = "gini"
	// Entropy is the Shannon entropy −Σ p_k log₂ p_k.
	Entropy = "entropy"
	// LogLoss is scikit-learn's other name for Entropy.
	LogLoss = "log_loss"
)

// Config holds the hyper-parameters of a tree. Start from DefaultConfig: in
// the zero value Criterion, MinSamplesSplit and MinSamplesLeaf are invalid.
type Config struct {
	// Criterion measures node impurity: Gini, Entropy or LogLoss.
	// Default: Gini.
	Criterion string
	// MaxDepth limits the depth of the tree (the root has depth 0); 0 means
	// unlimited, scikit-learn's None. Default: 0.
	MaxDepth int
	// MinSamplesSplit is the smallest number of rows a node needs to be
	// split. It must be at least 2. Default: 2.
	MinSamplesSplit int
	// MinSamplesLeaf is the smallest number of rows each child of a split
	// must keep. It must be at least 1. Default: 1.
	MinSamplesLeaf int
	// MaxFeatures is the number of features tried at each node, drawn
	// without replacement in the order Src gives (the first ones in natural
	// order when Src is nil). As in scikit-learn, features that are constant
	// at the node count, but the search goes on past MaxFeatures until one
	// non-constant feature has been tried. 0 means all features. It must not
	// exceed the number of features (checked by Fit). Default: 0.
	MaxFeatures int
	// MinImpurityDecrease is the smallest weighted impurity decrease,
	// scikit-learn's N_t/N · (impurity − N_tR/N_t · right − N_tL/N_t · left),
	// for which a node is split. It must be finite and non-negative.
	// Default: 0.
	MinImpurityDecrease float64
	// Src permutes the features at every node, which decides between equally
	// good splits, and draws the MaxFeatures candidates. nil means natural
	// order, which is deterministic. A fit consumes values from Src, so two
	// fits reproduce each other only from identically seeded sources.
	// Default: nil.
	Src rand.Source
}

// DefaultConfig returns scikit-learn's defaults: Gini, unlimited depth, at
// least 2 rows to split and 1 per leaf, all features, no minimum decrease,
// natural feature order.
func DefaultConfig() Config {
	return Config{Criterion: Gini, MinSamplesSplit: 2, MinSamplesLeaf: 1}
}

// validate checks every field, naming the first bad one.
func (c Config) validate() error {
	switch c.Criterion {
	case Gini, Entropy, LogLoss:
	default:
		return fmt.Errorf("%w: Config.Criterion is %q, want %q, %q or %q", ErrConfig, c.Criterion, Gini, Entropy, LogLoss)
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
	if c.MaxFeatures < 0 {
		return fmt.Errorf("%w: Config.MaxFeatures is %d, want >= 0 (0 for all)", ErrConfig, c.MaxFeatures)
	}
	if !(c.MinImpurityDecrease >= 0) || math.IsInf(c.MinImpurityDecrease, 1) {
		return fmt.Errorf("%w: Config.MinImpurityDecrease is %v, want a finite value >= 0", ErrConfig, c.MinImpurityDecrease)
	}
	return nil
}
