package impute

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"
)

// sortedMedian is the reference: numpy.median's definition, by sorting.
func sortedMedian(v []float64) float64 {
	s := slices.Sorted(slices.Values(v))
	n := len(s)
	if n%2 == 1 {
		return s[n/2]
	}
	return (s[n/2-1] + s[n/2]) / 2
}

func TestMedian(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 1))
	random := func(n, distinct int) []float64 {
		v := make([]float64, n)
		for i := range v {
			v[i] = float64(rng.IntN(distinct)) / 4
		}
		return v
	}
	// seq returns n values of f(i): sorted, reversed and organ-pipe orders
	// are where naive pivots go quadratic.
	seq := func(n int, f func(i int) float64) []float64 {
		v := make([]float64, n)
		for i := range v {
			v[i] = f(i)
		}
		return v
	}
	tests := []struct {
		name string
		v    []float64
		want float64 // by hand; NaN: compare with sortedMedian
	}{
		{"one", []float64{4.2}, 4.2},
		{"odd", []float64{3, 1, 2}, 2},
		{"even: the mean of the middle two", []float64{4, 1, 3, 2}, 2.5},
		{"equal values", []float64{5, 5, 5, 5}, 5},
		{"negative and zero", []float64{-1, 0, -3, 7, -0.5}, -0.5},
		{"huge values do not overflow", []float64{math.MaxFloat64, math.MaxFloat64}, math.MaxFloat64},
		{"random, many ties", random(1001, 5), math.NaN()},
		{"random, even", random(10000, 1000), math.NaN()},
		{"ascending", seq(4096, func(i int) float64 { return float64(i) }), math.NaN()},
		{"descending", seq(4097, func(i int) float64 { return float64(-i) }), math.NaN()},
		{"organ pipe", seq(5000, func(i int) float64 { return float64(min(i, 4999-i)) }), math.NaN()},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			want := tt.want
			if math.IsNaN(want) {
				want = sortedMedian(tt.v)
			}
			if got := Median(slices.Clone(tt.v)); got != want {
				t.Errorf("median = %v, want %v", got, want)
			}
		})
	}
}

func TestColumns(t *testing.T) {
	if got := Columns([]int{0, 3, 0, 1}); !slices.Equal(got, []int{1, 3}) {
		t.Errorf("Columns = %v, want [1 3]", got)
	}
}

func TestFill(t *testing.T) {
	nan := math.NaN()
	shared := []float64{1, 2, 3}
	withNaN := []float64{nan, 5, nan}
	X := [][]float64{shared, withNaN, {7, nan, 9}}
	med := []float64{10, 20, 30}
	// Only the given columns are filled: column 1's blank stays.
	Fill(X, []int{0, 2}, med)
	want := [][]float64{{1, 2, 3}, {10, 5, 30}, {7, nan, 9}}
	for i := range want {
		for j := range want[i] {
			if g, w := X[i][j], want[i][j]; g != w && !(math.IsNaN(g) && math.IsNaN(w)) {
				t.Errorf("X[%d][%d] = %v, want %v", i, j, g, w)
			}
		}
	}
	if &X[0][0] != &shared[0] {
		t.Error("a row without missing values was copied")
	}
	if !math.IsNaN(withNaN[0]) || !math.IsNaN(withNaN[2]) {
		t.Error("Fill wrote into the data set's row instead of a copy")
	}
	Fill(X, nil, med) // no columns with blanks: nothing to do
}

func TestMedians(t *testing.T) {
	nan := math.NaN()
	X := [][]float64{{1, nan, 5}, {3, nan, nan}, {100, 7, 9}}
	med, blank := Medians(nil, X, []int{0, 1}, []int{0, 2}, 3)
	if blank != -1 || !slices.Equal(med, []float64{2, 0, 5}) {
		t.Errorf("Medians over rows 0-1 = %v, %d; want [2 0 5], -1", med, blank)
	}
	if med, blank := Medians(nil, X, []int{0, 1}, []int{0, 1, 2}, 3); med != nil || blank != 1 {
		t.Errorf("column 1 blank in rows 0-1: %v, %d; want nil, 1", med, blank)
	}
}

func TestColumnMedian(t *testing.T) {
	nan := math.NaN()
	X := [][]float64{{1, nan}, {nan, nan}, {3, nan}, {100, nan}}
	if m, ok := ColumnMedian(nil, X, []int{0, 1, 2}, 0); !ok || m != 2 {
		t.Errorf("median over rows 0-2, blanks ignored = %v, %v; want 2, true", m, ok)
	}
	if _, ok := ColumnMedian(nil, X, []int{0, 1, 2, 3}, 1); ok {
		t.Error("an all-blank column has a median")
	}
}
