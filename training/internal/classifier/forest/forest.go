package forest

import (
	"context"
	"fmt"
	"math/rand/v2"

	"github.com/mlopsgo/mlops/training/internal/classifier"
	"github.com/mlopsgo/mlops/training/internal/classifier/tree"
	"github.com/mlopsgo/mlops/training/model"
)

// Trainer fits random forests with a fixed Config. A Trainer whose Config
// has a nil Src is safe for concurrent use; one with a Src is not, because
// fits draw from the shared source.
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

// Config returns the configuration the Trainer fits with.
func (t *Trainer) Config() Config { return t.cfg }

// Result is a fitted forest with its out-of-bag estimates.
type Result struct {
	// Fitted holds the model.Forest; Iterations is the number of trees,
	// Converged is true and History is nil.
	Fitted *classifier.Fitted
	// OOB holds the out-of-bag estimates; nil without Config.Bootstrap.
	OOB *OOB
}

// OOB holds out-of-bag estimates, as scikit-learn's oob_score_ and
// oob_decision_function_.
type OOB struct {
	// Score is the accuracy of the out-of-bag predictions on the training
	// rows.
	Score float64
	// Decision holds, for each training row, the class probabilities
	// averaged over the trees that did not see it (all zero when every tree
	// saw it).
	Decision [][]float64
}

// Fit grows a forest on X (one row per observation) and labels y in
// [0, classes), as FitForest does, without the out-of-bag estimates: as
// scikit-learn computes them only when asked (oob_score=True), and nothing
// that fits through the classifier.Trainer interface reads them, while
// they cost a prediction by a share of the trees for every training row.
func (t *Trainer) Fit(ctx context.Context, X [][]float64, y []int, classes int) (*classifier.Fitted, error) {
	f, _, err := t.fit(ctx, X, y, classes)
	if err != nil {
		return nil, err
	}
	return fitted(f), nil
}

func fitted(f *model.Forest) *classifier.Fitted {
	return &classifier.Fitted{Params: model.Params{Forest: f}, Iterations: len(f.Trees), Converged: true}
}

// FitForest grows Config.NEstimators trees on X (one row per observation)
// and labels y in [0, classes), as described in the package documentation,
// and computes the out-of-bag estimates when Config.Bootstrap is set. X and
// y are not modified.
//
// FitForest returns an error wrapping a classifier input error for invalid
// data, ErrConfig when Config.MaxFeatures asks for more features than X
// has, or the context's error when ctx is done (checked before every tree
// and, by package tree, before every node).
func (t *Trainer) FitForest(ctx context.Context, X [][]float64, y []int, classes int) (*Result, error) {
	f, seeds, err := t.fit(ctx, X, y, classes)
	if err != nil {
		return nil, err
	}
	res := &Result{Fitted: fitted(f)}
	if t.cfg.Bootstrap {
		res.OOB = outOfBag(f, seeds, X, y, classes)
	}
	return res, nil
}

// fit grows the forest and returns it with each tree's seeds, from which
// the out-of-bag estimates redraw the bootstrap samples.
func (t *Trainer) fit(ctx context.Context, X [][]float64, y []int, classes int) (*model.Forest, [][2]uint64, error) {
	if err := classifier.CheckInput(X, y, classes); err != nil {
		return nil, nil, fmt.Errorf("forest: fit: %w", err)
	}
	maxFeatures, err := t.cfg.MaxFeatures.resolve(len(X[0]))
	if err != nil {
		return nil, nil, fmt.Errorf("forest: fit: %w", err)
	}
	if err := ctx.Err(); err != nil {
		return nil, nil, fmt.Errorf("forest: fit: %w", err)
	}
	// Every tree's source is fixed before any tree is grown, so the
	// scheduling of the workers cannot change what a tree draws.
	src := t.cfg.Src
	if src == nil {
		src = rand.NewPCG(0, 0)
	}
	master := rand.New(src)
	seeds := make([][2]uint64, t.cfg.NEstimators)
	for i := range seeds {
		seeds[i] = [2]uint64{master.Uint64(), master.Uint64()}
	}
	// The hist method bins the data once here, and every tree reads the
	// same bins: nothing per tree copies the data. The exact method sorts
	// every column once here when that beats sorting each node's rows.
	var (
		bins   *tree.Binned
		sorted *tree.Sorted
	)
	switch {
	case tree.Method(t.cfg.TreeMethod, len(X)) == tree.Hist:
		bins = tree.Bin(X, t.cfg.MaxBin, t.cfg.Workers)
	case tree.Presorts(maxFeatures, len(X[0]), len(X)):
		sorted = tree.Sort(X)
	}
	grown, err := t.grow(ctx, data{X, bins, sorted}, y, classes, maxFeatures, seeds)
	if err != nil {
		return nil, nil, fmt.Errorf("forest: fit: %w", err)
	}
	f := &model.Forest{Trees: make([]model.Tree, len(grown))}
	for i, g := range grown {
		f.Trees[i] = *g
	}
	return f, seeds, nil
}

