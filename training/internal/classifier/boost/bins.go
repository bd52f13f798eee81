package boost

import (
	"math"
	"slices"
	"sort"
	"sync"
	"sync/atomic"
)

// binIndex is the storage type of bin indices: uint8 when every feature's
// bins, and its missing-value index if it has missing values, fit in 256
// values, else uint16.
type binIndex interface{ ~uint8 | ~uint16 }

// cuts holds every feature's bin boundaries, as XGBoost's HistogramCuts:
// bin b of feature f holds the values v with upper[f][b-1] <= v <
// upper[f][b] (the first bin everything below upper[f][0]); the last upper
// bound lies above the feature's largest value, so every value has a bin.
// A split "left below bin s" is the threshold lower(f, s): values below it
// are exactly those of bins < s.
type cuts struct {
	upper [][]float32
	min   []float32 // below every value of the feature: the threshold of s = 0
}

// bins returns the number of bins of feature f; index bins(f) stands for a
// missing value.
func (c *cuts) bins(f int) int { return len(c.upper[f]) }

// lower returns the threshold that sends bins < s left.
func (c *cuts) lower(f, s int) float32 {
	if s == 0 {
		return c.min[f]
	}
	return c.upper[f][s-1]
}

// bin returns the bin of value v of feature f (v not NaN): the first whose
// upper bound is above v, as XGBoost's SearchBin (upper_bound).
func (c *cuts) bin(f int, v float32) int {
	u := c.upper[f]
	return sort.Search(len(u)-1, func(i int) bool { return u[i] > v })
}

// binned is the training data binned once per fit, column-major: col[f][i]
// is the bin of row i's value of feature f, or cuts.bins(f) when it is
// missing.
type binned[B binIndex] struct {
	cuts cuts
	col  [][]B
}

// newCuts computes the cut points of every feature of m, up to maxBin bins
// each, with XGBoost 1.7's rule applied to an exact summary of the column
// (see quantileCuts), in parallel over features.
func newCuts(m *matrix, maxBin, workers int) cuts {
	c := cuts{upper: make([][]float32, m.features), min: make([]float32, m.features)}
	parallel(workers, m.features, func(f int) {
		vals := make([]float32, 0, m.rows)
		for i := range m.rows {
			if v := m.values[i*m.features+f]; v == v {
				vals = append(vals, v)
			}
		}
		slices.Sort(vals)
		c.upper[f], c.min[f] = quantileCuts(vals, maxBin)
	})
	return c
}

// quantileCuts returns the upper bin bounds and the minimum threshold of a
// sorted column of non-missing values, as XGBoost 1.7's hist method derives
// them (WQSummary::SetPrune to maxBin+1 entries, then AddCutPoint):
//
//   - the summary is the distinct values with their ranks; with more than
//     maxBin+1 distinct values it is pruned to maxBin+1 of them, the k-th
//     being the value whose rank is nearest k/maxBin of the column, the
//     smallest and the largest kept;
//   - the upper bounds are the summary's values from the second on, at most
//     maxBin-1 of them, followed by max + (|max| + 1e-5) so the largest
//     value has a bin;
//   - the minimum threshold is min − (|min| + 1e-5).
//
// So with at most maxBin distinct values every value has its own bin and a
// split threshold is the larger of two neighbouring values (not the
// midpoint the exact method uses). XGBoost summarizes a column with a
// streaming sketch whose ranks are approximate; here the summary is exact,
// so on columns of more than maxBin distinct values the cuts may differ
// from XGBoost's by the sketch's error (under 1/(8·maxBin) of the rows).
func quantileCuts(vals []float32, maxBin int) (upper []float32, minVal float32) {
	if len(vals) == 0 {
		// No value: one bin, which only missing values would have reached.
		return []float32{1e-5}, -1e-5
	}
	// Distinct values with rmin (rows below) and rmax (rows at or below),
	// allocated once: columns run to millions of values.
	type entry struct {
		v          float32
		rmin, rmax int32
	}
	distinct := 1
	for i := 1; i < len(vals); i++ {
		if vals[i] != vals[i-1] {
			distinct++
		}
	}
	sum := make([]entry, 0, distinct)
	for i := 0; i < len(vals); {
		j := i + 1
		for j < len(vals) && vals[j] == vals[i] {
			j++
		}
		sum = append(sum, entry{v: vals[i], rmin: int32(i), rmax: int32(j)})
		i = j
	}
	if maxSize := maxBin + 1; len(sum) > maxSize {
		// WQSummary::SetPrune on exact ranks: with weights w, RMinNext(i)
		// = rmin+w = rmax(i) and RMaxPrev(i+1) = rmax−w = rmin(i+1).
		begin, rng := float64(sum[0].rmax), float64(sum[len(sum)-1].rmin)-float64(sum[0].rmax)
		n := maxSize - 1
		pruned := []entry{sum[0]}
		i, last := 0, 0
		for k := 1; k < n; k++ {
			dx2 := 2 * (float64(k)*rng/float64(n) + begin)
			for i < len(sum)-1 && dx2 >= float64(sum[i+1].rmax)+float64(sum[i+1].rmin) {
				i++
			}
			if i == len(sum)-1 {
				break
			}
			pick := i + 1
			if dx2 < float64(sum[i].rmax)+float64(sum[i+1].rmin) {
				pick = i
			}
			if pick != last {
				pruned = append(pruned, sum[pick])
				last = pick
			}
		}
		if last != len(sum)-1 {
			pruned = append(pruned, sum[len(sum)-1])
		}
		sum = pruned
	}
	for i := 1; i < min(len(sum), maxBin); i++ {
		if v := sum[i].v; len(upper) == 0 || v > upper[len(upper)-1] {
			upper = append(upper, v)
		}
	}
	hi, lo := sum[len(sum)-1].v, sum[0].v
	upper = append(upper, hi+(float32(math.Abs(float64(hi)))+1e-5))
	return upper, lo - (float32(math.Abs(float64(lo))) + 1e-5)
}

// binMatrix bins every value of m by c, column-major, in parallel over
// features.
func binMatrix[B binIndex](m *matrix, c cuts, workers int) *binned[B] {
	b := &binned[B]{cuts: c, col: make([][]B, m.features)}
	all := make([]B, m.rows*m.features)
	parallel(workers, m.features, func(f int) {
		col := all[f*m.rows : (f+1)*m.rows : (f+1)*m.rows]
		missing := B(c.bins(f))
		for i := range col {
			v := m.values[i*m.features+f]
			if v != v {
				col[i] = missing
			} else {
				col[i] = B(c.bin(f, v))
			}
		}
		b.col[f] = col
	})
	return b
}

// parallel calls fn(i) for every i in [0, n) on up to workers goroutines.
// Which goroutine runs which i varies; callers make each fn(i) write only
// its own results, so the outcome does not depend on it.
func parallel(workers, n int, fn func(i int)) {
	workers = min(workers, n)
	if workers <= 1 {
		for i := range n {
			fn(i)
		}
		return
	}
	var next atomic.Int64
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			for j := int(next.Add(1) - 1); j < n; j = int(next.Add(1) - 1) {
				fn(j)
			}
		})
	}
	wg.Wait()
}
