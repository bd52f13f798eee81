package tree

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"
)

func TestSortEntries(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	inputs := map[string]func(n int) []float64{
		"random": func(n int) []float64 {
			v := make([]float64, n)
			for i := range v {
				v[i] = rng.NormFloat64()
			}
			return v
		},
		"few distinct": func(n int) []float64 {
			v := make([]float64, n)
			for i := range v {
				v[i] = float64(rng.IntN(3))
			}
			return v
		},
		"equal": func(n int) []float64 { return make([]float64, n) },
		"ascending": func(n int) []float64 {
			v := make([]float64, n)
			for i := range v {
				v[i] = float64(i)
			}
			return v
		},
		"descending": func(n int) []float64 {
			v := make([]float64, n)
			for i := range v {
				v[i] = float64(n - i)
			}
			return v
		},
		"signed zeros and infinities": func(n int) []float64 {
			pool := []float64{0, math.Copysign(0, -1), 1, -1, math.Inf(1), math.Inf(-1)}
			v := make([]float64, n)
			for i := range v {
				v[i] = pool[rng.IntN(len(pool))]
			}
			return v
		},
	}
	sorts := map[string]func([]entry){
		"introsort": sortEntries,
		"heapsort":  func(s []entry) { quickSortEntries(s, 0) },
	}
	for name, values := range inputs {
		for sortName, sortFn := range sorts {
			for _, n := range []int{0, 1, 2, 3, 11, 12, 13, 50, 257, 1000} {
				v := values(n)
				s := make([]entry, n)
				for i, x := range v {
					s[i] = entry{value: x, row: i}
				}
				sortFn(s)
				want := slices.Clone(v)
				slices.Sort(want)
				rows := make([]bool, n)
				for i, e := range s {
					if e.value != want[i] {
						t.Fatalf("%s, %s, n=%d: position %d holds %v, want %v", name, sortName, n, i, e.value, want[i])
					}
					if e.value != v[e.row] || rows[e.row] {
						t.Fatalf("%s, %s, n=%d: entry %+v is not one of the input's, once", name, sortName, n, e)
					}
					rows[e.row] = true
				}
			}
		}
	}
}
