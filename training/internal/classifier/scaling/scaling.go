// Package scaling standardizes features to zero mean and unit population
// standard deviation, as scikit-learn's StandardScaler does, for the
// classifiers whose Config has a Standardize option. The fitted mean and
// scale travel in the model bundle, which applies the same transform at
// prediction time.
package scaling

import "math"

// Fit returns each column's mean and population standard deviation of X
// (one row per observation); a constant column gets scale 1 so that it maps
// to zero instead of dividing by zero (as StandardScaler does). X must have
// at least one row.
func Fit(X [][]float64) (mean, scale []float64) {
	d := len(X[0])
	n := float64(len(X))
	mean = make([]float64, d)
	scale = make([]float64, d)
	for j := range d {
		var sum float64
		constant := true
		for _, row := range X {
			sum += row[j]
			constant = constant && row[j] == X[0][j]
		}
		m := sum / n
		mean[j] = m
		if constant {
			// Rounding in the mean would otherwise leave a tiny positive
			// deviation and a huge 1/scale.
			scale[j] = 1
			continue
		}
		var ss float64
		for _, row := range X {
			dv := row[j] - m
			ss += dv * dv
		}
		scale[j] = math.Sqrt(ss / n)
	}
	return mean, scale
}

// Apply returns a copy of X with every column transformed to
// (x−mean)/scale, the transform model.Linear and model.LinearSVM apply at
// prediction time. X is not modified.
func Apply(X [][]float64, mean, scale []float64) [][]float64 {
	d := len(mean)
	flat := make([]float64, len(X)*d)
	out := make([][]float64, len(X))
	for i, row := range X {
		r := flat[i*d : (i+1)*d : (i+1)*d]
		for j, v := range row {
			r[j] = (v - mean[j]) / scale[j]
		}
		out[i] = r
	}
	return out
}
