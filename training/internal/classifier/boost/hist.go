package boost

import (
	"math/rand/v2"
	"slices"

	"github.com/mlopsgo/mlops/training/internal/classifier"
	"github.com/mlopsgo/mlops/training/internal/classifier/binning"
	"github.com/mlopsgo/mlops/training/model"
)

// histSplit is the best split of a node found so far by the hist method:
// rows whose bin of feature is below bin go left, and missing values go
// left when defaultLeft.
type histSplit struct {
	loss        float32
	feature     int32
	bin         int32
	defaultLeft bool
	left, right stats
}

// update replaces s by c when c is better in XGBoost's order, the rule of
// splitEntry.update: a larger loss reduction wins; equal ones go to the
// smaller feature index, and within one feature to the candidate found
// first.
func (s *histSplit) update(c histSplit) {
	var better bool
	if s.feature <= c.feature {
		better = c.loss > s.loss
	} else {
		better = !(s.loss > c.loss)
	}
	if better {
		*s = c
	}
}

// histNode is a tree node while the hist method grows it. Nodes are
// numbered breadth first, as XGBoost numbers them.
type histNode struct {
	parent, left, right int32 // left and right are -1 for a leaf
	feature             int32
	threshold           float32
	defaultLeft         bool
	leaf                float32 // a leaf's value, the learning rate applied
	sum                 stats
	rootGain            float32 // gain(sum)
	weight              float32 // weight(sum)
	best                histSplit
	begin, end          int     // the node's rows are rows[begin:end]
	hist                []stats // the node's histogram while its level is split
}

func (n *histNode) isLeaf() bool { return n.left < 0 }

// histBuilder grows regression trees with XGBoost 1.7's hist method
// (updater grow_quantile_histmaker, depthwise): every feature is binned
// once per fit; a node's split is found from its gradient histogram (one
// gradient and hessian sum per bin), built from its rows for the smaller
// child of every split and by subtraction from the parent for the other.
// Its buffers are reused from tree to tree; it is not safe for concurrent
// use. Its work is spread over workers goroutines by feature (or by node),
// and every sum is taken in one fixed order, so the trees do not depend on
// the number of workers.
type histBuilder[B binning.Index] struct {
	p       trainParam
	data    *matrix
	bins    *binning.Columns[B]
	missing []bool // whether feature f has a missing value in the training rows
	workers int
	rng     *rand.Rand // nil unless rows or features are sampled
	offset  []int      // feature f's histogram is hist[offset[f]:offset[f+1]], its last bin missing values

	rows, tmp   []int32    // the rows of each node, contiguous; tmp is partition scratch
	gh          []gradPair // gradients of the rows in rows, where gathered
	nodes       []histNode
	expand      []int32 // the nodes of the level being split
	next        []int32
	build       []int32 // the nodes whose histograms are built from rows
	pool        [][]stats
	cand        []histSplit // each level node's best split per feature
	features    []int       // the features the current tree may split on
	allFeatures []int
	sampled     bool // whether the last tree left rows out
}

var _ treeBuilder = (*histBuilder[uint8])(nil)

// newHistBuilder bins data (up to maxBin bins per feature) and returns a
// builder on it, with bins stored as uint8 when they fit, else uint16.
func newHistBuilder(p trainParam, data *matrix, maxBin, workers int, rng *rand.Rand) treeBuilder {
	c := binning.New(data.features, maxBin, workers, func(f int) []float32 {
		dst := make([]float32, 0, data.rows)
		for i := range data.rows {
			if v := data.values[i*data.features+f]; v == v {
				dst = append(dst, v)
			}
		}
		return dst
	})
	missing := make([]bool, data.features)
	for i, v := range data.values {
		if v != v {
			missing[i%data.features] = true
		}
	}
	value := func(i, f int) float32 { return data.values[i*data.features+f] }
	if binning.IndexFits(c, missing) {
		return newHistBuilderOf(p, data, binning.Bin[uint8](c, data.rows, workers, value), missing, workers, rng)
	}
	return newHistBuilderOf(p, data, binning.Bin[uint16](c, data.rows, workers, value), missing, workers, rng)
}

func newHistBuilderOf[B binning.Index](p trainParam, data *matrix, bins *binning.Columns[B], missing []bool, workers int, rng *rand.Rand) *histBuilder[B] {
	b := &histBuilder[B]{
		p: p, data: data, bins: bins, missing: missing, workers: workers, rng: rng,
		offset: make([]int, data.features+1),
		rows:   make([]int32, 0, data.rows), tmp: make([]int32, data.rows),
		gh: make([]gradPair, data.rows),
	}
	for f := range data.features {
		b.offset[f+1] = b.offset[f] + bins.Cuts.Bins(f) + 1
		b.allFeatures = append(b.allFeatures, f)
	}
	b.features = slices.Clone(b.allFeatures)
	return b
}