// data is what a forest's trees are grown on: X, and either its bins for
// the hist method or, for the exact method, its sorted columns or neither.
// The bins and sorted columns are shared by every tree.
type data struct {
	X      [][]float64
	bins   *tree.Binned
	sorted *tree.Sorted
}

// grow fits one tree per seed on up to Config.Workers goroutines and returns
// them in seed order.
func (t *Trainer) grow(ctx context.Context, d data, y []int, classes, maxFeatures int, seeds [][2]uint64) ([]*model.Tree, error) {
	out := make([]*model.Tree, len(seeds))
	workers := classifier.Workers(t.cfg.Workers)
	// Each worker draws its trees' bootstrap weights into one buffer: the
	// tree copies what it keeps.
	weights := make([][]float64, workers)
	err := classifier.Run(workers, len(seeds), func(w, i int) error {
		// The caller's context itself, not a derived one, is asked before
		// every tree, so its cancellation is seen at once.
		if err := ctx.Err(); err != nil {
			return err
		}
		if t.cfg.Bootstrap && weights[w] == nil {
			weights[w] = make([]float64, len(y))
		}
		g, err := t.growOne(ctx, d, y, classes, maxFeatures, seeds[i], weights[w])
		if err != nil {
			return fmt.Errorf("tree %d: %w", i, err)
		}
		out[i] = g
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// growOne draws the bootstrap sample of one tree and grows it; the sample
// and the tree's feature draws both come from the tree's own source, as
// scikit-learn uses one random_state per tree for both.
//
// With Config.Bootstrap, weights (one per row) receives the sample's
// weights; otherwise it is nil.
func (t *Trainer) growOne(ctx context.Context, d data, y []int, classes, maxFeatures int, seed [2]uint64, weights []float64) (*model.Tree, error) {
	src := rand.NewPCG(seed[0], seed[1])
	if t.cfg.Bootstrap {
		bootstrap(weights, rand.New(src))
	}
	tr, err := tree.New(t.cfg.treeConfig(maxFeatures, src))
	if err != nil {
		return nil, err
	}
	var fit *classifier.Fitted
	switch {
	case d.bins != nil:
		fit, err = tr.FitBinned(ctx, d.bins, y, classes, weights)
	case d.sorted != nil:
		fit, err = tr.FitSorted(ctx, d.sorted, y, classes, weights)
	default:
		fit, err = tr.FitWeighted(ctx, d.X, y, classes, weights)
	}
	if err != nil {
		return nil, err
	}
	return fit.Params.Tree, nil
}

// bootstrap draws a tree's bootstrap sample from rng as scikit-learn's
// _generate_sample_indices does, len(weights) rows with replacement, and
// sets weights[i] to the number of times row i was drawn.
func bootstrap(weights []float64, rng *rand.Rand) {
	clear(weights)
	n := len(weights)
	for range n {
		weights[rng.IntN(n)]++
	}
}

// outOfBag averages, for every row, the leaf distributions of the trees
// that left it out, in tree order, and scores the argmax as scikit-learn's
// _compute_oob_predictions and _set_oob_score_and_attributes do. Each
// tree's sample is drawn again from its seed rather than kept from the
// fit: the left-out rows of 100 trees on a million rows took 300 MB.
func outOfBag(f *model.Forest, seeds [][2]uint64, X [][]float64, y []int, classes int) *OOB {
	n := len(X)
	flat := make([]float64, n*classes)
	decision := make([][]float64, n)
	for i := range decision {
		decision[i] = flat[i*classes : (i+1)*classes : (i+1)*classes]
	}
	count := make([]int, n)
	weights := make([]float64, n)
	for i, seed := range seeds {
		bootstrap(weights, rand.New(rand.NewPCG(seed[0], seed[1])))
		t := &f.Trees[i]
		for row, w := range weights {
			if w != 0 {
				continue
			}
			for k, p := range t.Value[t.Leaf(X[row])] {
				decision[row][k] += p
			}
			count[row]++
		}
	}
	correct := 0
	for row, d := range decision {
		if c := count[row]; c > 0 {
			for k := range d {
				d[k] /= float64(c)
			}
		}
		if model.ArgMax(d) == y[row] {
			correct++
		}
	}
	return &OOB{Score: float64(correct) / float64(n), Decision: decision}
}
