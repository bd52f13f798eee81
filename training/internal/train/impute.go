package train

import (
	"fmt"
	"math"
	"math/bits"
	"slices"
	"sync"

	"github.com/mlopsgo/mlops/training/internal/classifier"
	"github.com/mlopsgo/mlops/training/internal/dataset"
)

// imputation fills the missing (NaN) feature values of params.yaml's
// data.missing: impute with medians, as scikit-learn's
// SimpleImputer(strategy="median") does inside a pipeline: each fit's
// medians come from the rows that fit is trained on, so a cross-validation
// fold's held-out rows never inform the values they are filled with.
//
// Only rows holding a missing value are copied (once per fit, for that
// fit); every other row stays shared with the data set, so data without
// missing cells are neither scanned nor copied.
type imputation struct {
	// cols are the features with at least one missing cell, ascending.
	cols []int
	// folds[f][j] is feature j's median over the training rows of fold f,
	// for j in cols (other entries are unused).
	folds [][]float64
	// final[j] is feature j's median over the training split, for every
	// feature: the fill of the final fit and the bundle's impute values.
	final []float64
}

// newImputation computes the medians for d: over trainIdx for every
// feature, and over each fold's training rows for the features with
// missing cells, folds in parallel on up to workers goroutines (0:
// GOMAXPROCS), each writing its own slot so the result does not depend on
// scheduling. A feature with no value in the rows a median is taken over
// is an error naming it (the first fold's, in fold order).
func newImputation(d *dataset.Dataset, trainIdx []int, folds []dataset.Fold, workers int) (*imputation, error) {
	imp := &imputation{final: make([]float64, len(d.Features))}
	for j, n := range d.Missing {
		if n > 0 {
			imp.cols = append(imp.cols, j)
		}
	}
	buf := make([]float64, 0, len(trainIdx))
	for j := range d.Features {
		m, ok := columnMedian(buf, d.X, trainIdx, j)
		if !ok {
			return nil, fmt.Errorf("impute %s: column %q is blank in every row of the training split (%d rows), so it has no median; leave it out of data.features or add values",
				d.Name, d.Features[j], len(trainIdx))
		}
		imp.final[j] = m
	}
	if len(imp.cols) == 0 {
		return imp, nil
	}
	imp.folds = make([][]float64, len(folds))
	errs := make([]error, len(folds))
	tasks := make(chan int)
	var wg sync.WaitGroup
	for range min(classifier.Workers(workers), len(folds)) {
		wg.Go(func() {
			// Each worker has its own scratch column: at most workers
			// columns of a fold's size are alive at once.
			buf := make([]float64, 0, len(d.Y))
			for f := range tasks {
				imp.folds[f], errs[f] = foldMedians(buf, d, imp.cols, folds[f])
			}
		})
	}
	for f := range folds {
		tasks <- f
	}
	close(tasks)
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return nil, err
		}
	}
	return imp, nil
}

// foldMedians returns the medians of the given columns over fold's
// training rows, in a slice indexed by feature.
func foldMedians(buf []float64, d *dataset.Dataset, cols []int, fold dataset.Fold) ([]float64, error) {
	med := make([]float64, len(d.Features))
	for _, j := range cols {
		m, ok := columnMedian(buf, d.X, fold.Train, j)
		if !ok {
			return nil, fmt.Errorf("impute %s: column %q is blank in every training row of cross-validation repeat %d, fold %d (%d rows), so it has no median; add values to that column or lower cv.folds",
				d.Name, d.Features[j], fold.Repeat, fold.Fold, len(fold.Train))
		}
		med[j] = m
	}
	return med, nil
}

// fill replaces every row of X that holds a missing value with a copy in
// which each missing value of feature j is med[j]. X is a subset's own
// slice of row references (dataset.Subset), so the data set's rows are
// never written. With no missing cells, or a nil imputation, it does
// nothing.
func (imp *imputation) fill(X [][]float64, med []float64) {
	if imp == nil || len(imp.cols) == 0 {
		return
	}
	n := 0
	for _, row := range X {
		if imp.missing(row) {
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
		if !imp.missing(row) {
			continue
		}
		c := buf[:nf:nf]
		buf = buf[nf:]
		copy(c, row)
		for _, j := range imp.cols {
			if math.IsNaN(c[j]) {
				c[j] = med[j]
			}
		}
		X[i] = c
	}
}

// missing reports whether row holds a missing value; only the columns that
// have any need a look.
func (imp *imputation) missing(row []float64) bool {
	for _, j := range imp.cols {
		if math.IsNaN(row[j]) {
			return true
		}
	}
	return false
}

// foldMedians returns the medians to fill fold f's rows with.
func (imp *imputation) foldMedians(f int) []float64 {
	if imp == nil || len(imp.cols) == 0 {
		return nil
	}
	return imp.folds[f]
}

// columnMedian returns the median of feature j over the given rows of X,
// ignoring missing values, and false when every one is missing. buf is
// scratch space; its contents are overwritten.
func columnMedian(buf []float64, X [][]float64, rows []int, j int) (float64, bool) {
	buf = buf[:0]
	for _, r := range rows {
		if v := X[r][j]; !math.IsNaN(v) {
			buf = append(buf, v)
		}
	}
	if len(buf) == 0 {
		return 0, false
	}
	return median(buf), true
}

// median returns the median of v, which must be non-empty and hold no NaN:
// for an even count the mean of the two middle values, as numpy.median
// (and so SimpleImputer) computes it. It reorders v. It runs in linear
// time on average, which matters for a million rows per fold.
func median(v []float64) float64 {
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
