package boost

import (
	"math"
	"math/rand/v2"
	"slices"

	"github.com/mlopsgo/mlops/training/model"
)

// rtEps is XGBoost's kRtEps: a node is split only when its best split
// reduces the loss by more than this.
const rtEps float32 = 1e-6

// trainParam holds the hyper-parameters in the precision XGBoost uses them:
// every one is a float32, widened to float64 where XGBoost computes in
// double.
type trainParam struct {
	eta            float32
	maxDepth       int
	minChildWeight float64
	gamma          float32
	lambda, alpha  float64
	subsample      float64
	colsample      float32
	// minSplitHess is the least hessian sum of a node that can split: both
	// children need min_child_weight, and a sum a little below twice that
	// cannot give two (the slack covers the rounding of the subtraction
	// that computes the second child's sum).
	minSplitHess float64
}

func newTrainParam(c Config) trainParam {
	return trainParam{
		eta:            float32(c.LearningRate),
		maxDepth:       c.MaxDepth,
		minChildWeight: float64(float32(c.MinChildWeight)),
		gamma:          float32(c.Gamma),
		lambda:         float64(float32(c.Lambda)),
		alpha:          float64(float32(c.Alpha)),
		subsample:      float64(float32(c.Subsample)),
		colsample:      float32(c.ColsampleByTree),
		minSplitHess:   2 * float64(float32(c.MinChildWeight)) * (1 - 1e-12),
	}
}

// canSplit reports whether a node whose hessian sum is s could have a
// split both children of which keep min_child_weight. Nodes that cannot
// are not scanned: their best split would stay the empty one.
func (p *trainParam) canSplit(s stats) bool { return s.h >= p.minSplitHess }

// stats is a sum of gradients and hessians, in float64 as XGBoost's
// GradStats.
type stats struct{ g, h float64 }

func (s stats) minus(o stats) stats { return stats{s.g - o.g, s.h - o.h} }

// thresholdL1 soft-thresholds a gradient sum by alpha: the L1 penalty.
func (p *trainParam) thresholdL1(g float64) float64 {
	switch {
	case g > p.alpha:
		return g - p.alpha
	case g < -p.alpha:
		return g + p.alpha
	}
	return 0
}

// weight is the optimal leaf weight −T_α(G)/(H+λ), zero where the hessian
// sum is below min_child_weight (XGBoost's CalcWeight).
func (p *trainParam) weight(s stats) float32 {
	if s.h < p.minChildWeight || s.h <= 0 {
		return 0
	}
	return float32(-p.thresholdL1(s.g) / (s.h + p.lambda))
}

// gain is the structure score T_α(G)²/(H+λ) (XGBoost's CalcGainGivenWeight
// without constraints); a split's loss reduction is the children's scores
// minus the parent's, the ½ and γ of the textbook formula left out as
// XGBoost leaves them out (γ acts by pruning).
func (p *trainParam) gain(s stats) float32 {
	if s.h <= 0 {
		return 0
	}
	t := s.g
	if p.alpha != 0 {
		// Without L1, T₀(G)² = G² bit for bit; skipping the soft
		// threshold saves two branches on G's sign, which is random.
		t = p.thresholdL1(s.g)
	}
	return float32(t * t / (s.h + p.lambda))
}

// splitEntry is the best split of a node found so far.
type splitEntry struct {
	loss        float32
	feature     int32
	value       float32
	defaultLeft bool // where missing values go
	left, right stats
}

// beats reports whether a candidate of loss reduction loss on feature
// replaces s in XGBoost's order (SplitEntry::NeedReplace): a larger loss
// reduction wins; equal ones go to the smaller feature index, and within
// one feature to the candidate found first. Infinite reductions never win.
func (s *splitEntry) beats(loss float32, feature int32) bool {
	var better bool
	if s.feature <= feature {
		better = loss > s.loss
	} else {
		better = !(s.loss > loss)
	}
	// Most candidates lose; only a winner needs the (rarer) infinity test.
	return better && !math.IsInf(float64(loss), 0)
}

// node is a tree node while the tree grows. Nodes are numbered breadth
// first, as XGBoost numbers them.
type node struct {
	parent, left, right int32 // left and right are -1 for a leaf
	feature             int32
	threshold           float32
	defaultLeft         bool    // missing values go left
	leaf                float32 // a leaf's value, the learning rate applied
	deleted             bool    // pruned away
	sum                 stats
	rootGain            float32 // gain(sum)
	weight              float32 // weight(sum)
	best                splitEntry
}

