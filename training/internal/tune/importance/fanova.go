package importance

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
)

// MinTrials is the fewest trials Fanova takes, as Optuna's evaluator
// does: with one trial there is nothing to split.
const MinTrials = 2

// Optuna's FanovaImportanceEvaluator defaults.
const (
	DefaultTrees    = 64
	DefaultMaxDepth = 64
)

// Param is one searched parameter as fANOVA sees it.
type Param struct {
	Name string
	// Choices, when positive, makes the parameter categorical with that
	// many choices; a trial's value is its choice's index.
	Choices int
	// Low and High bound a numerical parameter, both included, in the
	// parameter's own units (not log-transformed, as Optuna's evaluator
	// leaves them, even for a log-uniform parameter).
	Low, High float64
}

// single reports whether p can take only one value: fANOVA leaves it out.
func (p Param) single() bool {
	if p.Choices > 0 {
		return p.Choices == 1
	}
	return p.Low == p.High
}

// Options configures Fanova. The zero value of each field means its
// default.
type Options struct {
	// Trees is the number of trees of the forest. Optional. Default:
	// DefaultTrees.
	Trees int
	// MaxDepth bounds each tree's depth. Optional. Default:
	// DefaultMaxDepth.
	MaxDepth int
	// Src draws the forest's bootstrap samples and feature orders.
	// Optional. Default: rand.NewPCG(0, 0).
	Src rand.Source
}

// Result is each parameter's importance, in the order of the parameters.
type Result struct {
	// Importance is the parameter's share of the explained variance: its
	// mean Explained fraction, normalized so that they sum to 1 (all 0 when
	// no parameter can vary).
	Importance []float64
	// Explained is the mean over the trees of the fraction of the tree's
	// variance that the parameter's main effect explains. Their sum is
	// close to 1 for an objective that is a sum of one-parameter terms, and
	// lower the more of its variance comes from interactions.
	Explained []float64
	// Trees is the number of trees with a non-zero variance, over which the
	// fractions were averaged.
	Trees int
}

// Fanova returns the fANOVA importance of each parameter over the trials,
// computed as Optuna 3.x's FanovaImportanceEvaluator does (see the package
// comment). x holds one row per trial, one value per parameter in the
// order of params; y holds the trials' objective values. It returns
// ErrTooFewTrials for fewer than MinTrials trials, ErrNoVariance when no
// tree varies, ErrNoMainEffects when no marginal does, and an error naming
// the trial for a value outside its parameter's range or a non-finite
// objective. It panics if x and y differ in length or a row of x in width
// from params.
func Fanova(params []Param, x [][]float64, y []float64, opts Options) (*Result, error) {
	if len(x) != len(y) {
		panic(fmt.Sprintf("importance: %d rows of parameters for %d objective values", len(x), len(y)))
	}
	if opts.Trees == 0 {
		opts.Trees = DefaultTrees
	}
	if opts.MaxDepth == 0 {
		opts.MaxDepth = DefaultMaxDepth
	}
	if opts.Src == nil {
		opts.Src = rand.NewPCG(0, 0)
	}
	res := &Result{Importance: make([]float64, len(params)), Explained: make([]float64, len(params))}
	enc, err := newEncoding(params)
	if err != nil {
		return nil, err
	}
	if len(enc.bounds) == 0 {
		// Optuna: nothing varies, every importance is 0.
		return res, nil
	}
	if len(y) < MinTrials {
		return nil, fmt.Errorf("%w: %d, need %d", ErrTooFewTrials, len(y), MinTrials)
	}
	rows := make([][]float64, len(x))
	for i, row := range x {
		if len(row) != len(params) {
			panic(fmt.Sprintf("importance: trial %d has %d values for %d parameters", i, len(row), len(params)))
		}
		if math.IsNaN(y[i]) || math.IsInf(y[i], 0) {
			return nil, fmt.Errorf("importance: trial %d has objective %v", i, y[i])
		}
		if rows[i], err = enc.encode(row); err != nil {
			return nil, fmt.Errorf("importance: trial %d: %w", i, err)
		}
	}
	if slices.Min(y) == slices.Max(y) {
		// Every tree would be a constant but for rounding: a node's
		// impurity, a difference of two equal sums, can land above
		// epsilon and let the tree split on noise.
		return nil, ErrNoVariance
	}
	trees := fitForest(rows, y, forestOptions{trees: opts.Trees, maxDepth: opts.MaxDepth, bootstrap: true}, rand.New(opts.Src))
	for _, t := range trees {
		a := analyze(t, enc.bounds)
		if a.variance <= 0 {
			continue
		}
		res.Trees++
		for j, cols := range enc.columns {
			if cols != nil {
				res.Explained[j] += max(a.marginalVariance(cols), 0) / a.variance
			}
		}
	}
	if res.Trees == 0 {
		return nil, ErrNoVariance
	}
	var total float64
	for j := range res.Explained {
		res.Explained[j] /= float64(res.Trees)
		total += res.Explained[j]
	}
	if total == 0 {
		return nil, ErrNoMainEffects
	}
	for j, e := range res.Explained {
		res.Importance[j] = e / total
	}
	return res, nil
}

