package binning

import (
	"slices"
	"sort"

	"github.com/mlopsgo/mlops/training/internal/classifier"
)

// Cuts holds every feature's bin boundaries, as XGBoost's HistogramCuts:
// bin b of feature f holds the values v with Upper[f][b-1] <= v <
// Upper[f][b] (the first bin everything below Upper[f][0]); the last upper
// bound lies above the feature's largest value, so every value has a bin.
// A split "left below bin s" is the threshold Lower(f, s): values below it
// are exactly those of bins < s.
type Cuts struct {
	Upper [][]float32
	Min   []float32 // below every value of the feature: the threshold of s = 0
}

// Bins returns the number of bins of feature f; index Bins(f) is free for
// a caller to stand for a missing value.
func (c *Cuts) Bins(f int) int { return len(c.Upper[f]) }

// Lower returns the threshold that sends bins < s left.
func (c *Cuts) Lower(f, s int) float32 {
	if s == 0 {
		return c.Min[f]
	}
	return c.Upper[f][s-1]
}

// Bin returns the bin of value v of feature f (v not NaN): the first whose
// upper bound is above v, as XGBoost's SearchBin (upper_bound).
func (c *Cuts) Bin(f int, v float32) int {
	u := c.Upper[f]
	return sort.Search(len(u)-1, func(i int) bool { return u[i] > v })
}

// New computes the cuts of features features, up to maxBin bins each, with
// QuantileCuts, in parallel over features on up to workers goroutines.
// column(f) returns feature f's non-missing values, in any order, in a slice
// of its own that New sorts; it is called once per feature, from several
// goroutines at once.
func New(features, maxBin, workers int, column func(f int) []float32) Cuts {
	c := Cuts{Upper: make([][]float32, features), Min: make([]float32, features)}
	classifier.Parallel(workers, features, func(f int) {
		vals := column(f)
		slices.Sort(vals)
		c.Upper[f], c.Min[f] = QuantileCuts(vals, maxBin)
	})
	return c
}
