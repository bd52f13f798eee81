package binning

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"
)

// TestQuantileCuts checks the cut rule on small columns, worked out by hand
// from XGBoost 1.7's AddCutPoint: with few distinct values every value but
// the smallest is an upper bound, followed by max + |max| + 1e-5; the
// minimum threshold is min − (|min| + 1e-5).
func TestQuantileCuts(t *testing.T) {
	// XGBoost computes the bounds in float32, as these do.
	var eps float32 = 1e-5
	tests := []struct {
		name      string
		vals      []float32
		maxBin    int
		wantUpper []float32
		wantMin   float32
	}{
		{"distinct", []float32{1, 2, 3}, 256, []float32{2, 3, 3 + (3 + eps)}, 1 - (1 + eps)},
		{"repeated", []float32{-2, -2, 0, 0, 0, 5}, 256, []float32{0, 5, 5 + (5 + eps)}, -2 - (2 + eps)},
		{"constant", []float32{4, 4, 4}, 256, []float32{4 + (4 + eps)}, 4 - (4 + eps)},
		{"empty", nil, 256, []float32{eps}, -eps},
		// Five distinct values, three bins: the summary is pruned to 4
		// entries, {0, 2, 3, 4} by rank; cuts from the second, at most
		// maxBin−1 of them, then the sentinel above 4.
		{"pruned", []float32{0, 1, 2, 3, 4}, 3, []float32{2, 3, 4 + (4 + eps)}, -eps},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			upper, minVal := QuantileCuts(tt.vals, tt.maxBin)
			if !slices.Equal(upper, tt.wantUpper) || minVal != tt.wantMin {
				t.Errorf("QuantileCuts(%v, %d) = %v, %v; want %v, %v", tt.vals, tt.maxBin, upper, minVal, tt.wantUpper, tt.wantMin)
			}
		})
	}
}

// TestQuantileCutsMany checks, on columns of many distinct values, that
// there are at most maxBin bins, increasing, holding every value, and
// roughly equal numbers of rows (quantiles).
func TestQuantileCutsMany(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 3))
	for _, maxBin := range []int{2, 16, 256, 1000} {
		vals := make([]float32, 20000)
		for i := range vals {
			vals[i] = float32(rng.NormFloat64())
		}
		slices.Sort(vals)
		upper, minVal := QuantileCuts(vals, maxBin)
		if len(upper) > maxBin || len(upper) < min(maxBin, 2) {
			t.Fatalf("maxBin %d: %d bins", maxBin, len(upper))
		}
		if !(minVal < vals[0]) || !(upper[len(upper)-1] > vals[len(vals)-1]) {
			t.Fatalf("maxBin %d: bounds [%v, %v] do not enclose [%v, %v]", maxBin, minVal, upper[len(upper)-1], vals[0], vals[len(vals)-1])
		}
		for i := 1; i < len(upper); i++ {
			if !(upper[i] > upper[i-1]) {
				t.Fatalf("maxBin %d: upper bounds not increasing at %d: %v, %v", maxBin, i, upper[i-1], upper[i])
			}
		}
		c := Cuts{Upper: [][]float32{upper}, Min: []float32{minVal}}
		counts := make([]int, len(upper))
		for _, v := range vals {
			counts[c.Bin(0, v)]++
		}
		// Equal-rank bins hold len/bins rows each; allow for the ranks
		// the pruning rounds to.
		want := float64(len(vals)) / float64(len(upper))
		for b, n := range counts {
			if math.Abs(float64(n)-want) > 0.5*want+2 {
				t.Errorf("maxBin %d: bin %d holds %d rows, want about %.0f", maxBin, b, n, want)
			}
		}
	}
}

// TestBinMatchesThreshold checks that a value's bin is below s exactly when
// the value is below the split threshold lower(f, s): prediction with
// thresholds routes rows as training did with bins.
func TestBinMatchesThreshold(t *testing.T) {
	vals := []float32{-3, -1, -1, 0, 0.5, 2, 2, 7}
	upper, minVal := QuantileCuts(vals, 4)
	c := Cuts{Upper: [][]float32{upper}, Min: []float32{minVal}}
	// Probes stay within the training range, where bins are defined.
	probe := append(slices.Clone(vals), -2.5, -2, 1, 6.9, math.Nextafter32(2, 3), math.Nextafter32(2, 0))
	for s := 0; s <= c.Bins(0); s++ {
		thr := c.Lower(0, s)
		for _, v := range probe {
			if (c.Bin(0, v) < s) != (v < thr) {
				t.Errorf("split s=%d (threshold %v): value %v in bin %d", s, thr, v, c.Bin(0, v))
			}
		}
	}
}
