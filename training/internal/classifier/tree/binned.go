package tree

import (
	"math"

	"github.com/mlopsgo/mlops/training/internal/classifier"
	"github.com/mlopsgo/mlops/training/internal/classifier/binning"
)

// Binned is a data set binned once for the hist method: every feature's
// values cut into quantile bins (package binning), stored column-major as
// uint8 when every feature has at most 256 bins, else uint16, with the
// smallest and largest value of every bin. It is read-only once built, so
// any number of fits, at once, may share it: a random forest bins its data
// once for all its trees.
type Binned struct {
	rows, features int
	col8           [][]uint8  // set when every feature's bins fit in uint8
	col16          [][]uint16 // set otherwise
	bins           []int      // number of bins of each feature
	// lo[f][b] and hi[f][b] are the smallest and largest value of feature f
	// in bin b: a threshold between bins is placed between them, in the
	// values' own precision, so that x <= threshold sends every training
	// value the way its bin went.
	lo, hi [][]float64
}

// Bin bins X (one row per observation, finite values) into at most maxBin
// bins per feature (0 means DefaultMaxBin), with up to workers goroutines
// (0 means GOMAXPROCS). X is not modified, nor kept. Bin panics on an
// empty X or a maxBin below 2.
func Bin(X [][]float64, maxBin, workers int) *Binned {
	if len(X) == 0 || len(X[0]) == 0 {
		panic("tree: Bin of an empty data set")
	}
	maxBin = MaxBinSetting(maxBin)
	if maxBin < 2 {
		panic("tree: Bin with maxBin below 2")
	}
	workers = classifier.Workers(workers)
	n, d := len(X), len(X[0])
	// The cuts are computed in float32, XGBoost's precision (rounding is
	// monotone, so bins still follow the order of the float64 values).
	cuts := binning.New(d, maxBin, workers, func(f int) []float32 {
		vals := make([]float32, n)
		for i, row := range X {
			vals[i] = float32(row[f])
		}
		return vals
	})
	value := func(i, f int) float32 { return float32(X[i][f]) }
	b := &Binned{rows: n, features: d, bins: make([]int, d), lo: make([][]float64, d), hi: make([][]float64, d)}
	if binning.IndexFits(cuts, nil) {
		b.col8 = binning.Bin[uint8](cuts, n, workers, value).Col
		binRanges(b, X, b.col8, workers)
	} else {
		b.col16 = binning.Bin[uint16](cuts, n, workers, value).Col
		binRanges(b, X, b.col16, workers)
	}
	return b
}

// binRanges sets the number of bins of every feature and the smallest and
// largest value of every bin.
func binRanges[B binning.Index](b *Binned, X [][]float64, col [][]B, workers int) {
	classifier.Parallel(workers, b.features, func(f int) {
		nb := 0
		for _, bin := range col[f] {
			nb = max(nb, int(bin)+1)
		}
		lo, hi := make([]float64, nb), make([]float64, nb)
		for k := range lo {
			lo[k], hi[k] = math.Inf(1), math.Inf(-1)
		}
		for i, bin := range col[f] {
			v := X[i][f]
			lo[bin] = min(lo[bin], v)
			hi[bin] = max(hi[bin], v)
		}
		b.bins[f], b.lo[f], b.hi[f] = nb, lo, hi
	})
}

// featuresOr returns the number of features of b, or of X when b is nil.
func (b *Binned) featuresOr(X [][]float64) int {
	if b == nil {
		return len(X[0])
	}
	return b.features
}
