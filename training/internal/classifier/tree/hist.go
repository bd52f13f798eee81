package tree

import (
	"math"

	"github.com/mlopsgo/mlops/training/internal/classifier"
	"github.com/mlopsgo/mlops/training/internal/classifier/binning"
)

// histSearch is what the builder asks of the hist method; histSplitter
// implements it for each bin index type.
type histSearch interface {
	// prepare returns the histogram of the node over samples[start:end]
	// when every feature is scanned: h if the caller has it (by
	// subtraction), else one built from the node's rows. It returns nil
	// when features are drawn (MaxFeatures > 0): those are binned one at a
	// time, by scanFeature.
	prepare(h []float64, start, end int) []float64
	// children splits the node's histogram h between its children
	// samples[start:mid] and samples[mid:end], for those that grow further
	// (growL, growR): the smaller child's built from its rows, the larger
	// one's h minus it. A child that gets nil builds its own if it needs
	// one; h is released or passed on.
	children(h []float64, start, mid, end int, growL, growR bool) (left, right []float64)
	// release returns a histogram to the pool.
	release(h []float64)
	scanFeature(h []float64, f, start, end int, total float64, buf scanBuffers, bestLeft []float64) featureScan
	partition(start, end int, s split) int
	// maxBins is the most bins of any feature: the size of a feature's
	// histogram buffer, in slots.
	maxBins() int
}

// histSplitter searches splits on node histograms: for every bin of a
// feature, the node's rows in it (slot 0) and their weighted class counts
// (slots 1 to classes). Node histograms hold every feature, at
// offset[f]·stride; a feature's buffer in scanBuffers holds one.
type histSplitter[B binning.Index] struct {
	b      *builder
	data   *Binned
	col    [][]B
	stride int   // classes + 1
	offset []int // feature f's bins start at offset[f]
	full   bool  // every feature is scanned: node histograms and subtraction
	pool   [][]float64
}

func newHistSplitter[B binning.Index](b *builder, data *Binned, col [][]B) *histSplitter[B] {
	s := &histSplitter[B]{b: b, data: data, col: col, stride: b.classes + 1, offset: make([]int, data.features+1), full: b.cfg.MaxFeatures == 0}
	for f, nb := range data.bins {
		s.offset[f+1] = s.offset[f] + nb
	}
	return s
}

func (s *histSplitter[B]) maxBins() int {
	m := 0
	for _, nb := range s.data.bins {
		m = max(m, nb)
	}
	return m
}

func (s *histSplitter[B]) newHist() []float64 {
	if n := len(s.pool); n > 0 {
		h := s.pool[n-1]
		s.pool = s.pool[:n-1]
		return h
	}
	return make([]float64, s.offset[len(s.offset)-1]*s.stride)
}

func (s *histSplitter[B]) release(h []float64) {
	if h != nil {
		s.pool = append(s.pool, h)
	}
}

func (s *histSplitter[B]) prepare(h []float64, start, end int) []float64 {
	if !s.full || h != nil {
		return h
	}
	h = s.newHist()
	s.build(h, start, end)
	return h
}

// build fills every feature of node histogram h from samples[start:end],
// features in parallel for large nodes: each feature's bins are summed in
// row order by one goroutine, so h does not depend on the workers.
func (s *histSplitter[B]) build(h []float64, start, end int) {
	workers := 1
	if end-start >= parallelMinRows {
		workers = s.b.workers
	}
	classifier.Parallel(workers, s.data.features, func(f int) {
		s.fill(s.featureHist(h, f), f, start, end)
	})
}

// featureHist returns feature f's part of node histogram h.
func (s *histSplitter[B]) featureHist(h []float64, f int) []float64 {
	return h[s.offset[f]*s.stride : s.offset[f+1]*s.stride]
}

// fill sets hf, feature f's histogram, from the rows samples[start:end].
func (s *histSplitter[B]) fill(hf []float64, f, start, end int) {
	clear(hf)
	col, y, stride := s.col[f], s.b.y, s.stride
	rows := s.b.samples[start:end]
	if w := s.b.weights; w != nil {
		for _, row := range rows {
			o := int(col[row]) * stride
			hf[o]++
			hf[o+1+y[row]] += w[row]
		}
		return
	}
	for _, row := range rows {
		o := int(col[row]) * stride
		hf[o]++
		hf[o+1+y[row]]++
	}
}

