package boost

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/mlopsgo/mlops/training/internal/classifier"
	"github.com/mlopsgo/mlops/training/model"
)

// Trainer fits gradient-boosted trees with a fixed Config. A Trainer that
// samples nothing (Subsample and ColsampleByTree 1) holds no state between
// fits and is safe for concurrent use; one that samples draws from the
// shared Config.Src and is not.
type Trainer struct {
	cfg Config
	// noHistory leaves Fitted.History nil (see WithoutHistory).
	noHistory bool
}

var (
	_ classifier.Trainer         = (*Trainer)(nil)
	_ classifier.Evaluator       = (*Trainer)(nil)
	_ classifier.HistoryRecorder = (*Trainer)(nil)
)

// New returns a Trainer for cfg, or an error wrapping ErrConfig that names
// the first invalid field.
func New(cfg Config) (*Trainer, error) {
	if err := cfg.validate(); err != nil {
		return nil, err
	}
	return &Trainer{cfg: cfg}, nil
}

// Config returns the configuration the Trainer fits with.
func (t *Trainer) Config() Config { return t.cfg }

// WithValidation returns a Trainer with the receiver's Config but for
// Validation, which holds X and y: its fits report the loss on them after
// every round. The receiver is not changed; the two share Config.Src.
func (t *Trainer) WithValidation(X [][]float64, y []int) classifier.Trainer {
	cfg := t.cfg
	cfg.Validation = &Validation{X: X, Y: y}
	return &Trainer{cfg: cfg, noHistory: t.noHistory}
}

// WithoutHistory returns a Trainer with the receiver's Config whose fits
// leave Fitted.History nil: they skip the training log loss, a logarithm
// per row and round (about 5% of a fit on small data), and fit the same
// trees. The receiver is not changed; the two share Config.Src.
func (t *Trainer) WithoutHistory() classifier.Trainer {
	return &Trainer{cfg: t.cfg, noHistory: true}
}

// Fit boosts trees on X (one row per observation) and labels y in
// [0, classes), as described in the package documentation. X and y are not
// modified.
//
// The result holds a model.Boosted of NEstimators × classes trees.
// Iterations is the number of rounds, History the mean training log loss
// after each round, and Converged is true: boosting runs a fixed number of
// rounds. With Config.Validation, ValidationHistory is the mean log loss on
// it after each round; otherwise it is nil.
//
// Fit returns an error wrapping a *classifier.InputError for invalid data,
// ErrRange for a value float32 cannot hold, ErrValidation for a validation
// set that does not match, or the context's error when ctx is done (checked
// before every round).
func (t *Trainer) Fit(ctx context.Context, X [][]float64, y []int, classes int) (*classifier.Fitted, error) {
	if err := checkInput(X, y, classes, t.cfg.AllowMissing); err != nil {
		return nil, fmt.Errorf("boost: fit: %w", err)
	}
	data, err := newMatrix(X)
	if err != nil {
		return nil, fmt.Errorf("boost: fit: %w", err)
	}
	var val *evalSet
	if v := t.cfg.Validation; v != nil {
		m, err := validationMatrix(v, data.features, classes, t.cfg.AllowMissing)
		if err != nil {
			return nil, fmt.Errorf("boost: fit: %w", err)
		}
		val = &evalSet{data: m, y: v.Y}
	}
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("boost: fit: %w", err)
	}
	return t.boost(ctx, t.newTreeBuilder(data), data, y, classes, val)
}

// treeBuilder grows the trees of one fit, one after the other, with one of
// XGBoost's tree methods. The boosting loop uses nothing else of the
// method, so another one (XGBoost's "hist") fits in beside the exact
// grower.
type treeBuilder interface {
	// grow grows a tree on one gradient and one hessian per training row;
	// it stays the builder's last tree until the next call.
	grow(g, h []float32)
	// appendTo appends the last tree to m as a tree of class k.
	appendTo(m *model.Boosted, k int)
	// addTo adds the last tree's leaf values to class k's margins of every
	// row of data (the training rows or others of as many features).
	addTo(margin []float32, k, classes int, data *matrix)
}

