package params

import (
	"fmt"
	"slices"
	"strings"
)

// Model names, in the order training runs them and tables list them. They
// are also the bundle file stems and the names clients ask for.
const (
	LogisticRegressionName = "logistic_regression"
	DecisionTreeName       = "decision_tree"
)

// ModelNames lists every model name params.yaml accepts, in order.
var ModelNames = []string{LogisticRegressionName, DecisionTreeName}

// Models holds each algorithm's hyper-parameters. A model is trained when its
// key is present in params.yaml (an empty section means all defaults).
type Models struct {
	LogisticRegression *LogisticRegression `yaml:"logistic_regression"`
	DecisionTree       *DecisionTree       `yaml:"decision_tree"`
}

// LogisticRegression mirrors scikit-learn 1.2's LogisticRegression with
// multi_class="multinomial" and solver="lbfgs".
type LogisticRegression struct {
	// C is the inverse of the L2 regularization strength. Default: 1.0.
	C float64 `yaml:"C"`
	// MaxIter bounds L-BFGS iterations. Default: 100.
	MaxIter int `yaml:"max_iter"`
	// Tol stops L-BFGS when the largest gradient component is below it.
	// Default: 1e-4.
	Tol float64 `yaml:"tol"`
	// FitIntercept adds an unpenalized intercept per class. Default: true.
	FitIntercept bool `yaml:"fit_intercept"`
	// Standardize scales features to zero mean and unit variance first (as a
	// StandardScaler in a pipeline would). Default: false, as the original.
	Standardize bool `yaml:"standardize"`
}

// DecisionTree mirrors scikit-learn 1.2's DecisionTreeClassifier.
type DecisionTree struct {
	// Criterion is "gini", "entropy" or "log_loss". Default: "gini".
	Criterion string `yaml:"criterion"`
	// MaxDepth limits the depth; null means unlimited. Default: null.
	MaxDepth *int `yaml:"max_depth"`
	// MinSamplesSplit is the fewest rows a node needs to be split. Default: 2.
	MinSamplesSplit int `yaml:"min_samples_split"`
	// MinSamplesLeaf is the fewest rows each leaf keeps. Default: 1.
	MinSamplesLeaf int `yaml:"min_samples_leaf"`
	// MinImpurityDecrease is the smallest weighted impurity decrease a split
	// must bring. Default: 0.
	MinImpurityDecrease float64 `yaml:"min_impurity_decrease"`
}

// DefaultLogisticRegression returns scikit-learn 1.2's defaults.
func DefaultLogisticRegression() LogisticRegression {
	return LogisticRegression{C: 1.0, MaxIter: 100, Tol: 1e-4, FitIntercept: true}
}

// DefaultDecisionTree returns scikit-learn 1.2's defaults.
func DefaultDecisionTree() DecisionTree {
	return DecisionTree{Criterion: "gini", MinSamplesSplit: 2, MinSamplesLeaf: 1}
}

// Hyperparameters returns the settings under their params.yaml keys, as
// recorded in bundles and runs.
func (l LogisticRegression) Hyperparameters() map[string]any {
	return map[string]any{"C": l.C, "max_iter": l.MaxIter, "tol": l.Tol, "fit_intercept": l.FitIntercept, "standardize": l.Standardize}
}

// Hyperparameters returns the settings under their params.yaml keys.
func (d DecisionTree) Hyperparameters() map[string]any {
	var depth any
	if d.MaxDepth != nil {
		depth = *d.MaxDepth
	}
	return map[string]any{"criterion": d.Criterion, "max_depth": depth, "min_samples_split": d.MinSamplesSplit,
		"min_samples_leaf": d.MinSamplesLeaf, "min_impurity_decrease": d.MinImpurityDecrease}
}

// Enabled returns the names of the models params.yaml lists, in ModelNames
// order.
func (m *Models) Enabled() []string {
	var names []string
	if m.LogisticRegression != nil {
		names = append(names, LogisticRegressionName)
	}
	if m.DecisionTree != nil {
		names = append(names, DecisionTreeName)
	}
	return names
}

// Select narrows the enabled models to only (all when only is empty). It
// fails on a name that is unknown or not enabled in params.yaml.
func (m *Models) Select(only []string) ([]string, error) {
	enabled := m.Enabled()
	if len(only) == 0 {
		return enabled, nil
	}
	var out []string
	for _, name := range ModelNames {
		if slices.Contains(only, name) {
			if !slices.Contains(enabled, name) {
				return nil, fmt.Errorf("%w: model %q is not configured under models: in params.yaml", ErrInvalid, name)
			}
			out = append(out, name)
		}
	}
	for _, name := range only {
		if !slices.Contains(ModelNames, name) {
			return nil, fmt.Errorf("%w: unknown model %q; known models: %s", ErrInvalid, name, strings.Join(ModelNames, ", "))
		}
	}
	return out, nil
}

// present marks the sections a pre-pass found, so they start from defaults.
func (m *Models) present(keys map[string]bool) {
	if keys[LogisticRegressionName] {
		d := DefaultLogisticRegression()
		m.LogisticRegression = &d
	}
	if keys[DecisionTreeName] {
		d := DefaultDecisionTree()
		m.DecisionTree = &d
	}
}

func (m *Models) validate() error {
	if len(m.Enabled()) == 0 {
		return invalid("models", "lists no model; add at least one of: "+strings.Join(ModelNames, ", "))
	}
	if l := m.LogisticRegression; l != nil {
		const key = "models.logistic_regression"
		switch {
		case !(l.C > 0) || !finite(l.C):
			return invalid(key+".C", fmt.Sprintf("is %v; it must be a positive number", l.C))
		case l.MaxIter < 1:
			return invalid(key+".max_iter", fmt.Sprintf("is %d; it must be at least 1", l.MaxIter))
		case !(l.Tol > 0) || !finite(l.Tol):
			return invalid(key+".tol", fmt.Sprintf("is %v; it must be a positive number", l.Tol))
		}
	}
	if d := m.DecisionTree; d != nil {
		const key = "models.decision_tree"
		switch {
		case !slices.Contains([]string{"gini", "entropy", "log_loss"}, d.Criterion):
			return invalid(key+".criterion", fmt.Sprintf("is %q; it must be gini, entropy or log_loss", d.Criterion))
		case d.MaxDepth != nil && *d.MaxDepth < 1:
			return invalid(key+".max_depth", fmt.Sprintf("is %d; it must be at least 1, or null for unlimited", *d.MaxDepth))
		case d.MinSamplesSplit < 2:
			return invalid(key+".min_samples_split", fmt.Sprintf("is %d; it must be at least 2", d.MinSamplesSplit))
		case d.MinSamplesLeaf < 1:
			return invalid(key+".min_samples_leaf", fmt.Sprintf("is %d; it must be at least 1", d.MinSamplesLeaf))
		case !(d.MinImpurityDecrease >= 0) || !finite(d.MinImpurityDecrease):
			return invalid(key+".min_impurity_decrease", fmt.Sprintf("is %v; it must be zero or positive", d.MinImpurityDecrease))
		}
	}
	return nil
}