func (n *node) isLeaf() bool { return n.left < 0 }

// grower grows regression trees on one data set with XGBoost 1.7's exact
// greedy method (updater grow_colmaker followed by prune). Its buffers are
// reused from tree to tree; it is not safe for concurrent use.
type grower struct {
	p    trainParam
	data *matrix
	cols [][]entry // without missing values
	// forward holds, for each feature, whether its column is also scanned
	// upwards: it has missing values and more than one value.
	forward []bool
	rng     *rand.Rand // nil unless rows or features are sampled

	pos         []int32 // node of each row; ^node once the row is done or sampled out
	nodes       []node
	expand      []int32 // the nodes of the level being split
	next        []int32
	features    []int // the features the current tree may split on
	allFeatures []int
	index       []int32 // node renumbering after pruning

	// seg holds, for each feature the tree may split on, the sorted column
	// of the rows still growing, partitioned by node after every level
	// (stably, so each node's part stays sorted); spans[f][node] is the
	// node's part of seg[f]. A node's scan then reads only its own rows,
	// contiguously, with its sums in registers, instead of the whole
	// column with a lookup of each row's node.
	seg   [][]entry
	spans [][]span
	tmp   []entry     // the right children's entries during a partition
	cand  []candidate // a node's candidates on one feature
}

// span is a node's part [lo, hi) of a partitioned column.
type span struct{ lo, hi int32 }

var _ treeBuilder = (*grower)(nil)

func newGrower(p trainParam, data *matrix, cols [][]entry, rng *rand.Rand) *grower {
	gr := &grower{p: p, data: data, cols: cols, rng: rng, pos: make([]int32, data.rows)}
	for j := range data.features {
		gr.allFeatures = append(gr.allFeatures, j)
		col := cols[j]
		gr.forward = append(gr.forward, len(col) < data.rows && len(col) > 0 && col[0].value != col[len(col)-1].value)
	}
	gr.features = slices.Clone(gr.allFeatures)
	gr.seg = make([][]entry, data.features)
	gr.spans = make([][]span, data.features)
	longest := 0
	for j, col := range cols {
		gr.seg[j] = make([]entry, len(col))
		longest = max(longest, len(col))
	}
	gr.tmp = make([]entry, longest)
	gr.cand = make([]candidate, longest, longest+1) // + the missing values' candidate
	return gr
}

// grow grows one tree on the gradients g and hessians h (one per row). The
// tree stays in gr.nodes until the next call, for appendTo and addTo.
func (gr *grower) grow(g, h []float32) {
	gr.sample()
	gr.nodes = append(gr.nodes[:0], node{parent: -1, left: -1, right: -1, feature: -1})
	gr.expand = append(gr.expand[:0], 0)
	gr.initRoot(g, h)
	if gr.p.canSplit(gr.nodes[0].sum) {
		gr.initSegments()
	}
	for depth := 0; depth < gr.p.maxDepth; depth++ {
		gr.findSplits(g, h)
		gr.resetPositions(g, h)
		gr.next = gr.next[:0]
		for _, nid := range gr.expand {
			if n := &gr.nodes[nid]; !n.isLeaf() {
				gr.next = append(gr.next, n.left, n.right)
			}
		}
		gr.setStats(gr.next)
		if len(gr.next) > 0 && depth+1 < gr.p.maxDepth {
			gr.partition()
		}
		gr.expand, gr.next = gr.next, gr.expand
		if len(gr.expand) == 0 {
			break
		}
	}
	// The last level's nodes stay leaves.
	for _, nid := range gr.expand {
		n := &gr.nodes[nid]
		n.leaf = n.weight * gr.p.eta
	}
	gr.prune()
}

// sample marks the rows and picks the features the next tree uses, as
// XGBoost's ColMaker does for every tree: each row takes part with
// probability Subsample; max(1, ⌊ColsampleByTree·d⌋) features are drawn.
func (gr *grower) sample() {
	if gr.p.subsample < 1 {
		pos, rng, subsample := gr.pos, gr.rng, gr.p.subsample
		for i := range pos {
			// 0 (the root) or ^0 (sampled out), without a branch on the
			// draw, which would be mispredicted as often as it is random.
			pos[i] = -b2i(!(rng.Float64() < subsample))
		}
	} else {
		clear(gr.pos)
	}
	if gr.p.colsample < 1 {
		n := max(1, int(gr.p.colsample*float32(len(gr.allFeatures))))
		gr.features = append(gr.features[:0], gr.allFeatures...)
		gr.rng.Shuffle(len(gr.features), func(i, j int) {
			gr.features[i], gr.features[j] = gr.features[j], gr.features[i]
		})
		gr.features = gr.features[:n]
		slices.Sort(gr.features)
	}
}