// grow grows one tree on the gradients g and hessians h (one per row),
// level by level to the maximum depth. The tree stays in b.nodes until the
// next call, for appendTo and addTo.
func (b *histBuilder[B]) grow(g, h []float32) {
	b.sample()
	root := histNode{parent: -1, left: -1, right: -1, feature: -1, end: len(b.rows)}
	for _, r := range b.rows {
		root.sum.g += float64(g[r])
		root.sum.h += float64(h[r])
	}
	b.nodes = append(b.nodes[:0], root)
	b.initNode(0)
	b.nodes[0].hist = b.newHist()
	b.build = append(b.build[:0], 0)
	b.buildHists(g, h, nil)
	b.expand = append(b.expand[:0], 0)
	for depth := 0; len(b.expand) > 0; depth++ {
		b.findSplits()
		b.next = b.next[:0]
		for _, nid := range b.expand {
			n := &b.nodes[nid]
			s := n.best
			// XGBoost's CPUExpandEntry::IsValid, gamma included: the hist
			// method has no pruner, a weak split is not made.
			if !(s.loss > rtEps) || s.left.h == 0 || s.right.h == 0 || s.loss < b.p.gamma {
				n.leaf = n.weight * b.p.eta
				continue
			}
			left := int32(len(b.nodes))
			n.feature, n.defaultLeft = s.feature, s.defaultLeft
			n.threshold = b.bins.Cuts.Lower(int(s.feature), int(s.bin))
			n.left, n.right = left, left+1
			b.next = append(b.next, left, left+1)
			b.nodes = append(b.nodes,
				histNode{parent: nid, left: -1, right: -1, feature: -1, sum: s.left},
				histNode{parent: nid, left: -1, right: -1, feature: -1, sum: s.right})
		}
		b.partition()
		last := depth+1 == b.p.maxDepth
		b.build = b.build[:0]
		for i := 0; i < len(b.next); i += 2 {
			l, r := b.next[i], b.next[i+1]
			b.initNode(l)
			b.initNode(r)
			if last {
				continue
			}
			// Build the child with fewer rows, subtract for the other.
			small, big := l, r
			if b.nodes[r].end-b.nodes[r].begin < b.nodes[l].end-b.nodes[l].begin {
				small, big = r, l
			}
			b.nodes[small].hist = b.newHist()
			b.nodes[big].hist = b.newHist()
			b.build = append(b.build, small, big)
		}
		b.buildHists(g, h, b.build)
		for _, nid := range b.expand {
			b.freeHist(nid)
		}
		if last {
			for _, nid := range b.next {
				n := &b.nodes[nid]
				n.leaf = n.weight * b.p.eta
			}
			break
		}
		b.expand, b.next = b.next, b.expand
	}
}

// initNode sets a node's weight and gain from its gradient sum.
func (b *histBuilder[B]) initNode(nid int32) {
	n := &b.nodes[nid]
	n.weight = b.p.weight(n.sum)
	n.rootGain = b.p.gain(n.sum)
}

// sample picks the rows and features of the next tree, drawing from the
// random source as the exact grower does, so both methods see the same
// rows and features for the same seed.
func (b *histBuilder[B]) sample() {
	b.rows = b.rows[:0]
	b.sampled = false
	for i := range b.data.rows {
		if b.p.subsample < 1 && !(b.rng.Float64() < b.p.subsample) {
			b.sampled = true
			continue
		}
		b.rows = append(b.rows, int32(i))
	}
	if b.p.colsample < 1 {
		n := max(1, int(b.p.colsample*float32(len(b.allFeatures))))
		b.features = append(b.features[:0], b.allFeatures...)
		b.rng.Shuffle(len(b.features), func(i, j int) {
			b.features[i], b.features[j] = b.features[j], b.features[i]
		})
		b.features = b.features[:n]
		slices.Sort(b.features)
	}
}

func (b *histBuilder[B]) newHist() []stats {
	if n := len(b.pool); n > 0 {
		h := b.pool[n-1]
		b.pool = b.pool[:n-1]
		return h
	}
	return make([]stats, b.offset[len(b.offset)-1])
}

func (b *histBuilder[B]) freeHist(nid int32) {
	if h := b.nodes[nid].hist; h != nil {
		b.pool = append(b.pool, h)
		b.nodes[nid].hist = nil
	}
}