// newTreeBuilder returns the tree method that grows every tree of a fit on
// data: XGBoost's exact greedy method or its hist method, as
// Config.TreeMethod picks for the number of rows.
func (t *Trainer) newTreeBuilder(data *matrix) treeBuilder {
	var rng *rand.Rand
	if t.cfg.Subsample < 1 || t.cfg.ColsampleByTree < 1 {
		rng = rand.New(t.cfg.Src)
	}
	p := newTrainParam(t.cfg)
	if t.cfg.treeMethod(data.rows) == TreeHist {
		return newHistBuilder(p, data, t.cfg.maxBin(), classifier.Workers(t.cfg.Workers), rng)
	}
	return newGrower(p, data, sortColumns(data), rng)
}

// evalSet is a data set evaluated after every round without being fitted
// on.
type evalSet struct {
	data *matrix
	y    []int
}

// boost runs Config.NEstimators rounds on checked data, growing each tree
// with b, and evaluates val (if not nil) after every round.
func (t *Trainer) boost(ctx context.Context, b treeBuilder, data *matrix, y []int, classes int, val *evalSet) (*classifier.Fitted, error) {
	n, rounds := data.rows, t.cfg.NEstimators
	base := float32(t.cfg.BaseScore)
	margin := filled(n*classes, base)
	grad := make([]float32, n*classes)
	hess := make([]float32, n*classes)
	exps := make([]float32, classes)
	var rowLoss []float64 // nil: no history
	res := &classifier.Fitted{Iterations: rounds, Converged: true}
	if !t.noHistory {
		rowLoss = make([]float64, n)
		res.History = make([]float64, 0, rounds)
	}
	workers := classifier.Workers(t.cfg.Workers)
	var valMargin []float32
	if val != nil {
		valMargin = filled(val.data.rows*classes, base)
		res.ValidationHistory = make([]float64, 0, rounds)
	}
	boosted := &model.Boosted{
		BaseScore: float64(base),
		TreeClass: make([]int, 0, rounds*classes),
		TreeStart: make([]int, 0, rounds*classes),
	}
	for round := range rounds {
		if err := ctx.Err(); err != nil {
			return nil, fmt.Errorf("boost: fit (round %d of %d): %w", round+1, rounds, err)
		}
		// One set of gradients per round, from the margins before it, as
		// XGBoost computes them; then one tree per class.
		loss := softmaxGradients(margin, y, classes, grad, hess, rowLoss, workers)
		if round > 0 && rowLoss != nil {
			res.History = append(res.History, loss)
		}
		for k := range classes {
			b.grow(grad[k*n:(k+1)*n], hess[k*n:(k+1)*n])
			b.appendTo(boosted, k)
			b.addTo(margin, k, classes, data)
			if val != nil {
				b.addTo(valMargin, k, classes, val.data)
			}
		}
		if val != nil {
			res.ValidationHistory = append(res.ValidationHistory, logLoss(valMargin, val.y, classes, exps))
		}
	}
	if rowLoss != nil {
		res.History = append(res.History, logLoss(margin, y, classes, exps))
	}
	res.Params = model.Params{Boosted: boosted}
	return res, nil
}

// validationMatrix checks the validation set against the training data's
// shape and converts it.
func validationMatrix(v *Validation, features, classes int, allowMissing bool) (*matrix, error) {
	if len(v.X) == 0 || len(v.Y) != len(v.X) {
		return nil, fmt.Errorf("%w: %d rows and %d labels, want as many of each and at least one", ErrValidation, len(v.X), len(v.Y))
	}
	for i, row := range v.X {
		if len(row) != features {
			return nil, fmt.Errorf("%w: row %d has %d values, the training data %d features", ErrValidation, i, len(row), features)
		}
		for j, x := range row {
			if (math.IsNaN(x) && !allowMissing) || math.Abs(x) > math.MaxFloat32 {
				return nil, fmt.Errorf("%w: row %d, feature %d is %v, not a finite float32 value", ErrValidation, i, j, x)
			}
		}
		if v.Y[i] < 0 || v.Y[i] >= classes {
			return nil, fmt.Errorf("%w: row %d has label %d, want [0, %d)", ErrValidation, i, v.Y[i], classes)
		}
	}
	return newMatrix(v.X)
}

func filled(n int, v float32) []float32 {
	s := make([]float32, n)
	for i := range s {
		s[i] = v
	}
	return s
}
