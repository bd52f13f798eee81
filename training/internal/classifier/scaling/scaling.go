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
		if math.IsInf(m, 0) {
			// The sum overflowed (values near the float64 limit): average
			// the values divided by n instead, which cannot, at the cost of
			// a rounding that differs from the usual one.
			m = 0
			for _, row := range X {
				m += row[j] / n
			}
		}
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
		if math.IsInf(scale[j], 0) || math.IsNaN(scale[j]) {
			// A deviation or its square overflowed: scale the deviations
			// by the largest one first.
			scale[j] = scaledStd(X, j, m)
		}
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

// scaledStd returns the population standard deviation of column j around
// mean m, computed on deviations divided by the largest one so that neither
// a deviation nor its square overflows (as for values near ±1.8e308).
func scaledStd(X [][]float64, j int, m float64) float64 {
	var big float64
	for _, row := range X {
		big = max(big, math.Abs(row[j]/2-m/2))
	}
	var ss float64
	for _, row := range X {
		dv := (row[j]/2 - m/2) / big
		ss += dv * dv
	}
	return 2 * big * math.Sqrt(ss/float64(len(X)))
}
