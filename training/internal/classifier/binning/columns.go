package binning

import "github.com/mlopsgo/mlops/training/internal/classifier"

// Index is the storage type of bin indices.
type Index interface{ ~uint8 | ~uint16 }

// Columns is a data set binned once per fit, column-major: Col[f][i] is the
// bin of row i's value of feature f, or Cuts.Bins(f) when it is missing.
// It is read-only once built, so any number of fits may share it.
type Columns[B Index] struct {
	Cuts Cuts
	Col  [][]B
}

// Bin bins rows values of every feature of c, column-major, in parallel
// over features on up to workers goroutines. value(i, f) returns row i's
// value of feature f, NaN when it is missing; it is called from several
// goroutines at once. B must hold Cuts.Bins(f), and Bins(f)+1 where a
// feature has missing values: see IndexFits.
func Bin[B Index](c Cuts, rows, workers int, value func(i, f int) float32) *Columns[B] {
	features := len(c.Upper)
	b := &Columns[B]{Cuts: c, Col: make([][]B, features)}
	all := make([]B, rows*features)
	classifier.Parallel(workers, features, func(f int) {
		col := all[f*rows : (f+1)*rows : (f+1)*rows]
		missing := B(c.Bins(f))
		for i := range col {
			if v := value(i, f); v != v {
				col[i] = missing
			} else {
				col[i] = B(c.Bin(f, v))
			}
		}
		b.Col[f] = col
	})
	return b
}

// IndexFits reports whether bin indices of c fit in uint8: every feature's
// bins, plus one index for missing values where missing[f] (missing may be
// nil: no missing values), in 256 values.
func IndexFits(c Cuts, missing []bool) bool {
	for f := range c.Upper {
		n := c.Bins(f)
		if missing != nil && missing[f] {
			n++
		}
		if n > 1<<8 {
			return false
		}
	}
	return true
}