// initRoot sums the gradients of the rows in the tree (all at the root,
// node 0) and sets the root's weight and gain; resetPositions sums the
// other nodes' as it moves rows to them.
func (gr *grower) initRoot(g, h []float32) {
	var s stats
	for i, nid := range gr.pos {
		if nid >= 0 {
			s.g += float64(g[i])
			s.h += float64(h[i])
		}
	}
	gr.nodes[0].sum = s
	gr.setStats(gr.expand)
}

// setStats sets the weights and gains of the nodes of list from their sums.
func (gr *grower) setStats(list []int32) {
	for _, nid := range list {
		n := &gr.nodes[nid]
		n.weight = gr.p.weight(n.sum)
		n.rootGain = gr.p.gain(n.sum)
	}
}

// findSplits finds the best split of every node of the current level and
// either splits the node or makes it a leaf.
func (gr *grower) findSplits(g, h []float32) {
	for _, nid := range gr.expand {
		gr.nodes[nid].best = splitEntry{}
	}
	for _, f := range gr.features {
		if gr.forward[f] {
			gr.enumerate(f, g, h, true)
		}
		gr.enumerate(f, g, h, false)
	}
	for _, nid := range gr.expand {
		n := gr.nodes[nid]
		if !(n.best.loss > rtEps) {
			gr.nodes[nid].leaf = n.weight * gr.p.eta
			continue
		}
		left := int32(len(gr.nodes))
		gr.nodes[nid].feature = n.best.feature
		gr.nodes[nid].threshold = n.best.value
		gr.nodes[nid].defaultLeft = n.best.defaultLeft
		gr.nodes[nid].left, gr.nodes[nid].right = left, left+1
		// The children's values are recomputed from their rows before they
		// become leaves; these are the values XGBoost sets meanwhile.
		gr.nodes = append(gr.nodes,
			node{parent: nid, left: -1, right: -1, feature: -1, leaf: gr.p.weight(n.best.left) * gr.p.eta},
			node{parent: nid, left: -1, right: -1, feature: -1, leaf: gr.p.weight(n.best.right) * gr.p.eta})
	}
}

// enumerate scans each node's part of feature f's sorted column (nodes
// that cannot split are skipped), from the largest value down or, when
// forward, from the smallest up (XGBoost's ColMaker scans a column without
// missing values down only), and offers every threshold between two
// distinct values of a node's rows as a candidate: rows below it go left,
// the others right, and missing values to the side not scanned (left when
// scanning down). The threshold is the float32 midpoint of the two values,
// or the one scanned before when the midpoint rounds to the one scanned now.
//
// On a column with missing values, XGBoost also offers sending every
// present value to the scanned side and missing ones to the other, at a
// threshold just beyond the last value scanned; so does enumerate. Without
// missing values, that candidate is never allowed with min_child_weight > 0,
// and otherwise its gain is zero up to rounding, so it is not offered.
func (gr *grower) enumerate(f int, g, h []float32, forward bool) {
	if len(gr.cols[f]) == 0 {
		return // every value missing: XGBoost skips the column
	}
	missing := len(gr.cols[f]) < gr.data.rows
	seg, spans := gr.seg[f], gr.spans[f]
	for _, nid := range gr.expand {
		n := &gr.nodes[nid]
		if !gr.p.canSplit(n.sum) {
			continue
		}
		rows := seg[spans[nid].lo:spans[nid].hi]
		c, sum, last := collect(gr.cand, rows, g, h, n.sum, gr.p.minChildWeight, forward)
		cand := gr.cand[:c]
		if missing {
			if rest := n.sum.minus(sum); sum.h >= gr.p.minChildWeight && rest.h >= gr.p.minChildWeight {
				gap := float32(math.Abs(float64(last))) + rtEps
				if !forward {
					gap = -gap
				}
				cand = append(cand, candidate{sum, last + gap})
			}
		}
		gr.offer(n, f, forward, cand)
	}
}

// candidate is a split of a node found by a column scan: the sum of the
// rows scanned before it, and its threshold.
type candidate struct {
	scanned stats
	thr     float32
}

