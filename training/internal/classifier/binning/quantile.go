package binning

import "math"

// QuantileCuts returns the upper bin bounds and the minimum threshold of a
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
// So with at most maxBin distinct values every value has its own bin, and
// the boundary between two bins is the larger of two neighbouring values. XGBoost summarizes a column with a
// streaming sketch whose ranks are approximate; here the summary is exact,
// so on columns of more than maxBin distinct values the cuts may differ
// from XGBoost's by the sketch's error (under 1/(8·maxBin) of the rows).
func QuantileCuts(vals []float32, maxBin int) (upper []float32, minVal float32) {
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
