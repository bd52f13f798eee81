package tree

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/mlopsgo/mlops/training/internal/classifier"
	"github.com/mlopsgo/mlops/training/model"
)

// Trainer grows decision trees with a fixed Config. A Trainer whose Config
// has a nil Src holds no state between fits and is safe for concurrent use;
// one with a Src is not, because fits draw from the shared source.
type Trainer struct {
	cfg Config
}

var _ classifier.Trainer = (*Trainer)(nil)

// New returns a Trainer for cfg, or an error wrapping ErrConfig that names
// the first invalid field.
func New(cfg Config) (*Trainer, error) {
	if err := cfg.validate(); err != nil {
		return nil, err
	}
	return &Trainer{cfg: cfg}, nil
}

// Config returns the configuration the Trainer grows trees with.
func (t *Trainer) Config() Config { return t.cfg }

// Fit grows a tree on X (one row per observation) and labels y in
// [0, classes), every row with weight 1. See FitWeighted.
func (t *Trainer) Fit(ctx context.Context, X [][]float64, y []int, classes int) (*classifier.Fitted, error) {
	return t.FitWeighted(ctx, X, y, classes, nil)
}

// FitWeighted grows a tree on X and y with one non-negative weight per row;
// nil weights mean weight 1 for every row. Rows of weight zero take no part
// in the fit. X, y and weights are not modified. With the hist method (see
// Config.TreeMethod) X is binned first, as Bin does.
//
// The result holds a model.Tree; Iterations is its number of nodes,
// Converged is true and History is nil, since growing a tree has no
// iterations to converge.
//
// FitWeighted returns an error wrapping a classifier input error for
// invalid data, ErrWeights for invalid weights, ErrConfig when MaxFeatures
// exceeds the number of features, or the context's error when ctx is done
// (checked before every node).
func (t *Trainer) FitWeighted(ctx context.Context, X [][]float64, y []int, classes int, weights []float64) (*classifier.Fitted, error) {
	if err := classifier.CheckInput(X, y, classes); err != nil {
		return nil, fmt.Errorf("tree: fit: %w", err)
	}
	if Method(t.cfg.TreeMethod, len(X)) == Hist {
		if err := t.check(len(X[0]), len(X), weights); err != nil {
			return nil, err
		}
		return t.fit(ctx, nil, Bin(X, t.cfg.MaxBin, t.cfg.Workers), y, classes, weights)
	}
	if Presorts(t.cfg.MaxFeatures, len(X[0]), len(X)) && integral(weights) {
		return t.fit(ctx, Sort(X), nil, y, classes, weights)
	}
	return t.fit(ctx, &Sorted{X: X}, nil, y, classes, weights)
}

// FitSorted grows a tree with the exact method, whatever
// Config.TreeMethod says, on data sorted by Sort and labels y in [0,
// classes), one per row, with weights as FitWeighted takes them. s is only
// read, so fits may share it. The errors are FitWeighted's.
func (t *Trainer) FitSorted(ctx context.Context, s *Sorted, y []int, classes int, weights []float64) (*classifier.Fitted, error) {
	if err := checkLabels(y, len(s.X), classes); err != nil {
		return nil, err
	}
	return t.fit(ctx, s, nil, y, classes, weights)
}

// FitBinned grows a tree with the hist method, whatever Config.TreeMethod
// says, on data binned by Bin and labels y in [0, classes), one per binned
// row, with weights as FitWeighted takes them. bins is only read, so fits
// may share it; Config.MaxBin is not used (Bin was given it). The errors
// are FitWeighted's.
func (t *Trainer) FitBinned(ctx context.Context, bins *Binned, y []int, classes int, weights []float64) (*classifier.Fitted, error) {
	if err := checkLabels(y, bins.rows, classes); err != nil {
		return nil, err
	}
	return t.fit(ctx, nil, bins, y, classes, weights)
}

// checkLabels checks that y has one label in [0, classes) for each of n
// rows whose values were checked before they were binned or sorted.
func checkLabels(y []int, n, classes int) error {
	if len(y) != n {
		return fmt.Errorf("tree: fit: %w: %d labels for %d rows", classifier.ErrShape, len(y), n)
	}
	for i, label := range y {
		if label < 0 || label >= classes {
			return fmt.Errorf("tree: fit: %w: row %d has label %d, want [0, %d)", classifier.ErrLabel, i, label, classes)
		}
	}
	return nil
}

// check validates the weights and MaxFeatures for d features and n rows.
func (t *Trainer) check(d, n int, weights []float64) error {
	if err := checkWeights(weights, n); err != nil {
		return fmt.Errorf("tree: fit: %w", err)
	}
	if t.cfg.MaxFeatures > d {
		return fmt.Errorf("tree: fit: %w: Config.MaxFeatures is %d, the data have %d features", ErrConfig, t.cfg.MaxFeatures, d)
	}
	return nil
}

// fit grows the tree on s.X by the exact method or, with bins set (and s
// nil), by the hist method; the data and y are checked. The exact method
// uses s's sorted columns when it has them and the weights are whole
// numbers; otherwise it sorts each node's rows.
func (t *Trainer) fit(ctx context.Context, s *Sorted, bins *Binned, y []int, classes int, weights []float64) (*classifier.Fitted, error) {
	var X [][]float64
	if s != nil {
		X = s.X
	}
	if err := t.check(bins.featuresOr(X), len(y), weights); err != nil {
		return nil, err
	}
	b := newBuilder(t.cfg, s, bins, y, classes, weights)
	defer b.w.release()
	if len(b.samples) == 0 {
		return nil, fmt.Errorf("tree: fit: %w: every weight is zero", ErrWeights)
	}
	if _, err := b.grow(ctx, 0, len(b.samples), 0, nil); err != nil {
		return nil, fmt.Errorf("tree: fit: %w", err)
	}
	tree := b.w.tree(classes)
	return &classifier.Fitted{
		Params:     model.Params{Tree: tree},
		Iterations: tree.NumNodes(),
		Converged:  true,
	}, nil
}

// checkWeights validates weights for n rows; nil is valid.
func checkWeights(weights []float64, n int) error {
	if weights == nil {
		return nil
	}
	if len(weights) != n {
		return fmt.Errorf("%w: %d weights for %d rows", ErrWeights, len(weights), n)
	}
	for i, w := range weights {
		if !(w >= 0) || math.IsInf(w, 1) {
			return fmt.Errorf("%w: row %d has weight %v, want a finite value >= 0", ErrWeights, i, w)
		}
	}
	return nil
}

// newRand returns the generator that permutes features, or nil for natural
// order.
func newRand(src rand.Source) *rand.Rand {
	if src == nil {
		return nil
	}
	return rand.New(src)
}
