package drift

import (
	"sync"

	"github.com/mlopsgo/mlops/training/model"
)

// Score is the drift of one feature.
type Score struct {
	Feature string
	PSI, KS float64
}

// Window holds the most recent inputs of one model and scores their drift
// against the training histograms. It is safe for concurrent use.
type Window struct {
	size  int
	names []string
	hists []model.Histogram
	ref   [][]int // training counts with an empty bin below and above

	mu     sync.Mutex
	ring   []uint32 // size rows of one extended-bin index per feature
	next   int      // ring row the next observation overwrites
	n      int      // observations held, at most size
	counts [][]int  // window counts per feature, extended bins, then missing
}

// NewWindow returns an empty window of the given size (at least 1) over the
// features' training histograms.
func NewWindow(feats []model.Feature, size int) *Window {
	size = max(size, 1)
	w := &Window{size: size, ring: make([]uint32, size*len(feats))}
	for _, f := range feats {
		h := f.Stats.Histogram
		ref := make([]int, len(h.Counts)+2)
		copy(ref[1:], h.Counts)
		w.names = append(w.names, f.Name)
		w.hists = append(w.hists, h)
		w.ref = append(w.ref, ref)
		// One more slot counts the missing values, which the scores
		// leave out.
		w.counts = append(w.counts, make([]int, len(ref)+1))
	}
	return w
}

// Size returns how many observations the window holds when full.
func (w *Window) Size() int { return w.size }

// bin returns v's extended bin: 0 below the training minimum, one past the
// last histogram bin above the maximum.
func bin(h model.Histogram, v float64) uint32 {
	switch {
	case v < h.Edges[0]:
		return 0
	case v > h.Edges[len(h.Edges)-1]:
		return uint32(len(h.Counts) + 1)
	}
	return uint32(h.Bin(v) + 1)
}

// Observe adds rows of inputs, row-major with one value per feature, the
// oldest observations making room once the window is full. missing holds
// the indices in rows, in increasing order, of values that were absent
// from the request and
// filled with the model's impute value: they are held as missing, in no
// bin, so that a stream of nulls does not pile up in the bin of the
// training median and read as drift. It does not allocate. It panics if
// len(rows) is not a multiple of the number of features.
func (w *Window) Observe(rows []float64, missing []int) {
	nf := len(w.names)
	if nf == 0 {
		return
	}
	if len(rows)%nf != 0 {
		panic("drift: Observe: rows do not hold whole observations")
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	for r := 0; r+nf <= len(rows); r += nf {
		slot := w.ring[w.next*nf : (w.next+1)*nf]
		for j := range nf {
			if w.n == w.size {
				w.counts[j][slot[j]]--
			}
			b := bin(w.hists[j], rows[r+j])
			slot[j] = b
			w.counts[j][b]++
		}
		for len(missing) > 0 && missing[0] < r+nf {
			j := missing[0] - r
			missing = missing[1:]
			if j < 0 {
				continue // not increasing; already past that row
			}
			w.counts[j][slot[j]]--
			slot[j] = uint32(len(w.ref[j]))
			w.counts[j][slot[j]]++
		}
		w.next = (w.next + 1) % w.size
		if w.n < w.size {
			w.n++
		}
	}
}

// Scores appends one Score per feature to dst and returns it with the
// number of observations the scores are over.
func (w *Window) Scores(dst []Score) ([]Score, int) {
	w.mu.Lock()
	defer w.mu.Unlock()
	for j, name := range w.names {
		cur := w.counts[j][:len(w.ref[j])]
		dst = append(dst, Score{Feature: name, PSI: PSI(w.ref[j], cur), KS: KS(w.ref[j], cur)})
	}
	return dst, w.n
}
