package tree

import (
	"context"
	"math"
	"math/rand/v2"

	"github.com/mlopsgo/mlops/training/internal/classifier"
)

// featureThreshold is scikit-learn's FEATURE_THRESHOLD: values closer than
// this are treated as equal, so no threshold is placed between them.
const featureThreshold = 1e-7

// epsilon is scikit-learn's EPSILON, the float64 machine epsilon: a node
// with impurity at most epsilon is pure, and a split must improve by at
// least MinImpurityDecrease − epsilon.
const epsilon = 0x1p-52

// builder grows one tree. Every node owns a contiguous range of samples; a
// split partitions the range in place before the children are grown. The
// exact method sorts the node's values of each feature (X); the hist method
// (hist set) reads binned values instead, and X is nil.
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
	candLeft []float64 // the feature being scanned's best left counts
	histBuf  []float64 // the hist method's histogram of one feature

	// workers scan the features of large nodes at once (see parallel);
	// results, resultLeft and buffers are their slots, made at first use.
	workers    int
	results    []featureScan
	resultLeft []float64
	buffers    []scanBuffers

	hist histSearch // nil for the exact method
	// pre is the exact method's presorted columns, nil when it sorts each
	// node's rows instead.
	pre *presorted
	// node is the histogram of the node being split, when the hist method
	// keeps node histograms (every feature scanned); else nil.
	node []float64

	// w holds the buffers above and the tree as it grows; see work.
	w *work
}

// integral reports whether every weight is a whole number (nil weights
// are all 1).
func integral(weights []float64) bool {
	for _, w := range weights {
		if w != math.Trunc(w) {
			return false
		}
	}
	return true
}

// entry is one row's value of the feature being sorted.
type entry struct {
	value float64
	row   int
}

// newBuilder returns a builder for the exact method on s.X (with s's
// sorted columns, if it has them, for whole-number weights), or, with bins
// set (and s nil), for the hist method.
func newBuilder(cfg Config, s *Sorted, bins *Binned, y []int, classes int, weights []float64) *builder {
	var X [][]float64
	if s != nil {
		X = s.X
	}
	d := bins.featuresOr(X)
	whole := integral(weights)
	w := getWork(len(y), d, classes)
	c := classes
	b := &w.builder
	*b = builder{
		cfg:      cfg,
		X:        X,
		y:        y,
		weights:  weights,
		classes:  classes,
		impurity: criterion(cfg.Criterion, whole),
		rng:      newRand(cfg.Src),
		features: w.features,
		counts:   w.counts[0*c : 1*c : 1*c],
		left:     w.counts[1*c : 2*c : 2*c],
		right:    w.counts[2*c : 3*c : 3*c],
		bestLeft: w.counts[3*c : 4*c : 4*c],
		candLeft: w.counts[4*c : 5*c : 5*c],
		workers:  classifier.Workers(cfg.Workers),
		w:        w,
		samples:  w.samples,
	}
	for i := range y {
		if wt := b.weight(i); wt > 0 {
			b.samples = append(b.samples, i)
			b.totalWeight += wt
		}
	}
	for j := range b.features {
		b.features[j] = j
	}
	b.scratch = w.scratch[:len(b.samples)]
	switch {
	case bins == nil && s.cols != nil && whole:
		m := len(b.samples)
		w.pre.ord = resize(w.pre.ord, d*m+1, d*m+1)
		w.pre.scratch = resize(w.pre.scratch, m, m)
		w.pre.goLeft = resize(w.pre.goLeft, len(y), len(y))
		clear(w.pre.goLeft) // a pooled buffer holds the last split's sides
		for _, row := range b.samples {
			w.pre.goLeft[row] = 1 // marks the tree's rows for init
		}
		w.pre.init(s, m, w.pre.goLeft)
		b.pre = &w.pre
	case bins == nil:
		w.sorted = resize(w.sorted, len(b.samples), len(y))
		b.sorted = w.sorted
	case bins.col8 != nil:
		b.hist = newHistSplitter(b, bins, bins.col8)
	default:
		b.hist = newHistSplitter(b, bins, bins.col16)
	}
	if b.hist != nil {
		b.histBuf = make([]float64, b.hist.maxBins()*(classes+1))
	}
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
	bin       int // the hist method's last bin going left
	// improvement is scikit-learn's weighted impurity decrease.
	improvement float64
}