func (s *histSplitter[B]) children(h []float64, start, mid, end int, growL, growR bool) (left, right []float64) {
	if h == nil {
		return nil, nil
	}
	smallStart, smallEnd, growSmall, growBig := start, mid, growL, growR
	if end-mid < mid-start {
		smallStart, smallEnd, growSmall, growBig = mid, end, growR, growL
	}
	var small, big []float64
	switch {
	case growBig:
		// Subtraction: the larger child's histogram is the parent's minus
		// the smaller's, which is built from its (fewer) rows.
		small = s.newHist()
		s.build(small, smallStart, smallEnd)
		for i, v := range small {
			h[i] -= v
		}
		big = h
		if !growSmall {
			s.release(small)
			small = nil
		}
	default:
		s.release(h)
	}
	if smallStart == start {
		return small, big
	}
	return big, small
}

// scanFeature finds the best split of feature f at the node over
// samples[start:end] from its histogram: node histogram h when it has one,
// else one built in buf.hist. Candidates lie between two bins holding rows
// of the node, and are judged exactly as the exact method judges a
// threshold between two values (see builder.scanFeature), the last value of
// the left bin and the first of the right one standing for the two values.
func (s *histSplitter[B]) scanFeature(h []float64, f, start, end int, total float64, buf scanBuffers, bestLeft []float64) featureScan {
	var hf []float64
	if h != nil {
		hf = s.featureHist(h, f)
	} else {
		hf = buf.hist[:s.data.bins[f]*s.stride]
		s.fill(hf, f, start, end)
	}
	r := featureScan{feature: f, proxy: math.Inf(-1)}
	stride, b := s.stride, s.b
	nb := s.data.bins[f]
	first, last := 0, nb-1
	for hf[first*stride] == 0 {
		first++
	}
	for hf[last*stride] == 0 {
		last--
	}
	lo, hi := s.data.lo[f], s.data.hi[f]
	if first == last || lo[last] <= hi[first]+featureThreshold {
		r.constant = true
		return r
	}
	n := end - start
	minLeaf := b.cfg.MinSamplesLeaf
	clear(buf.left)
	var wl float64
	nl := 0
	prev := -1 // the last bin added to the left side
	for c := first; c <= last; c++ {
		slot := hf[c*stride : (c+1)*stride]
		if slot[0] == 0 {
			continue
		}
		if prev >= 0 && nl >= minLeaf && n-nl >= minLeaf && lo[c] > hi[prev]+featureThreshold {
			wr := total - wl
			for k, cnt := range b.counts {
				buf.right[k] = cnt - buf.left[k]
			}
			proxy := -wr*b.impurity(buf.right, wr) - wl*b.impurity(buf.left, wl)
			if proxy > r.proxy {
				r.proxy, r.found, r.wl, r.bin = proxy, true, wl, prev
				copy(bestLeft, buf.left)
				r.threshold = midpoint(hi[prev], lo[c])
			}
		}
		nl += int(slot[0])
		for k, w := range slot[1:] {
			buf.left[k] += w
			wl += w
		}
		prev = c
	}
	r.left = bestLeft
	return r
}

// partition reorders samples[start:end] so that the rows whose bin of the
// split's feature is at most the split's bin come first, each side keeping
// its order, and returns where the right side starts. The threshold lies
// between that bin's values and the next bin's, so these are the rows x <=
// threshold sends left.
func (s *histSplitter[B]) partition(start, end int, sp split) int {
	b := s.b
	col, last := s.col[sp.feature], B(sp.bin)
	right := b.scratch[:0]
	mid := start
	for _, row := range b.samples[start:end] {
		if col[row] <= last {
			b.samples[mid] = row
			mid++
		} else {
			right = append(right, row)
		}
	}
	copy(b.samples[mid:end], right)
	return mid
}
