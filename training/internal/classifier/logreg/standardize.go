package logreg

import "github.com/mlopsgo/mlops/training/internal/classifier/scaling"

// standardization returns each column's mean and population standard
// deviation; see scaling.Fit, shared with the linear SVM. The objective
// applies it row by row.
func standardization(X [][]float64) (mean, scale []float64) { return scaling.Fit(X) }
