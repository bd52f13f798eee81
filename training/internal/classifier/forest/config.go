package forest

import (
	"math"
	"math/rand/v2"

	"go.yaml.in/yaml/v3"

	"github.com/mlopsgo/mlops/training/internal/classifier"
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
		return 0, classifier.Invalid(ErrConfig, "max_features", "is %d; the data have only %d features", n, d)
	}
	return n, nil
}

func (m MaxFeatures) validate() error {
	const key = "max_features"
	set := 0
	if m.Rule != "" {
		set++
		if m.Rule != Sqrt && m.Rule != Log2 {
			return classifier.Invalid(ErrConfig, key, "is %q; it must be %s, %s, an integer, a fraction in (0, 1] or null", m.Rule, Sqrt, Log2)
		}
	}
	if m.Count != 0 {
		set++
		if m.Count < 0 {
			return classifier.Invalid(ErrConfig, key, "is %d; an integer must be at least 1", m.Count)
		}
	}
	if m.Fraction != 0 {
		set++
		if !(m.Fraction > 0 && m.Fraction <= 1) {
			return classifier.Invalid(ErrConfig, key, "is %v; a fraction must be in (0, 1]", m.Fraction)
		}
	}
	if set > 1 {
		return classifier.Invalid(ErrConfig, key, "sets more than one of a rule, a count and a fraction (%+v)", m)
	}
	return nil
}

// UnmarshalYAML reads "sqrt", "log2", an integer count or a float fraction,
// telling the last two apart by their YAML type as scikit-learn tells them
// apart by their Python type (2 is two features, 1.0 all of them). null,
// all features, is handled by Config.UnmarshalYAML: YAML decoders do not
// call a value's unmarshaler for null.
func (m *MaxFeatures) UnmarshalYAML(n *yaml.Node) error {
	const key = "max_features"
	*m = MaxFeatures{}
	if n.Kind != yaml.ScalarNode {
		return classifier.Invalid(ErrConfig, key, "at line %d must be sqrt, log2, an integer, a fraction in (0, 1] or null", n.Line)
	}
	var err error
	switch n.ShortTag() {
	case "!!str":
		m.Rule = n.Value
	case "!!int":
		if err = n.Decode(&m.Count); err == nil && m.Count < 1 {
			return classifier.Invalid(ErrConfig, key, "is %d; an integer must be at least 1, or null for all features", m.Count)
		}
	case "!!float":
		if err = n.Decode(&m.Fraction); err == nil && m.Fraction == 0 {
			return classifier.Invalid(ErrConfig, key, "is 0; a fraction must be in (0, 1]")
		}
	default:
		return classifier.Invalid(ErrConfig, key, "is %q; it must be sqrt, log2, an integer, a fraction in (0, 1] or null", n.Value)
	}
	if err != nil {
		return classifier.Invalid(ErrConfig, key, "is %q: %v", n.Value, err)
	}
	return m.validate()
}

// hyperparameter is the setting as scikit-learn takes it: a string, an
// int, a float, or nil for all features. A fraction of 1 is nil, the same
// setting, because JSON would turn 1.0 into the integer 1 (one feature).
func (m MaxFeatures) hyperparameter() any {
	switch {
	case m.Rule != "":
		return m.Rule
	case m.Count != 0:
		return m.Count
	case m.Fraction != 0 && m.Fraction != 1:
		return m.Fraction
	}
	return nil
}

// Config holds the hyper-parameters of a forest, each under its params.yaml
// key. Start from DefaultConfig: in the zero value NEstimators, Criterion
// and the sample limits are invalid. Adding a parameter means a tagged
// field, its default, its check and its Hyperparameters entry, all in this
// file.
type Config struct {
	// NEstimators is the number of trees. It must be at least 1.
	// Default: 100.
	NEstimators int `yaml:"n_estimators"`
	// Criterion measures node impurity: tree.Gini, tree.Entropy or
	// tree.LogLoss. Default: tree.Gini.
	Criterion string `yaml:"criterion"`
	// MaxDepth limits the depth of every tree; 0 means unlimited, written
	// null in params.yaml. Default: 0.
	MaxDepth int `yaml:"max_depth"`
	// MinSamplesSplit is the smallest number of rows (distinct rows of the
	// bootstrap sample) a node needs to be split; at least 2. Default: 2.
	MinSamplesSplit int `yaml:"min_samples_split"`
	// MinSamplesLeaf is the smallest number of rows each child of a split
	// must keep; at least 1. Default: 1.
	MinSamplesLeaf int `yaml:"min_samples_leaf"`
	// MaxFeatures is the number of features tried at each split; null in
	// params.yaml means all of them. Default: Sqrt.
	MaxFeatures MaxFeatures `yaml:"max_features"`
	// MinImpurityDecrease is the smallest weighted impurity decrease for
	// which a node is split; finite and non-negative. Default: 0.
	MinImpurityDecrease float64 `yaml:"min_impurity_decrease"`
	// Bootstrap fits each tree on a bootstrap sample of the rows (and makes
	// the out-of-bag score available); false fits every tree on all rows.
	// Default: true.
	Bootstrap bool `yaml:"bootstrap"`
	// Workers bounds the trees grown in parallel; 0 means GOMAXPROCS. The
	// fitted forest does not depend on it, so it is not a hyper-parameter.
	// Default: 0.
	Workers int `yaml:"-"`
	// Src is the source the per-tree sources are derived from. A fit
	// consumes two values per tree from it, so two fits reproduce each other
	// only from identically seeded sources. nil means a fixed source
	// (rand.NewPCG(0, 0)) for every fit, which keeps fits deterministic and
	// the Trainer safe for concurrent use. Default: nil.
	Src rand.Source `yaml:"-"`
	// TreeMethod picks how the trees search splits: tree.Exact, tree.Hist
	// (the data binned once per fit and shared by every tree) or tree.Auto,
	// exact below tree.AutoHistRows rows and hist at or above. Optional.
	// Default: tree.Auto ("" means tree.Auto).
	TreeMethod string `yaml:"tree_method"`
	// MaxBin is the most bins a feature is cut into by the hist method; in
	// [2, 65535]. Optional. Default: 256 (0 means 256).
	MaxBin int `yaml:"max_bin"`
}

