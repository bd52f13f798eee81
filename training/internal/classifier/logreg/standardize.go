package logreg

import "github.com/mlopsgo/mlops/training/internal/classifier/scaling"

// standardization returns each column's mean and population standard
// deviation; see scaling.Fit, shared with the linear SVM.
func standardization(X [][]float64) (mean, scale []float64) { return scaling.Fit(X) }

// standardize returns a copy of X with every column transformed to
// (x-mean)/scale, the transform model.Linear applies at prediction time.
func standardize(X [][]float64, mean, scale []float64) [][]float64 {
	return scaling.Apply(X, mean, scale)
}