// buildHists builds the histograms of the root (pairs nil) or, for pairs
// of siblings (small, big), builds small's from its rows and sets big's to
// the parent's minus small's. The work is split by feature: each task
// writes one feature's bins of its nodes, summing rows in row order.
func (b *histBuilder[B]) buildHists(g, h []float32, pairs []int32) {
	if pairs == nil {
		b.gather(&b.nodes[0], g, h)
		classifier.Parallel(b.workers, len(b.features), func(i int) {
			b.buildFeature(&b.nodes[0], b.features[i])
		})
		return
	}
	if len(pairs) == 0 {
		return
	}
	for i := 0; i < len(pairs); i += 2 {
		b.gather(&b.nodes[pairs[i]], g, h)
	}
	classifier.Parallel(b.workers, len(b.features)*len(pairs)/2, func(t int) {
		f := b.features[t%len(b.features)]
		small := &b.nodes[pairs[2*(t/len(b.features))]]
		big := &b.nodes[pairs[2*(t/len(b.features))+1]]
		b.buildFeature(small, f)
		lo, hi := b.offset[f], b.offset[f+1]
		parent := b.nodes[small.parent].hist[lo:hi]
		s, d := small.hist[lo:hi], big.hist[lo:hi]
		for j := range d {
			d[j] = parent[j].minus(s[j])
		}
	})
}

// gather copies the gradients of n's rows into b.gh, beside the rows in
// b.rows, so that building each feature's bins reads them in sequence.
func (b *histBuilder[B]) gather(n *histNode, g, h []float32) {
	gh := b.gh[n.begin:n.end]
	for i, r := range b.rows[n.begin:n.end] {
		gh[i] = gradPair{g[r], h[r]}
	}
}

// buildFeature fills feature f's bins of n's histogram from n's rows, whose
// gradients gather put in b.gh.
func (b *histBuilder[B]) buildFeature(n *histNode, f int) {
	hist := n.hist[b.offset[f]:b.offset[f+1]]
	clear(hist)
	col := b.bins.Col[f]
	gh := b.gh[n.begin:n.end]
	for i, r := range b.rows[n.begin:n.end] {
		e := &hist[col[r]]
		e.g += float64(gh[i].g)
		e.h += float64(gh[i].h)
	}
}

// gradPair is one row's gradient and hessian.
type gradPair struct{ g, h float32 }

// findSplits finds the best split of every node of the level from its
// histogram: one task per node and feature, then, for each node, the
// features' bests reduced in feature order, as a sequential scan would.
func (b *histBuilder[B]) findSplits() {
	nf := len(b.features)
	b.cand = slices.Grow(b.cand[:0], nf*len(b.expand))[:nf*len(b.expand)]
	classifier.Parallel(b.workers, len(b.cand), func(t int) {
		b.cand[t] = b.bestSplit(&b.nodes[b.expand[t/nf]], b.features[t%nf])
	})
	for i, nid := range b.expand {
		best := histSplit{}
		for _, c := range b.cand[i*nf : (i+1)*nf] {
			best.update(c)
		}
		b.nodes[nid].best = best
	}
}

// bestSplit returns the best split of node n on feature f, as XGBoost
// 1.7's HistEvaluator::EnumerateSplit: a forward scan over the bins (rows
// of bins up to i left, missing values right) and, when the node has rows
// missing f, a backward scan (bins from i right, missing values left). A
// candidate must leave at least min_child_weight of hessian on each side.
//
// Where the node has no row missing f, the direction of missing values is
// not learned; it is left, as in the exact method, so that a model fitted
// without missing values stores no directions.
func (b *histBuilder[B]) bestSplit(n *histNode, f int) histSplit {
	best := histSplit{}
	hist := n.hist[b.offset[f]:b.offset[f+1]]
	bins := len(hist) - 1
	hasMissing := b.missing[f] && hist[bins].h > 0
	mcw := b.p.minChildWeight
	var acc stats
	for i := range bins {
		acc.g += hist[i].g
		acc.h += hist[i].h
		if acc.h < mcw {
			continue
		}
		right := n.sum.minus(acc)
		if right.h < mcw {
			continue
		}
		// Within one feature the first of equal candidates stays: update's
		// rule, for one feature.
		if loss := (b.p.gain(acc) + b.p.gain(right)) - n.rootGain; loss > best.loss {
			best = histSplit{loss: loss, feature: int32(f), bin: int32(i + 1), defaultLeft: !hasMissing, left: acc, right: right}
		}
	}
	if !hasMissing {
		return best
	}
	acc = stats{}
	for i := bins - 1; i >= 0; i-- {
		acc.g += hist[i].g
		acc.h += hist[i].h
		if acc.h < mcw {
			continue
		}
		left := n.sum.minus(acc)
		if left.h < mcw {
			continue
		}
		if loss := (b.p.gain(left) + b.p.gain(acc)) - n.rootGain; loss > best.loss {
			best = histSplit{loss: loss, feature: int32(f), bin: int32(i), defaultLeft: true, left: left, right: acc}
		}
	}
	return best
}

