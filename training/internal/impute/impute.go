// Package impute fills missing feature values (NaN) with column medians, as
// scikit-learn's SimpleImputer(strategy="median") does inside a pipeline:
// each fit's medians come from the rows that fit is trained on, so held-out
// rows never inform the values they are filled with. mlops train and mlops
// tune both fill through it (data.missing: impute in params.yaml).
package impute

import (
	"math"
	"math/bits"
	"slices"
)

// Columns returns the features that have at least one missing cell, in
// ascending order, from a data set's per-feature missing counts.
func Columns(missing []int) []int {
	var cols []int
	for j, n := range missing {
		if n > 0 {
			cols = append(cols, j)
		}
	}
	return cols
}

// Fill replaces every row of X that holds a missing value in one of cols
// with a copy in which each missing value of feature j is med[j]. X is a
// subset's own slice of row references (dataset.Subset), so the data set's
// rows are never written. Rows without missing values stay shared; with
// no such row, nothing is allocated.
func Fill(X [][]float64, cols []int, med []float64) {
	if len(cols) == 0 {
		return
	}
	n := 0
	for _, row := range X {
		if Missing(row, cols) {
			n++
		}
	}
	if n == 0 {
		return
	}
	nf := len(med)
	// One allocation for all the copies: n rows of nf values.
	buf := make([]float64, n*nf)
	for i, row := range X {
		if !Missing(row, cols) {
			continue
		}
		c := buf[:nf:nf]
		buf = buf[nf:]
		copy(c, row)
		for _, j := range cols {
			if math.IsNaN(c[j]) {
				c[j] = med[j]
			}
		}
		X[i] = c
	}
}

// Missing reports whether row holds a missing value in one of cols (the
// only columns that need a look).
func Missing(row []float64, cols []int) bool {
	for _, j := range cols {
		if math.IsNaN(row[j]) {
			return true
		}
	}
	return false
}

// Medians returns, in a slice of nf values indexed by feature, the medians
// of the columns cols over the given rows of X (the other entries 0), and
// -1; or, when a column has no value in those rows, nil and that column.
// buf is scratch space; its contents are overwritten.
func Medians(buf []float64, X [][]float64, rows, cols []int, nf int) ([]float64, int) {
	med := make([]float64, nf)
	for _, j := range cols {
		m, ok := ColumnMedian(buf, X, rows, j)
		if !ok {
			return nil, j
		}
		med[j] = m
	}
	return med, -1
}

// ColumnMedian returns the median of feature j over the given rows of X,
// ignoring missing values, and false when every one is missing. buf is
// scratch space; its contents are overwritten.
func ColumnMedian(buf []float64, X [][]float64, rows []int, j int) (float64, bool) {
	buf = buf[:0]
	for _, r := range rows {
		if v := X[r][j]; !math.IsNaN(v) {
			buf = append(buf, v)
		}
	}
	if len(buf) == 0 {
		return 0, false
	}
	return Median(buf), true
}

// Median returns the median of v, which must be non-empty and hold no NaN:
// for an even count the mean of the two middle values, as numpy.median
// (and so SimpleImputer) computes it. It reorders v. It runs in linear
// time on average, which matters for a million rows per fold.
func Median(v []float64) float64 {
	k := len(v) / 2
	selectKth(v, k)
	if len(v)%2 == 1 {
		return v[k]
	}
	// selectKth leaves the k smaller values below k: the largest of them
	// is the other middle value. Halving each first cannot overflow.
	return slices.Max(v[:k])/2 + v[k]/2
}

// selectKth reorders v so that v[k] is the value sorted order would put
// there, with no larger value before it and no smaller one after. It is
// quickselect with a median-of-three pivot and a three-way partition (so
// columns with many equal values stay linear), falling back to sorting
// what is left if the pivots keep being poor, which bounds the worst case
// at O(n log n).
func selectKth(v []float64, k int) {
	lo, hi := 0, len(v)-1
	budget := 2 * bits.Len(uint(len(v)))
	for lo < hi {
		if budget == 0 {
			slices.Sort(v[lo : hi+1])
			return
		}
		budget--
		p := medianOf3(v[lo], v[lo+(hi-lo)/2], v[hi])
		lt, i, gt := lo, lo, hi
		for i <= gt {
			switch {
			case v[i] < p:
				v[lt], v[i] = v[i], v[lt]
				lt++
				i++
			case v[i] > p:
				v[i], v[gt] = v[gt], v[i]
				gt--
			default:
				i++
			}
		}
		// Now v[lo:lt] < p, v[lt:gt+1] == p and v[gt+1:hi+1] > p.
		switch {
		case k < lt:
			hi = lt - 1
		case k > gt:
			lo = gt + 1
		default:
			return
		}
	}
}

func medianOf3(a, b, c float64) float64 {
	if a > b {
		a, b = b, a
	}
	if b > c {
		b = c
	}
	return max(a, b)
}
