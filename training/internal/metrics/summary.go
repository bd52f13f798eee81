package metrics

import "math"

// Summary describes a set of scores, such as one metric over the folds of
// a cross-validation.
type Summary struct {
	// Mean is the arithmetic mean of Values.
	Mean float64 `json:"mean"`
	// Std is the population standard deviation of Values (ddof=0, as
	// numpy's np.std).
	Std float64 `json:"std"`
	// Values are the scores summarised, in the order given.
	Values []float64 `json:"values"`
}

// Summarize returns the mean and population standard deviation of values,
// as scikit-learn users report cross_val_score(...).mean() and .std().
// Values holds a copy of values. For no values it returns a Summary whose
// Mean and Std are 0 and whose Values is empty.
func Summarize(values []float64) Summary {
	s := Summary{Values: append([]float64{}, values...)}
	if len(values) == 0 {
		return s
	}
	n := float64(len(values))
	for _, v := range values {
		s.Mean += v
	}
	s.Mean /= n
	// Two passes, as numpy computes it: the mean first, then the mean
	// squared deviation from it.
	ss := 0.0
	for _, v := range values {
		d := v - s.Mean
		ss += d * d
	}
	s.Std = math.Sqrt(ss / n)
	return s
}
