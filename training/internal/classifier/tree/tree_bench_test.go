package tree

import (
	"math/rand/v2"
	"strconv"
	"testing"

	"github.com/mlopsgo/mlops/training/internal/classifier/classifiertest"
)

func BenchmarkFit(b *testing.B) {
	type set struct {
		name string
		data classifiertest.Dataset
	}
	sets := []set{{"iris", classifiertest.Iris(b)}}
	for _, n := range []int{150, 1500, 15000} {
		sets = append(sets, set{"blobs-" + strconv.Itoa(n), classifiertest.Blobs(rand.NewPCG(1, 1), n, 4, 3)})
	}
	for _, s := range sets {
		b.Run(s.name, func(b *testing.B) {
			tr, err := New(DefaultConfig())
			if err != nil {
				b.Fatal(err)
			}
			b.ReportAllocs()
			for b.Loop() {
				if _, err := tr.Fit(b.Context(), s.data.X, s.data.Y, len(s.data.Classes)); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkFitWeighted measures the random forest's use: bootstrap counts as
// weights, a seeded source and two features per split.
func BenchmarkFitWeighted(b *testing.B) {
	iris := classifiertest.Iris(b)
	rng := rand.New(rand.NewPCG(2, 2))
	weights := make([]float64, len(iris.X))
	for range iris.X {
		weights[rng.IntN(len(weights))]++
	}
	cfg := DefaultConfig()
	cfg.MaxFeatures = 2
	cfg.Src = rand.NewPCG(3, 3)
	tr, err := New(cfg)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := tr.FitWeighted(b.Context(), iris.X, iris.Y, len(iris.Classes), weights); err != nil {
			b.Fatal(err)
		}
	}
}