// encoding maps parameter values to the forest's columns, as Optuna's
// _SearchSpaceTransform(transform_log=False, transform_step=False).
type encoding struct {
	params []Param
	// columns are each parameter's columns (nil for a single-valued one,
	// left out).
	columns [][]int
	// bounds are each column's range: the parameter's for a numerical one,
	// [0, 1] for a one-hot column.
	bounds [][2]float64
}

func newEncoding(params []Param) (*encoding, error) {
	e := &encoding{params: params, columns: make([][]int, len(params))}
	for j, p := range params {
		if p.Choices < 0 || (p.Choices == 0 && !(p.Low <= p.High && !math.IsInf(p.Low, 0) && !math.IsInf(p.High, 0))) {
			return nil, fmt.Errorf("importance: parameter %s has range [%v, %v] and %d choices", p.Name, p.Low, p.High, p.Choices)
		}
		if p.single() {
			continue
		}
		if p.Choices > 0 {
			for range p.Choices {
				e.columns[j] = append(e.columns[j], len(e.bounds))
				e.bounds = append(e.bounds, [2]float64{0, 1})
			}
			continue
		}
		e.columns[j] = []int{len(e.bounds)}
		e.bounds = append(e.bounds, [2]float64{p.Low, p.High})
	}
	return e, nil
}

// encode returns a trial's columns.
func (e *encoding) encode(values []float64) ([]float64, error) {
	out := make([]float64, len(e.bounds))
	for j, p := range e.params {
		v, cols := values[j], e.columns[j]
		switch {
		case p.Choices > 0:
			if v != math.Trunc(v) || v < 0 || v >= float64(p.Choices) {
				return nil, fmt.Errorf("%s is %v, not the index of one of its %d choices", p.Name, v, p.Choices)
			}
			if cols != nil {
				out[cols[int(v)]] = 1
			}
		case !(v >= p.Low && v <= p.High):
			return nil, fmt.Errorf("%s is %v, outside [%v, %v]", p.Name, v, p.Low, p.High)
		case cols != nil:
			out[cols[0]] = v
		}
	}
	return out, nil
}

// analysis is a fitted tree seen as a piecewise constant function over the
// search space.
type analysis struct {
	leaves []cell
	// splits are each column's cell boundaries: the column's lower bound,
	// the tree's distinct thresholds on it in increasing order, its upper
	// bound.
	splits [][]float64
	// variance is the function's variance over the space.
	variance float64
}

// cell is a leaf's box and value.
type cell struct {
	box    [][2]float64
	value  float64
	volume float64
}

