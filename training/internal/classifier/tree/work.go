package tree

import (
	"sync"

	"github.com/mlopsgo/mlops/training/model"
)

// work is a builder's memory: the rows it partitions, its scan buffers and
// the tree as it grows. A forest grows hundreds of trees on the same rows,
// one builder each; allocating this memory for every tree, and growing the
// tree's six slices node by node, was most of what a forest's fit
// allocated. Builders take it from workPool and give it back when their
// tree is finished, which copies the tree out.
type work struct {
	builder builder // the builder itself, which points at the rest

	samples  []int
	scratch  []int
	features []int
	sorted   []entry
	pre      presorted
	counts   []float64 // counts, left, right, bestLeft and candLeft, classes each

	// The tree, one entry per node in pre-order. leafAt is the offset of a
	// leaf's class distribution in values, -1 for an internal node.
	feature, left, right, nsamples []int
	threshold                      []float64
	leafAt                         []int
	values                         []float64
}

var workPool = sync.Pool{New: func() any { return new(work) }}

// getWork returns memory for a builder of rows rows, d features and classes
// classes, with the tree empty. The exact method's sort buffer, sorted, is
// sized by newBuilder: the hist method has no use for it.
func getWork(rows, d, classes int) *work {
	w := workPool.Get().(*work)
	w.samples = resize(w.samples, 0, rows)
	w.scratch = resize(w.scratch, 0, rows)
	w.features = resize(w.features, d, d)
	w.counts = resize(w.counts, 5*classes, 5*classes)
	clear(w.counts)
	w.feature, w.left, w.right, w.nsamples = w.feature[:0], w.left[:0], w.right[:0], w.nsamples[:0]
	w.threshold, w.leafAt, w.values = w.threshold[:0], w.leafAt[:0], w.values[:0]
	return w
}

// resize returns s with length n and capacity at least c, reallocating only
// when s is too small. The first n elements are unspecified.
func resize[T any](s []T, n, c int) []T {
	if cap(s) < c {
		return make([]T, n, c)
	}
	return s[:n]
}

// tree copies the grown tree out of w into a model.Tree of its exact size,
// in four allocations.
func (w *work) tree(classes int) *model.Tree {
	n := len(w.feature)
	ints := make([]int, 4*n)
	floats := make([]float64, n+len(w.values))
	t := &model.Tree{
		Feature:   ints[0*n : 1*n : 1*n],
		Left:      ints[1*n : 2*n : 2*n],
		Right:     ints[2*n : 3*n : 3*n],
		Samples:   ints[3*n : 4*n : 4*n],
		Threshold: floats[:n:n],
		Value:     make([][]float64, n),
	}
	copy(t.Feature, w.feature)
	copy(t.Left, w.left)
	copy(t.Right, w.right)
	copy(t.Samples, w.nsamples)
	copy(t.Threshold, w.threshold)
	values := floats[n:]
	copy(values, w.values)
	for i, at := range w.leafAt {
		if at >= 0 {
			t.Value[i] = values[at : at+classes : at+classes]
		}
	}
	return t
}

// release gives w, and the builder in it, back to the pool. Nothing may
// use either afterwards.
func (w *work) release() {
	w.builder = builder{} // let the data and the config go
	// A fit on many rows leaves large buffers; keeping them would hold
	// that memory for as long as the pool keeps w.
	const keep = 1 << 16
	if cap(w.samples) > keep || cap(w.values) > keep*4 || cap(w.pre.ord) > keep*16 {
		return
	}
	workPool.Put(w)
}
