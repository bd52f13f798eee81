package tree

import (
	"math"
	"math/rand/v2"
	"testing"
)

// TestEntropyIntegralIsEntropy checks the table against the logarithms bit
// for bit, on both sides of tableTotal: a split chosen from one must be
// the split chosen from the other.
func TestEntropyIntegralIsEntropy(t *testing.T) {
	fast := criterion(Entropy, true)
	rng := rand.New(rand.NewPCG(1, 2))
	for total := 0; total <= tableTotal+50; total++ {
		for _, classes := range []int{1, 2, 3, 10} {
			counts := make([]float64, classes)
			for range 20 {
				clear(counts)
				for range total {
					counts[rng.IntN(classes)]++
				}
				got, want := fast(counts, float64(total)), entropy(counts, float64(total))
				if math.Float64bits(got) != math.Float64bits(want) {
					t.Fatalf("counts %v: table gives %v, logarithms %v", counts, got, want)
				}
			}
		}
	}
}

func TestIntegral(t *testing.T) {
	for name, tc := range map[string]struct {
		weights []float64
		want    bool
	}{
		"nil (unit weights)": {nil, true},
		"bootstrap counts":   {[]float64{0, 1, 3, 2}, true},
		"fractional":         {[]float64{1, 0.5}, false},
	} {
		if got := integral(tc.weights); got != tc.want {
			t.Errorf("%s: integral(%v) = %v, want %v", name, tc.weights, got, tc.want)
		}
	}
}