// collect scans a node's part of a sorted column (rows), down or forward,
// and writes its candidates to cand in scan order, returning how many,
// with the sum of all the rows and the last value scanned. It makes no
// call, so the scan keeps its state in registers; the candidates' gains
// are computed after it, by offer, in the same order.
func collect(cand []candidate, rows []entry, g, h []float32, total stats, mcw float64, forward bool) (int, stats, float32) {
	var sum stats // the scanned rows
	var last float32
	c := 0
	i, step := len(rows)-1, -1
	if forward {
		i, step = 0, 1
	}
	for range rows {
		e := rows[i]
		i += step
		// sum.h != 0 but at the node's first row: hessians are at least
		// 1e-16 (XGBoost tests the same way).
		if sum.h != 0 && e.value != last && sum.h >= mcw {
			if rest := total.minus(sum); rest.h >= mcw {
				thr := (e.value + last) * 0.5
				if thr == e.value {
					thr = last
				}
				cand[c] = candidate{sum, thr}
				c++
			}
		}
		sum.g += float64(g[e.row])
		sum.h += float64(h[e.row])
		last = e.value
	}
	return c, sum, last
}

// offer offers node n the splits of feature f in cand, each putting the
// scanned rows on the scanned side (right when scanning down, left when
// forward) and the rest of the node on the other.
func (gr *grower) offer(n *node, f int, forward bool, cand []candidate) {
	for _, c := range cand {
		s, rest := c.scanned, n.sum.minus(c.scanned)
		if forward {
			if loss := (gr.p.gain(s) + gr.p.gain(rest)) - n.rootGain; n.best.beats(loss, int32(f)) {
				n.best = splitEntry{loss: loss, feature: int32(f), value: c.thr, left: s, right: rest}
			}
		} else {
			if loss := (gr.p.gain(rest) + gr.p.gain(s)) - n.rootGain; n.best.beats(loss, int32(f)) {
				n.best = splitEntry{loss: loss, feature: int32(f), value: c.thr, defaultLeft: true, left: rest, right: s}
			}
		}
	}
}

// initSegments fills each feature's segment for the root: the sorted
// column without the rows sampled out of this tree.
func (gr *grower) initSegments() {
	for _, f := range gr.features {
		seg, n := gr.seg[f], int32(0)
		if gr.p.subsample < 1 {
			for _, e := range gr.cols[f] {
				// Write every entry and keep the sampled ones: a branch on
				// the sampling would be mispredicted as often as it is random.
				seg[n] = e
				n += int32(uint32(^gr.pos[e.row]) >> 31) // 1 unless sampled out (pos < 0)
			}
		} else {
			n = int32(copy(seg, gr.cols[f]))
		}
		gr.spans[f] = append(gr.spans[f][:0], span{0, n})
	}
}

// partition splits every split node's part of each segment into its
// children's, in place and stably, after resetPositions has moved the rows
// to the children. Only the children that can split keep their rows: the
// others, and new leaves, drop out of the segments.
func (gr *grower) partition() {
	for _, f := range gr.features {
		seg, tmp := gr.seg[f], gr.tmp
		spans := slices.Grow(gr.spans[f], len(gr.nodes)-len(gr.spans[f]))[:len(gr.nodes)]
		for _, nid := range gr.expand {
			n := &gr.nodes[nid]
			if n.isLeaf() {
				continue
			}
			keepL, keepR := gr.p.canSplit(gr.nodes[n.left].sum), gr.p.canSplit(gr.nodes[n.right].sum)
			if !keepL && !keepR {
				continue
			}
			sp := spans[nid]
			l, r := split(seg[sp.lo:sp.hi], tmp, gr.pos, n.left, b2i(keepL), b2i(keepR))
			spans[n.left], spans[n.right] = span{sp.lo, sp.lo + l}, span{sp.lo + l, sp.lo + l + r}
		}
		gr.spans[f] = spans
	}
}

// split moves rows (one node's part of a column) whose node in pos is left
// to its front, in order, and the others after them, keeping those with
// keepL or keepR 1 only; it returns how many it kept on each side. It is
// apart from partition, with everything it reads in arguments, so that its
// loop keeps them in registers.
func split(rows, tmp []entry, pos []int32, left, keepL, keepR int32) (l, r int32) {
	for _, e := range rows {
		// Write to both sides and advance at most one: no branch on the
		// side, which is as unpredictable as the data.
		rows[l], tmp[r] = e, e
		isLeft := b2i(pos[e.row] == left)
		l += isLeft & keepL
		r += (1 - isLeft) & keepR
	}
	copy(rows[l:], tmp[:r])
	return l, r
}

