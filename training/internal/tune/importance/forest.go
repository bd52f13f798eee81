package importance

import (
	"math/rand/v2"
	"slices"
)

// scikit-learn's constants (sklearn/tree/_splitter.pyx, _tree.pyx): values
// closer than featureThreshold are not split between, and a node whose
// impurity is at most epsilon is a leaf.
const (
	featureThreshold = 1e-7
	epsilon          = 2.220446049250313e-16 // numpy.finfo(float64).eps
)

// node is a node of a regression tree. Children come after their parent
// in the tree's node slice.
type node struct {
	// feature is the column a split tests, or -1 for a leaf.
	feature int
	// threshold sends x[feature] <= threshold left.
	threshold   float64
	left, right int
	// value is the weighted mean of the node's training targets.
	value float64
}

func (n *node) leaf() bool { return n.feature < 0 }

// tree is a fitted regression tree; nodes[0] is the root.
type tree struct {
	nodes []node
}

// predict returns the tree's value at x.
func (t *tree) predict(x []float64) float64 {
	i := 0
	for !t.nodes[i].leaf() {
		n := &t.nodes[i]
		if x[n.feature] <= n.threshold {
			i = n.left
		} else {
			i = n.right
		}
	}
	return t.nodes[i].value
}

// forestOptions are a forest's settings; minimum samples to split 2 and per
// leaf 1, as Optuna's evaluator fixes them.
type forestOptions struct {
	trees, maxDepth int
	// bootstrap draws each tree's rows with replacement; without it every
	// tree sees every row once (for tests).
	bootstrap bool
}

// fitForest fits a random forest regressor on rows x (one per trial,
// one column per encoded feature) and targets y, as scikit-learn's
// RandomForestRegressor(max_features=1.0) does: each tree on a bootstrap
// sample (drawn rows weighted by how often they were drawn), at every node
// the best squared-error split over every feature, the features tried in a
// random order so that ties go to a random one.
func fitForest(x [][]float64, y []float64, opts forestOptions, rng *rand.Rand) []*tree {
	n := len(y)
	trees := make([]*tree, opts.trees)
	w := make([]float64, n)
	for t := range trees {
		if opts.bootstrap {
			clear(w)
			for range n {
				w[rng.IntN(n)]++
			}
		} else {
			for i := range w {
				w[i] = 1
			}
		}
		var rows []int
		for i, c := range w {
			if c > 0 {
				rows = append(rows, i)
			}
		}
		b := builder{x: x, y: y, w: w, rng: rng, maxDepth: opts.maxDepth, tree: &tree{}}
		b.grow(rows, 0)
		trees[t] = b.tree
	}
	return trees
}

// builder grows one tree depth first, as scikit-learn's
// DepthFirstTreeBuilder with BestSplitter.
type builder struct {
	x        [][]float64
	y, w     []float64
	rng      *rand.Rand
	maxDepth int
	tree     *tree
	// order is scratch space for sorting a node's rows.
	order []int
}

// grow adds the subtree of rows (each with its weight w, all > 0) at depth
// and returns its root's index.
func (b *builder) grow(rows []int, depth int) int {
	var sw, sum, sq float64
	for _, r := range rows {
		sw += b.w[r]
		sum += b.w[r] * b.y[r]
		sq += b.w[r] * b.y[r] * b.y[r]
	}
	mean := sum / sw
	idx := len(b.tree.nodes)
	b.tree.nodes = append(b.tree.nodes, node{feature: -1, value: mean})
	// min_samples_split 2 and min_samples_leaf 1 count rows, not weights.
	if depth >= b.maxDepth || len(rows) < 2 || sq/sw-mean*mean <= epsilon {
		return idx
	}
	feature, threshold, ok := b.bestSplit(rows, sum, sw)
	if !ok {
		return idx
	}
	var left, right []int
	for _, r := range rows {
		if b.x[r][feature] <= threshold {
			left = append(left, r)
		} else {
			right = append(right, r)
		}
	}
	l := b.grow(left, depth+1)
	rt := b.grow(right, depth+1)
	b.tree.nodes[idx] = node{feature: feature, threshold: threshold, left: l, right: rt, value: mean}
	return idx
}

// bestSplit returns the split of rows that maximizes scikit-learn's proxy
// for the decrease of the weighted squared error, sum_l²/w_l + sum_r²/w_r,
// between two values more than featureThreshold apart, the threshold
// halfway between them; ok is false when every feature is constant.
func (b *builder) bestSplit(rows []int, sum, sw float64) (feature int, threshold float64, ok bool) {
	best := 0.0
	b.order = append(b.order[:0], rows...)
	order := b.order
	for _, f := range b.rng.Perm(len(b.x[0])) {
		slices.SortFunc(order, func(i, j int) int {
			switch xi, xj := b.x[i][f], b.x[j][f]; {
			case xi < xj:
				return -1
			case xi > xj:
				return 1
			}
			return 0
		})
		if b.x[order[len(order)-1]][f] <= b.x[order[0]][f]+featureThreshold {
			continue
		}
		var wl, sl float64
		for p := 1; p < len(order); p++ {
			r := order[p-1]
			wl += b.w[r]
			sl += b.w[r] * b.y[r]
			lo, hi := b.x[r][f], b.x[order[p]][f]
			if hi <= lo+featureThreshold {
				continue
			}
			wr, sr := sw-wl, sum-sl
			// The first of equal proxies wins, as in scikit-learn: the
			// random feature order breaks ties between features.
			if proxy := sl*sl/wl + sr*sr/wr; !ok || proxy > best {
				best, feature, ok = proxy, f, true
				threshold = lo/2 + hi/2
				if threshold == hi {
					threshold = lo
				}
			}
		}
	}
	return feature, threshold, ok
}