// DefaultConfig returns scikit-learn 1.2's defaults: 100 trees, Gini,
// unlimited depth, at least 2 rows to split and 1 per leaf, √d features per
// split, no minimum decrease, bootstrap samples; split search tree.Auto
// with 256 bins.
func DefaultConfig() Config {
	return Config{
		NEstimators:     100,
		Criterion:       tree.Gini,
		MinSamplesSplit: 2,
		MinSamplesLeaf:  1,
		MaxFeatures:     MaxFeatures{Rule: Sqrt},
		Bootstrap:       true,
		TreeMethod:      tree.Auto,
		MaxBin:          tree.DefaultMaxBin,
	}
}

// UnmarshalYAML decodes a params.yaml section over c, so absent keys keep
// c's values; max_features: null means all features.
func (c *Config) UnmarshalYAML(n *yaml.Node) error {
	type plain Config // without this method, so Decode does not recurse
	if err := n.Decode((*plain)(c)); err != nil {
		return err
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value == "max_features" && n.Content[i+1].ShortTag() == "!!null" {
			c.MaxFeatures = MaxFeatures{}
		}
	}
	return tree.CheckDepthKey(n, ErrConfig)
}

// Hyperparameters returns the settings under their params.yaml keys, as
// bundles and runs record them.
func (c Config) Hyperparameters() map[string]any {
	return map[string]any{"n_estimators": c.NEstimators, "criterion": c.Criterion, "max_depth": tree.Depth(c.MaxDepth),
		"min_samples_split": c.MinSamplesSplit, "min_samples_leaf": c.MinSamplesLeaf,
		"max_features": c.MaxFeatures.hyperparameter(), "bootstrap": c.Bootstrap, "min_impurity_decrease": c.MinImpurityDecrease,
		"tree_method": tree.MethodSetting(c.TreeMethod), "max_bin": tree.MaxBinSetting(c.MaxBin)}
}

// Recorded returns the settings a bundle of a fit on rows training rows
// records: Hyperparameters, with tree_method and max_bin only where they
// make the model, as tree.RecordMethod says.
func (c Config) Recorded(rows int) map[string]any {
	return tree.RecordMethod(c.Hyperparameters(), c.TreeMethod, c.MaxBin, rows)
}

// validate checks every field, naming the first bad one.
func (c Config) validate() error {
	switch {
	case c.NEstimators < 1:
		return classifier.Invalid(ErrConfig, "n_estimators", "is %d; it must be at least 1", c.NEstimators)
	case c.Criterion != tree.Gini && c.Criterion != tree.Entropy && c.Criterion != tree.LogLoss:
		return classifier.Invalid(ErrConfig, "criterion", "is %q; it must be %s, %s or %s", c.Criterion, tree.Gini, tree.Entropy, tree.LogLoss)
	case c.MaxDepth < 0:
		return classifier.Invalid(ErrConfig, "max_depth", "is %d; it must be at least 1, or null (0) for unlimited", c.MaxDepth)
	case c.MinSamplesSplit < 2:
		return classifier.Invalid(ErrConfig, "min_samples_split", "is %d; it must be at least 2", c.MinSamplesSplit)
	case c.MinSamplesLeaf < 1:
		return classifier.Invalid(ErrConfig, "min_samples_leaf", "is %d; it must be at least 1", c.MinSamplesLeaf)
	case !(c.MinImpurityDecrease >= 0) || math.IsInf(c.MinImpurityDecrease, 1):
		return classifier.Invalid(ErrConfig, "min_impurity_decrease", "is %v; it must be a finite number >= 0", c.MinImpurityDecrease)
	case c.Workers < 0:
		return classifier.Invalid(ErrConfig, "Workers", "is %d; it must be at least 0 (0 for GOMAXPROCS)", c.Workers)
	}
	if err := tree.CheckMethod(c.TreeMethod, c.MaxBin, ErrConfig); err != nil {
		return err
	}
	return c.MaxFeatures.validate()
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
		TreeMethod:          c.TreeMethod,
		MaxBin:              c.MaxBin,
		// The forest grows its trees in parallel already.
		Workers: 1,
	}
}