// b2i is 1 for true and 0 for false; the compiler makes it a SETcc.
func b2i(b bool) int32 {
	var i int32
	if b {
		i = 1
	}
	return i
}

// resetPositions moves the rows of split nodes to their children, adding
// their gradients g and hessians h to the children's sums (new nodes start
// at zero) in row order, and marks the rows of new leaves done.
func (gr *grower) resetPositions(g, h []float32) {
	// Locals, not gr's fields, which the compiler would reload after
	// every store to pos.
	pos, nodes, values, d := gr.pos, gr.nodes, gr.data.values, gr.data.features
	for i, nid := range pos {
		if nid < 0 {
			continue
		}
		n := &nodes[nid]
		if n.isLeaf() {
			pos[i] = ^nid
			continue
		}
		child := n.right - goesLeft(values[i*d+int(n.feature)], n)
		pos[i] = child
		s := &nodes[child].sum
		s.g += float64(g[i])
		s.h += float64(h[i])
	}
}

// goesLeft is 1 if value x goes to split node n's left child, else 0,
// computed without a branch on the comparison, which is as unpredictable
// as the data. A node's children are numbered left, then right = left+1.
func goesLeft(x float32, n *node) int32 {
	return b2i(x < n.threshold) | b2i(x != x)&b2i(n.defaultLeft)
}

// prune applies gamma as XGBoost's TreePruner does: visiting the leaves in
// node order, a split whose children are both leaves and whose loss
// reduction is below gamma is undone, and its parent is tried in turn.
func (gr *grower) prune() {
	if !(gr.p.gamma > 0) {
		return // every split reduces the loss by more than rtEps > 0
	}
	for nid := range gr.nodes {
		if !gr.nodes[nid].isLeaf() || gr.nodes[nid].deleted {
			continue
		}
		for id := int32(nid); id != 0; {
			pid := gr.nodes[id].parent
			p := &gr.nodes[pid]
			if !gr.nodes[p.left].isLeaf() || !gr.nodes[p.right].isLeaf() || !(p.best.loss < gr.p.gamma) {
				break
			}
			gr.nodes[p.left].deleted = true
			gr.nodes[p.right].deleted = true
			p.left, p.right, p.feature, p.threshold = -1, -1, -1, 0
			p.leaf = gr.p.eta * p.weight
			id = pid
		}
	}
}

// appendTo appends the grown tree, without its pruned nodes, to m as a tree
// of class k.
func (gr *grower) appendTo(m *model.Boosted, k int) {
	gr.index = slices.Grow(gr.index[:0], len(gr.nodes))[:len(gr.nodes)]
	n := int32(0)
	for i := range gr.nodes {
		gr.index[i] = n
		if !gr.nodes[i].deleted {
			n++
		}
	}
	m.TreeClass = append(m.TreeClass, k)
	m.TreeStart = append(m.TreeStart, len(m.Feature))
	for i := range gr.nodes {
		nd := &gr.nodes[i]
		if nd.deleted {
			continue
		}
		if nd.isLeaf() {
			m.Feature = append(m.Feature, -1)
			m.Threshold = append(m.Threshold, 0)
			m.Left = append(m.Left, -1)
			m.Right = append(m.Right, -1)
			m.Value = append(m.Value, nd.leaf)
		} else {
			m.Feature = append(m.Feature, nd.feature)
			m.Threshold = append(m.Threshold, nd.threshold)
			m.Left = append(m.Left, gr.index[nd.left])
			m.Right = append(m.Right, gr.index[nd.right])
			m.Value = append(m.Value, 0)
		}
		appendDefaultLeft(m, nd.isLeaf() || nd.defaultLeft)
		m.Gain = append(m.Gain, nd.best.loss)
		m.Cover = append(m.Cover, float32(nd.sum.h))
		m.Weight = append(m.Weight, nd.weight)
	}
}

// addTo adds the last grown tree's leaf values to class k's margins of every
// row of data, in float32, as XGBoost's prediction cache does.
func (gr *grower) addTo(margin []float32, k, classes int, data *matrix) {
	nodes := gr.nodes // a local: the compiler would reload gr.nodes after every store
	for i := range data.rows {
		x := data.row(i)
		n := &nodes[0]
		for !n.isLeaf() {
			n = &nodes[n.right-goesLeft(x[n.feature], n)]
		}
		margin[i*classes+k] += n.leaf
	}
}
