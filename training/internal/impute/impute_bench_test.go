package impute

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/mlopsgo/mlops/training/internal/dataset"
)

// BenchmarkColumnMedian measures one fold's median of one column, the unit
// newImputation repeats per fold and column with missing cells, with 10%
// of the cells missing.
func BenchmarkColumnMedian(b *testing.B) {
	for _, n := range []int{10_000, 100_000, 1_000_000} {
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			rng := rand.New(rand.NewPCG(1, 1))
			X := make([][]float64, n)
			rows := make([]int, n)
			for i := range X {
				v := rng.NormFloat64()
				if rng.IntN(10) == 0 {
					v = math.NaN()
				}
				X[i] = []float64{v}
				rows[i] = i
			}
			// A fold's training rows are in random order.
			rng.Shuffle(n, func(i, j int) { rows[i], rows[j] = rows[j], rows[i] })
			buf := make([]float64, 0, n)
			b.ReportAllocs()
			b.ResetTimer()
			for b.Loop() {
				if _, ok := ColumnMedian(buf, X, rows, 0); !ok {
					b.Fatal("no median")
				}
			}
		})
	}
}

// BenchmarkFill measures filling a subset's rows, 10% of which hold a
// missing value, against a subset without any.
func BenchmarkFill(b *testing.B) {
	const n, nf = 100_000, 20
	for _, missing := range []bool{false, true} {
		b.Run(fmt.Sprintf("missing=%v", missing), func(b *testing.B) {
			rng := rand.New(rand.NewPCG(1, 1))
			d := &dataset.Dataset{Features: make([]string, nf), X: make([][]float64, n), Y: make([]int, n), Missing: make([]int, nf)}
			for i := range d.X {
				d.X[i] = make([]float64, nf)
				if missing && i%10 == 0 {
					j := rng.IntN(nf)
					d.X[i][j] = math.NaN()
					d.Missing[j]++
				}
			}
			idx := make([]int, n)
			for i := range idx {
				idx[i] = i
			}
			cols := Columns(d.Missing)
			med := make([]float64, nf)
			b.ReportAllocs()
			b.ResetTimer()
			for b.Loop() {
				X, _ := d.Subset(idx)
				Fill(X, cols, med)
			}
		})
	}
}