// partition reorders the rows of every node split at this level, stably,
// so that each child's rows are contiguous and stay in row order; nodes are
// independent, so they are partitioned in parallel.
func (b *histBuilder[B]) partition() {
	classifier.Parallel(b.workers, len(b.expand), func(i int) {
		n := &b.nodes[b.expand[i]]
		if n.isLeaf() {
			return
		}
		f := int(n.feature)
		col := b.bins.Col[f]
		// Bins below s go left, and the missing-value index too when
		// missing values go left; -1 matches no bin.
		s, missLeft := B(n.best.bin), -1
		if b.missing[f] && n.defaultLeft {
			missLeft = b.bins.Cuts.Bins(f)
		}
		rows, tmp := b.rows[n.begin:n.end], b.tmp[n.begin:n.end]
		// Each row is written to both sides and only the side it belongs
		// to advances, without a branch: which side a row takes is as good
		// as random, and a mispredicted branch per row was most of the
		// partition's time. nl never passes i, so rows[nl] is a row
		// already read.
		nl, nr := 0, 0
		for _, r := range rows {
			bin := col[r]
			left := 0
			if bin < s {
				left = 1
			}
			if int(bin) == missLeft {
				left = 1
			}
			rows[nl] = r
			tmp[nr] = r
			nl += left
			nr += 1 - left
		}
		copy(rows[nl:], tmp[:nr])
		l, r := &b.nodes[n.left], &b.nodes[n.right]
		l.begin, l.end = n.begin, n.begin+nl
		r.begin, r.end = n.begin+nl, n.end
	})
}

// appendTo appends the grown tree to m as a tree of class k.
func (b *histBuilder[B]) appendTo(m *model.Boosted, k int) {
	m.TreeClass = append(m.TreeClass, k)
	m.TreeStart = append(m.TreeStart, len(m.Feature))
	for i := range b.nodes {
		nd := &b.nodes[i]
		if nd.isLeaf() {
			m.Feature = append(m.Feature, -1)
			m.Threshold = append(m.Threshold, 0)
			m.Left = append(m.Left, -1)
			m.Right = append(m.Right, -1)
			m.Value = append(m.Value, nd.leaf)
		} else {
			m.Feature = append(m.Feature, nd.feature)
			m.Threshold = append(m.Threshold, nd.threshold)
			m.Left = append(m.Left, nd.left)
			m.Right = append(m.Right, nd.right)
			m.Value = append(m.Value, 0)
		}
		appendDefaultLeft(m, nd.isLeaf() || nd.defaultLeft)
		m.Gain = append(m.Gain, nd.best.loss)
		m.Cover = append(m.Cover, float32(nd.sum.h))
		m.Weight = append(m.Weight, nd.weight)
	}
}

// appendDefaultLeft records the default direction of the node being
// appended to m. DefaultLeft stays nil while every node sends missing
// values left (the model's default); the first node that sends them right
// makes it explicit for every node.
func appendDefaultLeft(m *model.Boosted, left bool) {
	switch {
	case m.DefaultLeft != nil:
		m.DefaultLeft = append(m.DefaultLeft, left)
	case !left:
		m.DefaultLeft = make([]bool, len(m.Feature)-1, cap(m.Feature))
		for i := range m.DefaultLeft {
			m.DefaultLeft[i] = true
		}
		m.DefaultLeft = append(m.DefaultLeft, false)
	}
}

// addTo adds the last grown tree's leaf values to class k's margins of every
// row of data, in float32, as XGBoost's prediction cache does. For the
// training rows of a tree that used all of them, the leaves' row sets say
// where each row ends; otherwise every row walks down the tree.
func (b *histBuilder[B]) addTo(margin []float32, k, classes int, data *matrix) {
	if data == b.data && !b.sampled {
		for i := range b.nodes {
			n := &b.nodes[i]
			if n.isLeaf() {
				for _, r := range b.rows[n.begin:n.end] {
					margin[int(r)*classes+k] += n.leaf
				}
			}
		}
		return
	}
	for i := range data.rows {
		x := data.row(i)
		n := &b.nodes[0]
		for !n.isLeaf() {
			v := x[n.feature]
			if v < n.threshold || (v != v && n.defaultLeft) {
				n = &b.nodes[n.left]
			} else {
				n = &b.nodes[n.right]
			}
		}
		margin[i*classes+k] += n.leaf
	}
}