func analyze(t *tree, bounds [][2]float64) *analysis {
	a := &analysis{splits: make([][]float64, len(bounds))}
	var walk func(i int, box [][2]float64)
	walk = func(i int, box [][2]float64) {
		n := &t.nodes[i]
		if n.leaf() {
			vol := 1.0
			for _, b := range box {
				vol *= b[1] - b[0]
			}
			a.leaves = append(a.leaves, cell{box: box, value: n.value, volume: vol})
			return
		}
		a.splits[n.feature] = append(a.splits[n.feature], n.threshold)
		left, right := slices.Clone(box), slices.Clone(box)
		left[n.feature][1] = n.threshold
		right[n.feature][0] = n.threshold
		walk(n.left, left)
		walk(n.right, right)
	}
	walk(0, slices.Clone(bounds))
	for c, s := range a.splits {
		slices.Sort(s)
		s = slices.Compact(s)
		a.splits[c] = append(append([]float64{bounds[c][0]}, s...), bounds[c][1])
	}
	values := make([]float64, len(a.leaves))
	weights := make([]float64, len(a.leaves))
	for i, l := range a.leaves {
		values[i], weights[i] = l.value, l.volume
	}
	a.variance = weightedVariance(values, weights)
	return a
}

// marginalVariance returns the variance of the tree's marginal over the
// columns cols (one numerical parameter, or a categorical one's one-hot
// columns): the function averaged over every other column, on each cell of
// the grid the tree's thresholds on cols make, weighted by the cell's
// size.
//
// Optuna walks the tree from each cell's midpoint; a leaf is reached from
// the midpoints of the cells its box covers along cols, and adds its value
// weighted by its volume over its extent along cols. Here each leaf adds
// that to the cells it covers directly: a range along the last column (a
// difference array) for every covered cell of the others.
func (a *analysis) marginalVariance(cols []int) float64 {
	k := len(cols)
	dims := make([]int, k) // cells per column
	for i, c := range cols {
		dims[i] = len(a.splits[c]) - 1
	}
	last := dims[k-1]
	outer := 1
	for _, d := range dims[:k-1] {
		outer *= d
	}
	// num and den: per combination of the first k-1 columns' cells, a
	// difference array along the last column's.
	num := make([]float64, outer*(last+1))
	den := make([]float64, outer*(last+1))
	lo, hi := make([]int, k), make([]int, k)
	idx := make([]int, k-1)
	for _, l := range a.leaves {
		w := l.volume
		for i, c := range cols {
			b := l.box[c]
			w /= b[1] - b[0]
			// A box's sides are thresholds or bounds, so exact matches.
			lo[i], _ = slices.BinarySearch(a.splits[c], b[0])
			hi[i], _ = slices.BinarySearch(a.splits[c], b[1])
		}
		copy(idx, lo[:k-1])
		for {
			o := 0
			for i := range k - 1 {
				o = o*dims[i] + idx[i]
			}
			base := o * (last + 1)
			num[base+lo[k-1]] += w * l.value
			num[base+hi[k-1]] -= w * l.value
			den[base+lo[k-1]] += w
			den[base+hi[k-1]] -= w
			// Next combination of the first k-1 columns' covered cells.
			i := k - 2
			for ; i >= 0; i-- {
				if idx[i]++; idx[i] < hi[i] {
					break
				}
				idx[i] = lo[i]
			}
			if i < 0 {
				break
			}
		}
	}
	values := make([]float64, 0, outer*last)
	weights := make([]float64, 0, outer*last)
	for o := range outer {
		// The first k-1 columns' cell sizes.
		size := 1.0
		for i, r := k-2, o; i >= 0; i-- {
			s, j := a.splits[cols[i]], r%dims[i]
			r /= dims[i]
			size *= s[j+1] - s[j]
		}
		var n, d float64
		s := a.splits[cols[k-1]]
		for j := range last {
			n += num[o*(last+1)+j]
			d += den[o*(last+1)+j]
			values = append(values, n/d)
			weights = append(weights, d*size*(s[j+1]-s[j]))
		}
	}
	return weightedVariance(values, weights)
}

// weightedVariance is numpy's average((v - average(v, w))², w).
func weightedVariance(v, w []float64) float64 {
	var sw, s float64
	for i := range v {
		sw += w[i]
		s += w[i] * v[i]
	}
	mean := s / sw
	var ss float64
	for i := range v {
		d := v[i] - mean
		ss += w[i] * d * d
	}
	return ss / sw
}
