package train

import (
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/mlopsgo/mlops/training/internal/classifier"
	"github.com/mlopsgo/mlops/training/internal/classifier/boost"
	"github.com/mlopsgo/mlops/training/internal/classifier/forest"
	"github.com/mlopsgo/mlops/training/internal/classifier/logreg"
	"github.com/mlopsgo/mlops/training/internal/classifier/svm"
	"github.com/mlopsgo/mlops/training/internal/classifier/tree"
	"github.com/mlopsgo/mlops/training/internal/params"
)

// algorithm describes one configured model.
type algorithm struct {
	name            string
	kind            string // the bundle's Algorithm field
	hyperparameters map[string]any
	// newTrainer returns a trainer whose randomness comes from stream, so
	// every fit (each fold, the final fit) has its own reproducible source.
	newTrainer func(seed, stream uint64) (classifier.Trainer, error)
	timeout    time.Duration // bounds CV + final fit; 0: none (see trainModel)
}

// simplicity orders models for breaking champion ties: the simpler wins.
var simplicity = map[string]int{
	params.LogisticRegressionName: 0,
	params.DecisionTreeName:       1,
	params.SVMName:                2,
	params.RandomForestName:       3,
	params.XGBoostName:            4,
}

// algorithms builds the selected models from params, validating each
// configuration before any work starts.
func algorithms(p *params.Params, names []string) ([]algorithm, error) {
	var out []algorithm
	for _, name := range names {
		a, err := newAlgorithm(p, name)
		if err != nil {
			return nil, fmt.Errorf("models.%s: %w", name, err)
		}
		// Build one trainer now so a bad configuration fails up front.
		if _, err := a.newTrainer(p.Seed, 0); err != nil {
			return nil, fmt.Errorf("models.%s: %w", name, err)
		}
		out = append(out, a)
	}
	return out, nil
}

func newAlgorithm(p *params.Params, name string) (algorithm, error) {
	switch name {
	case params.LogisticRegressionName:
		h := *p.Models.LogisticRegression
		return algorithm{
			name: name, kind: "logistic_regression", hyperparameters: h.Hyperparameters(),
			newTrainer: func(_, _ uint64) (classifier.Trainer, error) {
				return logreg.New(logreg.Config{C: h.C, MaxIter: h.MaxIter, Tol: h.Tol, FitIntercept: h.FitIntercept, Standardize: h.Standardize})
			},
		}, nil
	case params.DecisionTreeName:
		h := *p.Models.DecisionTree
		return algorithm{
			name: name, kind: "decision_tree", hyperparameters: h.Hyperparameters(),
			newTrainer: func(seed, stream uint64) (classifier.Trainer, error) {
				cfg := tree.DefaultConfig()
				cfg.Criterion = h.Criterion
				if h.MaxDepth != nil {
					cfg.MaxDepth = *h.MaxDepth
				}
				cfg.MinSamplesSplit = h.MinSamplesSplit
				cfg.MinSamplesLeaf = h.MinSamplesLeaf
				cfg.MinImpurityDecrease = h.MinImpurityDecrease
				cfg.Src = rand.NewPCG(seed, stream)
				return tree.New(cfg)
			},
		}, nil
	case params.RandomForestName:
		h := *p.Models.RandomForest
		return algorithm{
			name: name, kind: "random_forest", hyperparameters: h.Hyperparameters(),
			newTrainer: func(seed, stream uint64) (classifier.Trainer, error) {
				cfg := forest.DefaultConfig()
				cfg.NEstimators = h.NEstimators
				cfg.Criterion = h.Criterion
				if h.MaxDepth != nil {
					cfg.MaxDepth = *h.MaxDepth
				}
				cfg.MinSamplesSplit = h.MinSamplesSplit
				cfg.MinSamplesLeaf = h.MinSamplesLeaf
				cfg.MaxFeatures = forest.MaxFeatures{}
				if m := h.MaxFeatures; m != nil {
					cfg.MaxFeatures = forest.MaxFeatures{Rule: m.Rule, Count: m.Count, Fraction: m.Fraction}
				}
				cfg.Bootstrap = h.Bootstrap
				cfg.MinImpurityDecrease = h.MinImpurityDecrease
				cfg.Src = rand.NewPCG(seed, stream)
				return forest.New(cfg)
			},
		}, nil
	case params.SVMName:
		h := *p.Models.SVM
		return algorithm{
			name: name, kind: "svm", hyperparameters: h.Hyperparameters(),
			newTrainer: func(seed, stream uint64) (classifier.Trainer, error) {
				cfg := svm.DefaultConfig()
				cfg.Kernel = h.Kernel
				cfg.C = h.C
				cfg.Gamma, cfg.GammaRule = h.GammaValue()
				cfg.Tol = h.Tol
				cfg.Shrinking = h.Shrinking
				cfg.MaxIter = max(h.MaxIter, 0) // -1, no bound, is 0 here
				cfg.Src = rand.NewPCG(seed, stream)
				return svm.New(cfg)
			},
		}, nil
	case params.XGBoostName:
		h := *p.Models.XGBoost
		return algorithm{
			name: name, kind: "gradient_boosted_trees", hyperparameters: h.Hyperparameters(),
			newTrainer: func(seed, stream uint64) (classifier.Trainer, error) {
				return boost.New(boost.Config{
					NEstimators: h.NEstimators, LearningRate: h.LearningRate, MaxDepth: h.MaxDepth,
					MinChildWeight: h.MinChildWeight, Gamma: h.Gamma, Lambda: h.RegLambda, Alpha: h.RegAlpha,
					Subsample: h.Subsample, ColsampleByTree: h.ColsampleByTree, BaseScore: h.BaseScore,
					Src: rand.NewPCG(seed, stream),
				})
			},
		}, nil
	}
	return algorithm{}, fmt.Errorf("%w: no trainer for model %q", params.ErrInvalid, name)
}
