package tree

import (
	"math"
	"math/rand/v2"

	"go.yaml.in/yaml/v3"

	"github.com/mlopsgo/mlops/training/internal/classifier"
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

// Config holds the hyper-parameters of a tree, each under its params.yaml
// key. Start from DefaultConfig: in the zero value Criterion,
// MinSamplesSplit and MinSamplesLeaf are invalid. Adding a parameter means a
// tagged field, its default, its check and its Hyperparameters entry, all in
// this file.
type Config struct {
	// Criterion measures node impurity: Gini, Entropy or LogLoss.
	// Default: Gini.
	Criterion string `yaml:"criterion"`
	// MaxDepth limits the depth of the tree (the root has depth 0); 0 means
	// unlimited, scikit-learn's None, written null in params.yaml.
	// Default: 0.
	MaxDepth int `yaml:"max_depth"`
	// MinSamplesSplit is the smallest number of rows a node needs to be
	// split. It must be at least 2. Default: 2.
	MinSamplesSplit int `yaml:"min_samples_split"`
	// MinSamplesLeaf is the smallest number of rows each child of a split
	// must keep. It must be at least 1. Default: 1.
	MinSamplesLeaf int `yaml:"min_samples_leaf"`
	// MaxFeatures is the number of features tried at each node, drawn
	// without replacement in the order Src gives (the first ones in natural
	// order when Src is nil). As in scikit-learn, features that are constant
	// at the node count, but the search goes on past MaxFeatures until one
	// non-constant feature has been tried. 0 means all features. It must not
	// exceed the number of features (checked by Fit). Not in params.yaml:
	// the forest sets it. Default: 0.
	MaxFeatures int `yaml:"-"`
	// MinImpurityDecrease is the smallest weighted impurity decrease,
	// scikit-learn's N_t/N · (impurity − N_tR/N_t · right − N_tL/N_t · left),
	// for which a node is split. It must be finite and non-negative.
	// Default: 0.
	MinImpurityDecrease float64 `yaml:"min_impurity_decrease"`
	// Src permutes the features at every node, which decides between equally
	// good splits, and draws the MaxFeatures candidates. nil means natural
	// order, which is deterministic. A fit consumes values from Src, so two
	// fits reproduce each other only from identically seeded sources.
	// Default: nil.
	Src rand.Source `yaml:"-"`
	// Workers bounds the goroutines that scan a large node's features at
	// once when every feature is scanned (MaxFeatures 0); 0 means
	// GOMAXPROCS. The tree does not depend on it. Default: 0.
	Workers int `yaml:"-"`
	// TreeMethod picks how splits are searched: Exact (every threshold
	// between two distinct values of the node, scikit-learn's "best"
	// splitter), Hist (feature values binned once per fit, thresholds only
	// between bins) or Auto, which picks exact below AutoHistRows training
	// rows and hist at or above. Optional. Default: Auto ("" means Auto).
	TreeMethod string `yaml:"tree_method"`
	// MaxBin is the most bins a feature is cut into by the hist method, as
	// XGBoost's max_bin. It must be in [2, 65535]; unused by the exact
	// method. Optional. Default: 256 (0 means 256).
	MaxBin int `yaml:"max_bin"`
}

// The split search methods of Config.TreeMethod, named as XGBoost's
// tree_method.
const (
	Auto  = "auto"
	Exact = "exact"
	Hist  = "hist"
)

// AutoHistRows is the number of training rows from which Auto searches
// splits on histograms rather than exactly, the threshold package boost
// uses too. Measured here by BenchmarkMethods (this package's and package
// forest's: make_classification-like data, 20 features, 10 informative, 3
// classes, fitted on 80%, min_samples_leaf ceil(rows/500) as mlops init
// writes it, 2 cores), hist was faster at every size, but at 2,500 rows
// its held-out accuracy was 1.4 points (tree) and 0.8 (forest) below
// exact's, while from 5,000 rows on the two agreed within 0.3 points
// (5,000: tree exact vs hist 0.750 vs 0.749, 4.1x faster; forest 0.833 vs
// 0.830, 4.7x) and hist's lead grew (100,000: 6.7x for the tree, 9.5x for
// the forest). Small data sets (Iris, the default) stay exact, which is
// scikit-learn's splitter.
const AutoHistRows = 5000

// DefaultMaxBin is the default of Config.MaxBin, XGBoost's max_bin.
const DefaultMaxBin = 256

// maxMaxBin bounds MaxBin as package boost does, so both learners accept
// the same settings.
const maxMaxBin = 1<<16 - 1

// DefaultConfig returns scikit-learn's defaults: Gini, unlimited depth, at
// least 2 rows to split and 1 per leaf, all features, no minimum decrease,
// natural feature order.
func DefaultConfig() Config {
	return Config{Criterion: Gini, MinSamplesSplit: 2, MinSamplesLeaf: 1, TreeMethod: Auto, MaxBin: DefaultMaxBin}
}

// UnmarshalYAML decodes a params.yaml section over c, so absent keys keep
// c's values.
func (c *Config) UnmarshalYAML(n *yaml.Node) error {
	type plain Config // without this method, so Decode does not recurse
	if err := n.Decode((*plain)(c)); err != nil {
		return err
	}
	return CheckDepthKey(n, ErrConfig)
}

// CheckDepthKey rejects max_depth: 0 in a params.yaml section: Config takes
// 0 as unlimited, but scikit-learn rejects 0 and writes unlimited as None,
// so params.yaml writes it null, and a 0 there is more likely a mistake.
func CheckDepthKey(section *yaml.Node, errConfig error) error {
	for i := 0; i+1 < len(section.Content); i += 2 {
		if k, v := section.Content[i], section.Content[i+1]; k.Value == "max_depth" && v.ShortTag() == "!!int" && v.Value == "0" {
			return classifier.Invalid(errConfig, "max_depth", "is 0; it must be at least 1, or null for unlimited")
		}
	}
	return nil
}

// Hyperparameters returns the settings under their params.yaml keys, as
// bundles and runs record them: an unlimited depth is null.
func (c Config) Hyperparameters() map[string]any {
	return map[string]any{"criterion": c.Criterion, "max_depth": Depth(c.MaxDepth), "min_samples_split": c.MinSamplesSplit,
		"min_samples_leaf": c.MinSamplesLeaf, "min_impurity_decrease": c.MinImpurityDecrease,
		"tree_method": MethodSetting(c.TreeMethod), "max_bin": MaxBinSetting(c.MaxBin)}
}

// Recorded returns the settings a bundle of a fit on rows training rows
// records: Hyperparameters, with tree_method and max_bin only where they
// make the model (see RecordMethod).
func (c Config) Recorded(rows int) map[string]any {
	return RecordMethod(c.Hyperparameters(), c.TreeMethod, c.MaxBin, rows)
}

// RecordMethod edits hp, a tree learner's Hyperparameters, into what a
// bundle of a fit on rows training rows records. Where the fit used the
// hist method, tree_method says hist, and max_bin stays; where it used the
// exact one, max_bin (unused) goes, and so does tree_method unless it was
// asked for as exact. So bundles of models fitted with the default
// settings on small data record what they recorded before the hist method
// existed, and every recorded map, read back as a params.yaml section,
// grows the same model on the same data. It returns hp.
func RecordMethod(hp map[string]any, setting string, maxBin, rows int) map[string]any {
	if Method(setting, rows) == Hist {
		hp["tree_method"] = Hist
		return hp
	}
	delete(hp, "max_bin")
	if setting != Exact {
		delete(hp, "tree_method")
	}
	return hp
}

// Method resolves a tree_method setting for a fit on rows training rows:
// Exact or Hist.
func Method(setting string, rows int) string {
	switch {
	case setting == Exact || setting == Hist:
		return setting
	case rows >= AutoHistRows:
		return Hist
	}
	return Exact
}

// MethodSetting returns a tree_method setting with "" spelled out as Auto.
func MethodSetting(setting string) string {
	if setting == "" {
		return Auto
	}
	return setting
}

// MaxBinSetting returns a max_bin setting with 0 resolved to
// DefaultMaxBin.
func MaxBinSetting(maxBin int) int {
	if maxBin == 0 {
		return DefaultMaxBin
	}
	return maxBin
}

// CheckMethod checks a tree_method and a max_bin setting, naming the bad
// one; errConfig is the caller's sentinel.
func CheckMethod(setting string, maxBin int, errConfig error) error {
	switch {
	case setting != "" && setting != Auto && setting != Exact && setting != Hist:
		return classifier.Invalid(errConfig, "tree_method", "is %q; it must be %s, %s or %s", setting, Auto, Exact, Hist)
	case maxBin != 0 && (maxBin < 2 || maxBin > maxMaxBin):
		return classifier.Invalid(errConfig, "max_bin", "is %d; it must be in [2, %d]", maxBin, maxMaxBin)
	}
	return nil
}

// Depth is a depth limit as scikit-learn records it: nil when unlimited (0).
func Depth(d int) any {
	if d == 0 {
		return nil
	}
	return d
}

// validate checks every field, naming the first bad one.
func (c Config) validate() error {
	switch c.Criterion {
	case Gini, Entropy, LogLoss:
	default:
		return classifier.Invalid(ErrConfig, "criterion", "is %q; it must be %s, %s or %s", c.Criterion, Gini, Entropy, LogLoss)
	}
	switch {
	case c.MaxDepth < 0:
		return classifier.Invalid(ErrConfig, "max_depth", "is %d; it must be at least 1, or null (0) for unlimited", c.MaxDepth)
	case c.MinSamplesSplit < 2:
		return classifier.Invalid(ErrConfig, "min_samples_split", "is %d; it must be at least 2", c.MinSamplesSplit)
	case c.MinSamplesLeaf < 1:
		return classifier.Invalid(ErrConfig, "min_samples_leaf", "is %d; it must be at least 1", c.MinSamplesLeaf)
	case c.MaxFeatures < 0:
		return classifier.Invalid(ErrConfig, "MaxFeatures", "is %d; it must be at least 0 (0 for all)", c.MaxFeatures)
	case !(c.MinImpurityDecrease >= 0) || math.IsInf(c.MinImpurityDecrease, 1):
		return classifier.Invalid(ErrConfig, "min_impurity_decrease", "is %v; it must be a finite number >= 0", c.MinImpurityDecrease)
	case c.Workers < 0:
		return classifier.Invalid(ErrConfig, "Workers", "is %d; it must be at least 0 (0 for GOMAXPROCS)", c.Workers)
	}
	return CheckMethod(c.TreeMethod, c.MaxBin, ErrConfig)
}