// grow grows the subtree over samples[start:end] at the given depth and
// returns its root's index. Nodes are appended in pre-order. h is the
// node's histogram when the hist method has it already, else nil; grow
// releases it.
func (b *builder) grow(ctx context.Context, start, end, depth int, h []float64) (int, error) {
	if err := ctx.Err(); err != nil {
		b.release(h)
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
	leaf := !b.splittable(n, depth) || imp <= epsilon
	var s split
	if !leaf {
		if b.hist != nil {
			h = b.hist.prepare(h, start, end)
			b.node = h
		}
		var ok bool
		s, ok = b.bestSplit(start, end, total, imp)
		leaf = !ok || s.improvement+epsilon < b.cfg.MinImpurityDecrease
	}
	w := b.w
	id := len(w.feature)
	w.nsamples = append(w.nsamples, n)
	w.left = append(w.left, -1)
	w.right = append(w.right, -1)
	if leaf {
		w.leafAt = append(w.leafAt, len(w.values))
		for _, c := range b.counts {
			w.values = append(w.values, c/total)
		}
		w.feature = append(w.feature, -1)
		w.threshold = append(w.threshold, 0)
		b.release(h)
		return id, nil
	}
	w.feature = append(w.feature, s.feature)
	w.threshold = append(w.threshold, s.threshold)
	w.leafAt = append(w.leafAt, -1)
	mid := b.partition(start, end, s)
	if b.pre != nil && (b.splittable(mid-start, depth+1) || b.splittable(end-mid, depth+1)) {
		b.pre.split(start, end)
	}
	var hl, hr []float64
	if b.hist != nil {
		hl, hr = b.hist.children(h, start, mid, end, b.splittable(mid-start, depth+1), b.splittable(end-mid, depth+1))
	}
	left, err := b.grow(ctx, start, mid, depth+1, hl)
	if err != nil {
		b.release(hr)
		return 0, err
	}
	right, err := b.grow(ctx, mid, end, depth+1, hr)
	if err != nil {
		return 0, err
	}
	w.left[id], w.right[id] = left, right
	return id, nil
}

// splittable reports whether a node of n rows at depth may be split, by the
// limits that do not depend on its rows' classes.
func (b *builder) splittable(n, depth int) bool {
	return (b.cfg.MaxDepth == 0 || depth < b.cfg.MaxDepth) &&
		n >= b.cfg.MinSamplesSplit &&
		n >= 2*b.cfg.MinSamplesLeaf
}

// release returns a node histogram of the hist method to its pool.
func (b *builder) release(h []float64) {
	if b.hist != nil {
		b.hist.release(h)
	}
}

// bestSplit searches the node over samples[start:end], whose weighted class
// counts are in b.counts (total weight total, impurity imp), for the split
// with the largest impurity decrease. It reports false when no split leaves
// MinSamplesLeaf rows on both sides.
func (b *builder) bestSplit(start, end int, total, imp float64) (split, bool) {
	if b.rng != nil {
		b.rng.Shuffle(len(b.features), func(i, j int) {
			b.features[i], b.features[j] = b.features[j], b.features[i]
		})
	}
	var (
		best  featureScan
		found bool
	)
	if b.parallel(end - start) {
		best, found = b.scanParallel(start, end, total)
	} else {
		best, found = b.scanSequential(start, end, total)
	}
	if !found {
		return split{}, false
	}
	// The decrease of the winner, scikit-learn's impurity_improvement.
	wr := total - best.wl
	for k := range b.right {
		b.right[k] = b.counts[k] - best.left[k]
	}
	impL := b.impurity(best.left, best.wl)
	impR := b.impurity(b.right, wr)
	return split{
		feature:     best.feature,
		threshold:   best.threshold,
		bin:         best.bin,
		improvement: total / b.totalWeight * (imp - wr/total*impR - best.wl/total*impL),
	}, true
}

// featureScan is the best split of a node on one feature.
type featureScan struct {
	feature   int
	threshold float64
	bin       int       // the hist method's last bin going left
	proxy     float64   // scikit-learn's proxy_impurity_improvement
	wl        float64   // weight of the left child
	left      []float64 // weighted class counts of the left child
	found     bool      // a split leaves MinSamplesLeaf rows on both sides
	constant  bool      // the feature is constant at the node
}

// scanBuffers is what scanning one feature needs to itself, so features can
// be scanned at once.
type scanBuffers struct {
	sorted      []entry   // the exact method's
	hist        []float64 // the hist method's, when it has no node histogram
	left, right []float64
}

// scanSequential scans the features in the node's order, as scikit-learn:
// it stops after MaxFeatures features unless all of them were constant,
// then goes on until one is not.
func (b *builder) scanSequential(start, end int, total float64) (featureScan, bool) {
	var (
		best     = featureScan{proxy: math.Inf(-1)}
		found    bool
		drawn    int // features looked at
		constant int // of which constant at this node
	)
	buf := scanBuffers{sorted: b.sorted, hist: b.histBuf, left: b.left, right: b.right}
	for _, f := range b.features {
		if b.cfg.MaxFeatures > 0 && drawn >= b.cfg.MaxFeatures && drawn > constant {
			break
		}
		drawn++
		r := b.scan(f, start, end, total, buf, b.candLeft)
		if r.constant {
			constant++
			continue
		}
		if r.found && r.proxy > best.proxy {
			best, found = r, true
			copy(b.bestLeft, b.candLeft)
			best.left = b.bestLeft
		}
	}
	return best, found
}

// parallelMinRows is the node size from which scanParallel scans features
// at once: below it, starting goroutines costs more than it saves.
const parallelMinRows = 1024

// parallel reports whether a node of n rows is scanned with scanParallel:
// when every feature is scanned (MaxFeatures 0, so no feature's outcome
// decides whether another is looked at) and there are workers and rows
// enough. The hist method scans sequentially: it builds node histograms in
// parallel, and scanning one is a few thousand additions.
func (b *builder) parallel(n int) bool {
	return b.hist == nil && b.cfg.MaxFeatures == 0 && b.workers > 1 && n >= parallelMinRows && len(b.features) > 1
}

// scanParallel scans every feature with b.workers goroutines, each result
// in the slot of the feature's position in the node's order, then keeps the
// first best in that order: exactly what scanSequential keeps, whatever the
// number of workers.
func (b *builder) scanParallel(start, end int, total float64) (featureScan, bool) {
	d := len(b.features)
	if b.results == nil {
		b.results = make([]featureScan, d)
		b.resultLeft = make([]float64, d*b.classes)
		b.buffers = make([]scanBuffers, b.workers)
		for w := range b.buffers {
			b.buffers[w] = scanBuffers{sorted: make([]entry, len(b.samples)), left: make([]float64, b.classes), right: make([]float64, b.classes)}
		}
	}
	// Each worker scans with its own buffers; the scans never fail.
	_ = classifier.Run(b.workers, d, func(w, pos int) error {
		left := b.resultLeft[pos*b.classes : (pos+1)*b.classes]
		b.results[pos] = b.scan(b.features[pos], start, end, total, b.buffers[w], left)
		return nil
	})
	best, found := featureScan{proxy: math.Inf(-1)}, false
	for pos := range d {
		if r := b.results[pos]; r.found && r.proxy > best.proxy {
			best, found = r, true
		}
	}
	if found {
		copy(b.bestLeft, best.left)
		best.left = b.bestLeft
	}
	return best, found
}

// scan scans feature f by the builder's method.
func (b *builder) scan(f, start, end int, total float64, buf scanBuffers, bestLeft []float64) featureScan {
	if b.hist != nil {
		return b.hist.scanFeature(b.node, f, start, end, total, buf, bestLeft)
	}
	return b.scanFeature(f, start, end, total, buf, bestLeft)
}

// scanFeature finds the best threshold of feature f over samples[start:end],
// the first of the best in value order, and leaves its left child's class
// counts in bestLeft. It writes only to buf, bestLeft and its result.
func (b *builder) scanFeature(f, start, end int, total float64, buf scanBuffers, bestLeft []float64) featureScan {
	n := end - start
	minLeaf := b.cfg.MinSamplesLeaf
	var sorted []entry
	if b.pre != nil {
		sorted = b.pre.node(f, start, end)
	} else {
		sorted = buf.sorted[:n]
		for i, row := range b.samples[start:end] {
			sorted[i] = entry{value: b.X[row][f], row: row}
		}
		sortEntries(sorted)
	}
	r := featureScan{feature: f, proxy: math.Inf(-1)}
	if sorted[n-1].value <= sorted[0].value+featureThreshold {
		r.constant = true
		return r
	}
	clear(buf.left)
	var wl float64
	for i := 0; i < n-1; i++ {
		row := sorted[i].row
		w := b.weight(row)
		buf.left[b.y[row]] += w
		wl += w
		if sorted[i+1].value <= sorted[i].value+featureThreshold {
			continue // no threshold between (nearly) equal values
		}
		pos := i + 1 // rows in the left child
		if pos < minLeaf || n-pos < minLeaf {
			continue
		}
		// The right side is the node minus the left side, as scikit-learn
		// computes it.
		wr := total - wl
		for k, c := range b.counts {
			buf.right[k] = c - buf.left[k]
		}
		// scikit-learn's proxy_impurity_improvement: the parent's impurity
		// and weight are the same for every candidate.
		proxy := -wr*b.impurity(buf.right, wr) - wl*b.impurity(buf.left, wl)
		if proxy > r.proxy {
			r.proxy, r.found, r.wl = proxy, true, wl
			copy(bestLeft, buf.left)
			r.threshold = midpoint(sorted[i].value, sorted[i+1].value)
		}
	}
	r.left = bestLeft
	return r
}

// midpoint returns the threshold between neighbouring values a < c, as
// scikit-learn places it: halfway, or a where that rounds up to c. a <=
// midpoint < c.
func midpoint(a, c float64) float64 {
	// Halves first, so the sum cannot overflow.
	t := a/2 + c/2
	if t == c || math.IsInf(t, 0) {
		return a
	}
	return t
}

// partition reorders samples[start:end] so that the rows going left come
// first, each side keeping its order, and returns where the right side
// starts.
func (b *builder) partition(start, end int, s split) int {
	if b.hist != nil {
		return b.hist.partition(start, end, s)
	}
	rows := b.samples[start:end]
	right := b.scratch[:0]
	mid := start
	for _, row := range rows {
		left := b.X[row][s.feature] <= s.threshold
		if b.pre != nil {
			b.pre.goLeft[row] = 0
			if left {
				b.pre.goLeft[row] = 1
			}
		}
		if left {
			b.samples[mid] = row
			mid++
		} else {
			right = append(right, row)
		}
	}
	copy(b.samples[mid:end], right)
	return mid
}
