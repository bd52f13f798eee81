package model

import "fmt"

// batchRows is how many rows an ensemble walks through one tree before the
// next: the tree's nodes are read from memory once for the block instead
// of once per row. A whole ensemble does not stay in cache between two
// rows (300 trees of boosting on three classes are about 700 KB), so one
// row at a time reads it from memory for every row; 1M rows through such a
// model took 18 s of CPU one at a time.
const batchRows = 64

// batchPredictor is a predictor with a faster way to predict many rows than
// one at a time. Its results equal predictInto's to the last bit.
type batchPredictor interface {
	predictBatch(dst, X [][]float64)
}

// predictBatch predicts every row of X into dst, in blocks where p can.
func predictBatch(p predictor, dst, X [][]float64) {
	if bp, ok := p.(batchPredictor); ok {
		for lo := 0; lo < len(X); lo += batchRows {
			hi := min(lo+batchRows, len(X))
			bp.predictBatch(dst[lo:hi], X[lo:hi])
		}
		return
	}
	for i, x := range X {
		p.predictInto(dst[i], x)
	}
}

// PredictBatch writes the class probabilities of each row X[i] into dst[i],
// each exactly as PredictInto would. Ensembles walk each tree for a block
// of rows at a time, which is several times faster on large models. It
// does not allocate and is safe for concurrent use. It panics if len(dst)
// differs from len(X) or a row's length does not match the compiled shape.
func (s shaped) PredictBatch(dst, X [][]float64) {
	checkBatch(dst, X, s.features, s.classes)
	predictBatch(s.pred, dst, X)
}

// PredictBatch writes the class probabilities of each row X[i] into dst[i];
// see [Bundle.PredictInto] and the shaped PredictBatch. It panics if the
// lengths are wrong or if the bundle was not loaded or sealed.
func (b *Bundle) PredictBatch(dst, X [][]float64) {
	checkBatch(dst, X, len(b.Features), len(b.Classes))
	if b.pred == nil {
		panic("model: PredictBatch on a bundle that was neither loaded nor sealed")
	}
	predictBatch(b.pred, dst, X)
}

// PredictProba returns the class probabilities of every row of X, one row
// of classes values each, from one allocation, computed with PredictBatch.
func PredictProba(p Predictor, X [][]float64, classes int) [][]float64 {
	slab := make([]float64, len(X)*classes)
	proba := make([][]float64, len(X))
	for i := range proba {
		proba[i] = slab[i*classes : (i+1)*classes]
	}
	p.PredictBatch(proba, X)
	return proba
}

// PredictLabels returns the most probable class of each row of X, as
// ArgMax of PredictInto's probabilities, computed with PredictBatch over
// blocks of rows and one block of probabilities reused throughout.
func PredictLabels(p Predictor, X [][]float64, classes int) []int {
	const block = 1024
	slab := make([]float64, min(block, len(X))*classes)
	proba := make([][]float64, min(block, len(X)))
	for i := range proba {
		proba[i] = slab[i*classes : (i+1)*classes]
	}
	labels := make([]int, len(X))
	for lo := 0; lo < len(X); lo += block {
		hi := min(lo+block, len(X))
		p.PredictBatch(proba[:hi-lo], X[lo:hi])
		for i, pr := range proba[:hi-lo] {
			labels[lo+i] = ArgMax(pr)
		}
	}
	return labels
}

func checkBatch(dst, X [][]float64, features, classes int) {
	if len(dst) != len(X) {
		panic(fmt.Sprintf("model: PredictBatch: %d rows and %d results", len(X), len(dst)))
	}
	for i, x := range X {
		if len(x) != features || len(dst[i]) != classes {
			panic(fmt.Sprintf("model: PredictBatch: row %d has %d features and %d slots, want %d and %d", i, len(x), len(dst[i]), features, classes))
		}
	}
}

// predictBatch adds the trees to every row's margins tree by tree, in tree
// order, with predictInto's arithmetic.
func (b *Boosted) predictBatch(dst, X [][]float64) {
	base := float64(float32(b.BaseScore))
	for _, d := range dst {
		for k := range d {
			d[k] = base
		}
	}
	for t, s := range b.TreeStart {
		k := b.TreeClass[t]
		for i, x := range X {
			n := b.leaf(s, x)
			dst[i][k] = float64(float32(dst[i][k]) + b.Value[n])
		}
	}
	for _, d := range dst {
		Softmax(d)
	}
}

// predictBatch sums the trees' leaf distributions tree by tree, in tree
// order, with predictInto's arithmetic.
func (f *Forest) predictBatch(dst, X [][]float64) {
	for _, d := range dst {
		clear(d)
	}
	for i := range f.Trees {
		t := &f.Trees[i]
		for r, x := range X {
			d := dst[r]
			for k, p := range t.Value[t.Leaf(x)] {
				d[k] += p
			}
		}
	}
	n := float64(len(f.Trees))
	for _, d := range dst {
		for k := range d {
			d[k] /= n
		}
	}
}
