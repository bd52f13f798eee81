package tree

import (
	"cmp"
	"context"
	"math"
	"math/rand/v2"
	"slices"

	"github.com/mlopsgo/mlops/training/model"
)

// featureThreshold is scikit-learn's FEATURE_THRESHOLD: values closer than
// this are treated as equal, so no threshold is placed between them.
const featureThreshold = 1e-7

// epsilon is scikit-learn's EPSILON, the float64 machine epsilon: a node
// with impurity at most epsilon is pure, and a split must improve by at
// least MinImpurityDecrease − epsilon.
const epsilon = 0x1p-52

// builder grows one tree. Every node owns a contiguous range of samples; a
// split partitions the range in place before the children are grown.
type builder struct {
	cfg      Config
	X        [][]float64
	y        []int
	weights  []float64 // nil: every row weighs 1
	classes  int
	impurity impurity
	rng      *rand.Rand
	// totalWeight is the weight of all rows, the N of scikit-learn's
	// weighted impurity decrease.
	totalWeight float64

	samples  []int   // rows of positive weight, partitioned by node
	features []int   // feature visiting order, permuted at each node
	sorted   []entry // the node's rows sorted by one feature
	scratch  []int   // partition buffer
	counts   []float64
	left     []float64
	right    []float64
	bestLeft []float64

	tree *model.Tree
}

// entry is one row's value of the feature being sorted.
type entry struct {
	value float64
	row   int
}

func newBuilder(cfg Config, X [][]float64, y []int, classes int, weights []float64) *builder {
	b := &builder{
		cfg:      cfg,
		X:        X,
		y:        y,
		weights:  weights,
		classes:  classes,
		impurity: criterion(cfg.Criterion),
		rng:      newRand(cfg.Src),
		features: make([]int, len(X[0])),
		counts:   make([]float64, classes),
		left:     make([]float64, classes),
		right:    make([]float64, classes),
		bestLeft: make([]float64, classes),
		tree:     &model.Tree{},
	}
	for i := range X {
		if w := b.weight(i); w > 0 {
			b.samples = append(b.samples, i)
			b.totalWeight += w
		}
	}
	for j := range b.features {
		b.features[j] = j
	}
	b.sorted = make([]entry, len(b.samples))
	b.scratch = make([]int, len(b.samples))
	return b
}

func (b *builder) weight(row int) float64 {
	if b.weights == nil {
		return 1
	}
	return b.weights[row]
}

// split is a candidate split of a node.
type split struct {
	feature   int
	threshold float64
	// improvement is scikit-learn's weighted impurity decrease.
	improvement float64
}

// grow grows the subtree over samples[start:end] at the given depth and
// returns its root's index. Nodes are appended in pre-order.
func (b *builder) grow(ctx context.Context, start, end, depth int) (int, error) {
	if err := ctx.Err(); err != nil {
		return 0, err
	}
	clear(b.counts)
	var total float64
	for _, row := range b.samples[start:end] {
		w := b.weight(row)
		b.counts[b.y[row]] += w
		total += w
	}
	n := end - start
	imp := b.impurity(b.counts, total)
	leaf := (b.cfg.MaxDepth > 0 && depth >= b.cfg.MaxDepth) ||
		n < b.cfg.MinSamplesSplit ||
		n < 2*b.cfg.MinSamplesLeaf ||
		imp <= epsilon
	var s split
	if !leaf {
		var ok bool
		s, ok = b.bestSplit(start, end, total, imp)
		leaf = !ok || s.improvement+epsilon < b.cfg.MinImpurityDecrease
	}
	id := b.tree.NumNodes()
	t := b.tree
	t.Samples = append(t.Samples, n)
	t.Left = append(t.Left, -1)
	t.Right = append(t.Right, -1)
	if leaf {
		value := make([]float64, b.classes)
		for k, c := range b.counts {
			value[k] = c / total
		}
		t.Feature = append(t.Feature, -1)
		t.Threshold = append(t.Threshold, 0)
		t.Value = append(t.Value, value)
		return id, nil
	}
	t.Feature = append(t.Feature, s.feature)
	t.Threshold = append(t.Threshold, s.threshold)
	t.Value = append(t.Value, nil)
	mid := b.partition(start, end, s)
	left, err := b.grow(ctx, start, mid, depth+1)
	if err != nil {
		return 0, err
	}
	right, err := b.grow(ctx, mid, end, depth+1)
	if err != nil {
		return 0, err
	}
	t.Left[id], t.Right[id] = left, right
	return id, nil
}

