package train

import (
	"fmt"
	"sync"

	"github.com/mlopsgo/mlops/training/internal/classifier"
	"github.com/mlopsgo/mlops/training/internal/dataset"
	"github.com/mlopsgo/mlops/training/internal/impute"
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
	imp.cols = impute.Columns(d.Missing)
	buf := make([]float64, 0, len(trainIdx))
	for j := range d.Features {
		m, ok := impute.ColumnMedian(buf, d.X, trainIdx, j)
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
	med, blank := impute.Medians(buf, d.X, fold.Train, cols, len(d.Features))
	if blank >= 0 {
		return nil, fmt.Errorf("impute %s: column %q is blank in every training row of cross-validation repeat %d, fold %d (%d rows), so it has no median; add values to that column or lower cv.folds",
			d.Name, d.Features[blank], fold.Repeat, fold.Fold, len(fold.Train))
	}
	return med, nil
}

// fill fills the missing values of X's rows with med (impute.Fill); with
// no missing cells, or a nil imputation, it does nothing.
func (imp *imputation) fill(X [][]float64, med []float64) {
	if imp == nil {
		return
	}
	impute.Fill(X, imp.cols, med)
}

// foldMedians returns the medians to fill fold f's rows with.
func (imp *imputation) foldMedians(f int) []float64 {
	if imp == nil || len(imp.cols) == 0 {
		return nil
	}
	return imp.folds[f]
}
