package algorithm

import (
	"math/rand/v2"

	"github.com/mlopsgo/mlops/training/internal/classifier"
	"github.com/mlopsgo/mlops/training/internal/classifier/boost"
	"github.com/mlopsgo/mlops/training/internal/classifier/forest"
	"github.com/mlopsgo/mlops/training/internal/classifier/logreg"
	"github.com/mlopsgo/mlops/training/internal/classifier/svm"
	"github.com/mlopsgo/mlops/training/internal/classifier/tree"
)

// Model names: the params.yaml keys under models:, the bundle file stems and
// the names clients ask for.
const (
	LogisticRegression = "logistic_regression"
	DecisionTree       = "decision_tree"
	RandomForest       = "random_forest"
	SVM                = "svm"
	XGBoost            = "xgboost"
)

// registry lists every algorithm in the order training runs them and tables
// list them. Rank breaks ties between equally good models: the simpler
// (lower) wins. Each algorithm's search space (what `mlops tune` samples)
// is declared beside its Config, in its package's space.go.
var registry = []Algorithm{
	define(LogisticRegression, "logistic_regression", 0, logreg.DefaultConfig, logreg.Space,
		func(c logreg.Config, _ rand.Source, workers int) (classifier.Trainer, error) {
			c.Workers = workers
			return logreg.New(c)
		}),
	define(DecisionTree, "decision_tree", 1, tree.DefaultConfig, tree.Space,
		func(c tree.Config, src rand.Source, workers int) (classifier.Trainer, error) {
			c.Src, c.Workers = src, workers
			return tree.New(c)
		}),
	define(RandomForest, "random_forest", 3, forest.DefaultConfig, forest.Space,
		func(c forest.Config, src rand.Source, workers int) (classifier.Trainer, error) {
			c.Src, c.Workers = src, workers
			return forest.New(c)
		}),
	// The original project used the linear kernel; scikit-learn's default
	// is RBF, which svm.DefaultConfig keeps.
	define(SVM, "svm", 2, func() svm.Config { c := svm.DefaultConfig(); c.Kernel = svm.Linear; return c }, svm.Space,
		func(c svm.Config, src rand.Source, workers int) (classifier.Trainer, error) {
			c.Src, c.Workers = src, workers
			return svm.New(c)
		}),
	define(XGBoost, "gradient_boosted_trees", 4, boost.DefaultConfig, boost.Space,
		func(c boost.Config, src rand.Source, workers int) (classifier.Trainer, error) {
			c.Src, c.Workers = src, workers
			return boost.New(c)
		}),
}

// Names returns every model name, in registry order.
func Names() []string {
	names := make([]string, len(registry))
	for i, a := range registry {
		names[i] = a.Name
	}
	return names
}

// Lookup returns the algorithm named name.
func Lookup(name string) (Algorithm, bool) {
	for _, a := range registry {
		if a.Name == name {
			return a, true
		}
	}
	return Algorithm{}, false
}