// bestSplit searches the node over samples[start:end], whose weighted class
// counts are in b.counts (total weight total, impurity imp), for the split
// with the largest impurity decrease. It reports false when no split leaves
// MinSamplesLeaf rows on both sides.
func (b *builder) bestSplit(start, end int, total, imp float64) (split, bool) {
	n := end - start
	minLeaf := b.cfg.MinSamplesLeaf
	if b.rng != nil {
		b.rng.Shuffle(len(b.features), func(i, j int) {
			b.features[i], b.features[j] = b.features[j], b.features[i]
		})
	}
	var (
		best      split
		found     bool
		bestProxy = math.Inf(-1)
		bestWL    float64
		drawn     int // features looked at
		constant  int // of which constant at this node
	)
	sorted := b.sorted[:n]
	for _, f := range b.features {
		// As scikit-learn: stop after MaxFeatures features, unless all of
		// them were constant; then go on until one is not.
		if b.cfg.MaxFeatures > 0 && drawn >= b.cfg.MaxFeatures && drawn > constant {
			break
		}
		drawn++
		for i, row := range b.samples[start:end] {
			sorted[i] = entry{value: b.X[row][f], row: row}
		}
		slices.SortFunc(sorted, func(a, b entry) int { return cmp.Compare(a.value, b.value) })
		if sorted[n-1].value <= sorted[0].value+featureThreshold {
			constant++
			continue
		}
		clear(b.left)
		var wl float64
		for i := 0; i < n-1; i++ {
			row := sorted[i].row
			w := b.weight(row)
			b.left[b.y[row]] += w
			wl += w
			if sorted[i+1].value <= sorted[i].value+featureThreshold {
				continue // no threshold between (nearly) equal values
			}
			pos := i + 1 // rows in the left child
			if pos < minLeaf || n-pos < minLeaf {
				continue
			}
			// The right side is the node minus the left side, as
			// scikit-learn computes it.
			wr := total - wl
			for k, c := range b.counts {
				b.right[k] = c - b.left[k]
			}
			// scikit-learn's proxy_impurity_improvement: the parent's
			// impurity and weight are the same for every candidate.
			proxy := -wr*b.impurity(b.right, wr) - wl*b.impurity(b.left, wl)
			if proxy > bestProxy {
				bestProxy = proxy
				found = true
				bestWL = wl
				copy(b.bestLeft, b.left)
				best.feature = f
				a, c := sorted[i].value, sorted[i+1].value
				// Halves first, so the sum cannot overflow.
				best.threshold = a/2 + c/2
				if best.threshold == c || math.IsInf(best.threshold, 0) {
					best.threshold = a
				}
			}
		}
	}
	if !found {
		return split{}, false
	}
	// The decrease of the winner, scikit-learn's impurity_improvement.
	wr := total - bestWL
	for k := range b.right {
		b.right[k] = b.counts[k] - b.bestLeft[k]
	}
	impL := b.impurity(b.bestLeft, bestWL)
	impR := b.impurity(b.right, wr)
	best.improvement = total / b.totalWeight * (imp - wr/total*impR - bestWL/total*impL)
	return best, true
}

// partition reorders samples[start:end] so that the rows going left come
// first, each side keeping its order, and returns where the right side
// starts.
func (b *builder) partition(start, end int, s split) int {
	rows := b.samples[start:end]
	right := b.scratch[:0]
	mid := start
	for _, row := range rows {
		if b.X[row][s.feature] <= s.threshold {
			b.samples[mid] = row
			mid++
		} else {
			right = append(right, row)
		}
	}
	copy(b.samples[mid:end], right)
	return mid
}
