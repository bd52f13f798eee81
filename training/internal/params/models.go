package params

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"
)

// Model names, in the order training runs them and tables list them. They
// are also the bundle file stems and the names clients ask for.
const (
	LogisticRegressionName = "logistic_regression"
	DecisionTreeName       = "decision_tree"
	RandomForestName       = "random_forest"
	SVMName                = "svm"
	XGBoostName            = "xgboost"
)

// ModelNames lists every model name params.yaml accepts, in order.
var ModelNames = []string{LogisticRegressionName, DecisionTreeName, RandomForestName, SVMName, XGBoostName}

// Models holds each algorithm's hyper-parameters. A model is trained when its
// key is present in params.yaml (an empty section means all defaults).
type Models struct {
	LogisticRegression *LogisticRegression `yaml:"logistic_regression"`
	DecisionTree       *DecisionTree       `yaml:"decision_tree"`
	RandomForest       *RandomForest       `yaml:"random_forest"`
	SVM                *SVM                `yaml:"svm"`
	XGBoost            *XGBoost            `yaml:"xgboost"`

	// listed holds the sections params.yaml has, recorded by present, so
	// that an empty "xgboost:" section, which decodes to nil, still means
	// defaults (see defaultEmptySections).
	listed map[string]bool
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

// XGBoost mirrors XGBoost 1.7's XGBClassifier with tree_method="exact" (the
// multi:softprob objective): gradient-boosted trees, served as "xgboost".
type XGBoost struct {
	// NEstimators is the number of boosting rounds. Default: 100.
	NEstimators int `yaml:"n_estimators"`
	// LearningRate (eta) scales every leaf. Default: 0.3.
	LearningRate float64 `yaml:"learning_rate"`
	// MaxDepth limits the depth of every tree. Default: 6.
	MaxDepth int `yaml:"max_depth"`
	// MinChildWeight is the smallest hessian sum a child keeps. Default: 1.
	MinChildWeight float64 `yaml:"min_child_weight"`
	// Gamma is the smallest loss reduction a split must bring. Default: 0.
	Gamma float64 `yaml:"gamma"`
	// RegLambda is the L2 regularization of leaf weights. Default: 1.
	RegLambda float64 `yaml:"reg_lambda"`
	// RegAlpha is the L1 regularization of leaf weights. Default: 0.
	RegAlpha float64 `yaml:"reg_alpha"`
	// Subsample is the fraction of rows each tree samples. Default: 1.
	Subsample float64 `yaml:"subsample"`
	// ColsampleByTree is the fraction of features each tree samples.
	// Default: 1.
	ColsampleByTree float64 `yaml:"colsample_bytree"`
	// BaseScore is every class's initial margin. Default: 0.5.
	BaseScore float64 `yaml:"base_score"`
}

// DefaultXGBoost returns XGBoost 1.7's defaults.
func DefaultXGBoost() XGBoost {
	return XGBoost{NEstimators: 100, LearningRate: 0.3, MaxDepth: 6, MinChildWeight: 1, RegLambda: 1,
		Subsample: 1, ColsampleByTree: 1, BaseScore: 0.5}
}

// Hyperparameters returns the settings under their params.yaml keys.
func (x XGBoost) Hyperparameters() map[string]any {
	return map[string]any{"n_estimators": x.NEstimators, "learning_rate": x.LearningRate, "max_depth": x.MaxDepth,
		"min_child_weight": x.MinChildWeight, "gamma": x.Gamma, "reg_lambda": x.RegLambda, "reg_alpha": x.RegAlpha,
		"subsample": x.Subsample, "colsample_bytree": x.ColsampleByTree, "base_score": x.BaseScore}
}

// validate checks every setting, naming the key of the first bad one.
func (x XGBoost) validate() error {
	const key = "models." + XGBoostName
	fraction := func(v float64) bool { return v > 0 && v <= 1 }
	nonNegative := func(v float64) bool { return v >= 0 && finite(v) }
	switch {
	case x.NEstimators < 1:
		return invalid(key+".n_estimators", fmt.Sprintf("is %d; it must be at least 1", x.NEstimators))
	case !fraction(x.LearningRate):
		return invalid(key+".learning_rate", fmt.Sprintf("is %v; it must be in (0, 1]", x.LearningRate))
	case x.MaxDepth < 1:
		return invalid(key+".max_depth", fmt.Sprintf("is %d; it must be at least 1 (the exact method has no unlimited depth)", x.MaxDepth))
	case !nonNegative(x.MinChildWeight):
		return invalid(key+".min_child_weight", fmt.Sprintf("is %v; it must be zero or positive", x.MinChildWeight))
	case !nonNegative(x.Gamma):
		return invalid(key+".gamma", fmt.Sprintf("is %v; it must be zero or positive", x.Gamma))
	case !nonNegative(x.RegLambda):
		return invalid(key+".reg_lambda", fmt.Sprintf("is %v; it must be zero or positive", x.RegLambda))
	case !nonNegative(x.RegAlpha):
		return invalid(key+".reg_alpha", fmt.Sprintf("is %v; it must be zero or positive", x.RegAlpha))
	case !fraction(x.Subsample):
		return invalid(key+".subsample", fmt.Sprintf("is %v; it must be in (0, 1]", x.Subsample))
	case !fraction(x.ColsampleByTree):
		return invalid(key+".colsample_bytree", fmt.Sprintf("is %v; it must be in (0, 1]", x.ColsampleByTree))
	case !finite(x.BaseScore):
		return invalid(key+".base_score", fmt.Sprintf("is %v; it must be a finite number", x.BaseScore))
	}
	return nil
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
	if m.RandomForest != nil {
		names = append(names, RandomForestName)
	}
	if m.SVM != nil {
		names = append(names, SVMName)
	}
	if m.XGBoost != nil {
		names = append(names, XGBoostName)
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
	if keys[RandomForestName] {
		d := DefaultRandomForest()
		m.RandomForest = &d
	}
	if keys[SVMName] {
		d := DefaultSVM()
		m.SVM = &d
	}
	if keys[XGBoostName] {
		d := DefaultXGBoost()
		m.XGBoost = &d
	}
	m.listed = keys
}

// defaultEmptySections gives defaults to the sections present listed whose
// decoding left nil ("xgboost:" with no value). It changes nothing on
// Models that were not parsed.
func (m *Models) defaultEmptySections() {
	if m.LogisticRegression == nil && m.listed[LogisticRegressionName] {
		d := DefaultLogisticRegression()
		m.LogisticRegression = &d
	}
	if m.DecisionTree == nil && m.listed[DecisionTreeName] {
		d := DefaultDecisionTree()
		m.DecisionTree = &d
	}
	if m.RandomForest == nil && m.listed[RandomForestName] {
		d := DefaultRandomForest()
		m.RandomForest = &d
	}
	if m.SVM == nil && m.listed[SVMName] {
		d := DefaultSVM()
		m.SVM = &d
	}
	if m.XGBoost == nil && m.listed[XGBoostName] {
		d := DefaultXGBoost()
		m.XGBoost = &d
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
	if r := m.RandomForest; r != nil {
		if err := r.validate(); err != nil {
			return err
		}
	}
	if s := m.SVM; s != nil {
		if err := s.validate(); err != nil {
			return err
		}
	}
	if x := m.XGBoost; x != nil {
		if err := x.validate(); err != nil {
			return err
		}
	}
	return nil
}

// RandomForest mirrors scikit-learn 1.2's RandomForestClassifier.
type RandomForest struct {
	// NEstimators is the number of trees. Default: 100.
	NEstimators int `yaml:"n_estimators"`
	// Criterion is "gini", "entropy" or "log_loss". Default: "gini".
	Criterion string `yaml:"criterion"`
	// MaxDepth limits the depth of every tree; null means unlimited.
	// Default: null.
	MaxDepth *int `yaml:"max_depth"`
	// MinSamplesSplit is the fewest rows a node needs to be split. Default: 2.
	MinSamplesSplit int `yaml:"min_samples_split"`
	// MinSamplesLeaf is the fewest rows each leaf keeps. Default: 1.
	MinSamplesLeaf int `yaml:"min_samples_leaf"`
	// MaxFeatures is how many features each split tries; null (nil) means
	// all of them. Default: "sqrt".
	MaxFeatures *MaxFeatures `yaml:"max_features"`
	// Bootstrap fits each tree on a bootstrap sample. Default: true.
	Bootstrap bool `yaml:"bootstrap"`
	// MinImpurityDecrease is the smallest weighted impurity decrease a split
	// must bring. Default: 0.
	MinImpurityDecrease float64 `yaml:"min_impurity_decrease"`
}

// MaxFeatures is scikit-learn's max_features other than null: exactly one
// of Rule ("sqrt" or "log2"), Count (an integer in params.yaml) and
// Fraction (a float in (0, 1]) is set.
type MaxFeatures struct {
	Rule     string
	Count    int
	Fraction float64
}

// UnmarshalYAML reads "sqrt", "log2", an integer count or a float fraction,
// telling the last two apart by their YAML type as scikit-learn tells them
// apart by their Python type (2 is two features, 1.0 all of them).
func (f *MaxFeatures) UnmarshalYAML(n *yaml.Node) error {
	const key = "models." + RandomForestName + ".max_features"
	*f = MaxFeatures{}
	if n.Kind == yaml.ScalarNode {
		switch n.ShortTag() {
		case "!!str":
			f.Rule = n.Value
		case "!!int":
			if err := n.Decode(&f.Count); err != nil {
				return invalid(key, fmt.Sprintf("is %q: %v", n.Value, err))
			}
		case "!!float":
			if err := n.Decode(&f.Fraction); err != nil {
				return invalid(key, fmt.Sprintf("is %q: %v", n.Value, err))
			}
		default:
			return invalid(key, fmt.Sprintf("is %q; it must be sqrt, log2, an integer, a fraction in (0, 1] or null", n.Value))
		}
		return f.validate()
	}
	return invalid(key, fmt.Sprintf("at line %d must be sqrt, log2, an integer, a fraction in (0, 1] or null", n.Line))
}

func (f MaxFeatures) validate() error {
	const key = "models." + RandomForestName + ".max_features"
	switch {
	case f.Rule != "" && f.Rule != "sqrt" && f.Rule != "log2":
		return invalid(key, fmt.Sprintf("is %q; it must be sqrt, log2, an integer, a fraction in (0, 1] or null", f.Rule))
	case f.Rule == "" && f.Count == 0 && f.Fraction == 0:
		return invalid(key, "is 0; it must be sqrt, log2, an integer of at least 1, a fraction in (0, 1] or null")
	case f.Count < 0:
		return invalid(key, fmt.Sprintf("is %d; an integer must be at least 1", f.Count))
	case f.Fraction != 0 && !(f.Fraction > 0 && f.Fraction <= 1):
		return invalid(key, fmt.Sprintf("is %v; a fraction must be in (0, 1]", f.Fraction))
	case (f.Rule != "") && (f.Count != 0 || f.Fraction != 0) || (f.Count != 0 && f.Fraction != 0):
		return invalid(key, fmt.Sprintf("sets more than one of a rule, a count and a fraction (%+v)", f))
	}
	return nil
}

// value is the setting as scikit-learn takes it: a string, an int, a
// float, or nil for all features. A fraction of 1 is nil, the same setting,
// because JSON would turn 1.0 into the integer 1 (one feature).
func (f *MaxFeatures) value() any {
	switch {
	case f == nil:
		return nil
	case f.Rule != "":
		return f.Rule
	case f.Count != 0:
		return f.Count
	case f.Fraction == 1:
		return nil
	}
	return f.Fraction
}

// DefaultRandomForest returns scikit-learn 1.2's defaults.
func DefaultRandomForest() RandomForest {
	return RandomForest{NEstimators: 100, Criterion: "gini", MinSamplesSplit: 2, MinSamplesLeaf: 1,
		MaxFeatures: &MaxFeatures{Rule: "sqrt"}, Bootstrap: true}
}

// Hyperparameters returns the settings under their params.yaml keys.
func (r RandomForest) Hyperparameters() map[string]any {
	var depth any
	if r.MaxDepth != nil {
		depth = *r.MaxDepth
	}
	return map[string]any{"n_estimators": r.NEstimators, "criterion": r.Criterion, "max_depth": depth,
		"min_samples_split": r.MinSamplesSplit, "min_samples_leaf": r.MinSamplesLeaf,
		"max_features": r.MaxFeatures.value(), "bootstrap": r.Bootstrap, "min_impurity_decrease": r.MinImpurityDecrease}
}

// validate checks every setting, naming the key of the first bad one.
func (r RandomForest) validate() error {
	const key = "models." + RandomForestName
	switch {
	case r.NEstimators < 1:
		return invalid(key+".n_estimators", fmt.Sprintf("is %d; it must be at least 1", r.NEstimators))
	case !slices.Contains([]string{"gini", "entropy", "log_loss"}, r.Criterion):
		return invalid(key+".criterion", fmt.Sprintf("is %q; it must be gini, entropy or log_loss", r.Criterion))
	case r.MaxDepth != nil && *r.MaxDepth < 1:
		return invalid(key+".max_depth", fmt.Sprintf("is %d; it must be at least 1, or null for unlimited", *r.MaxDepth))
	case r.MinSamplesSplit < 2:
		return invalid(key+".min_samples_split", fmt.Sprintf("is %d; it must be at least 2", r.MinSamplesSplit))
	case r.MinSamplesLeaf < 1:
		return invalid(key+".min_samples_leaf", fmt.Sprintf("is %d; it must be at least 1", r.MinSamplesLeaf))
	case !(r.MinImpurityDecrease >= 0) || !finite(r.MinImpurityDecrease):
		return invalid(key+".min_impurity_decrease", fmt.Sprintf("is %v; it must be zero or positive", r.MinImpurityDecrease))
	}
	if r.MaxFeatures != nil {
		return r.MaxFeatures.validate()
	}
	return nil
}

// SVM mirrors scikit-learn 1.2's SVC with probability=True (probabilities
// are always fitted: serving reports them).
type SVM struct {
	// Kernel is "linear" or "rbf". Default: "linear", as the original
	// project used (scikit-learn's default is "rbf").
	Kernel string `yaml:"kernel"`
	// C is the penalty of the soft margin. Default: 1.0.
	C float64 `yaml:"C"`
	// Gamma is the RBF kernel's coefficient: "scale", "auto" or a positive
	// number. The linear kernel ignores it. Default: "scale".
	Gamma string `yaml:"gamma"`
	// Tol is the solver's stopping tolerance. Default: 0.001.
	Tol float64 `yaml:"tol"`
	// Shrinking enables libsvm's shrinking heuristic. Default: true.
	Shrinking bool `yaml:"shrinking"`
	// MaxIter bounds the solver's iterations per pair of classes; -1 means
	// no bound. Default: -1.
	MaxIter int `yaml:"max_iter"`
}

// DefaultSVM returns scikit-learn 1.2's SVC defaults with the linear kernel
// of the original project.
func DefaultSVM() SVM {
	return SVM{Kernel: "linear", C: 1.0, Gamma: "scale", Tol: 1e-3, Shrinking: true, MaxIter: -1}
}

// GammaValue returns Gamma as a positive number, or 0 and the rule
// ("scale" or "auto").
func (s SVM) GammaValue() (float64, string) {
	if s.Gamma == "scale" || s.Gamma == "auto" {
		return 0, s.Gamma
	}
	v, err := strconv.ParseFloat(s.Gamma, 64)
	if err != nil {
		return 0, s.Gamma
	}
	return v, ""
}

// Hyperparameters returns the settings under their params.yaml keys.
func (s SVM) Hyperparameters() map[string]any {
	var gamma any = s.Gamma
	if v, rule := s.GammaValue(); rule == "" {
		gamma = v
	}
	return map[string]any{"kernel": s.Kernel, "C": s.C, "gamma": gamma, "tol": s.Tol, "shrinking": s.Shrinking, "max_iter": s.MaxIter}
}

// validate checks every setting, naming the key of the first bad one.
func (s SVM) validate() error {
	const key = "models." + SVMName
	v, rule := s.GammaValue()
	switch {
	case s.Kernel != "linear" && s.Kernel != "rbf":
		return invalid(key+".kernel", fmt.Sprintf("is %q; it must be linear or rbf", s.Kernel))
	case !(s.C > 0) || !finite(s.C):
		return invalid(key+".C", fmt.Sprintf("is %v; it must be a positive number", s.C))
	case rule != "" && rule != "scale" && rule != "auto", rule == "" && (!(v > 0) || !finite(v)):
		return invalid(key+".gamma", fmt.Sprintf("is %q; it must be scale, auto or a positive number", s.Gamma))
	case !(s.Tol > 0) || !finite(s.Tol):
		return invalid(key+".tol", fmt.Sprintf("is %v; it must be a positive number", s.Tol))
	case s.MaxIter < 1 && s.MaxIter != -1:
		return invalid(key+".max_iter", fmt.Sprintf("is %d; it must be -1 (no limit) or at least 1", s.MaxIter))
	}
	return nil
}
