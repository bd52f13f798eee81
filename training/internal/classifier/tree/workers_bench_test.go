package tree

import (
	"math/rand/v2"
	"strconv"
	"testing"

	"github.com/mlopsgo/mlops/training/internal/classifier/classifiertest"
)

// BenchmarkFitWorkers fits one tree on 100,000 noisy rows of 20 features
// with 1 and 2 workers scanning each large node's features.
func BenchmarkFitWorkers(b *testing.B) {
	d := classifiertest.Blobs(rand.NewPCG(3, 4), 100_000, 20, 3)
	noise := rand.New(rand.NewPCG(5, 6))
	for _, row := range d.X {
		for j := range row {
			row[j] += 2 * noise.NormFloat64()
		}
	}
	for _, workers := range []int{1, 2} {
		b.Run("workers-"+strconv.Itoa(workers), func(b *testing.B) {
			cfg := DefaultConfig()
			cfg.Workers, cfg.Src = workers, rand.NewPCG(7, 8)
			tr, err := New(cfg)
			if err != nil {
				b.Fatal(err)
			}
			for b.Loop() {
				if _, err := tr.Fit(b.Context(), d.X, d.Y, len(d.Classes)); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
