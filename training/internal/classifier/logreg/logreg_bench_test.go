package logreg

import (
	"math/rand/v2"
	"strconv"
	"testing"

	"github.com/mlopsgo/mlops/training/internal/classifier/classifiertest"
)

func BenchmarkFit(b *testing.B) {
	sets := []struct {
		name string
		data classifiertest.Dataset
	}{
		{"iris", classifiertest.Iris(b)},
	}
	for _, n := range []int{150, 1500, 15000} {
		sets = append(sets, struct {
			name string
			data classifiertest.Dataset
		}{"blobs-" + strconv.Itoa(n), classifiertest.Blobs(rand.NewPCG(1, 1), n, 4, 3)})
	}
	for _, s := range sets {
		for _, std := range []bool{false, true} {
			cfg := DefaultConfig()
			cfg.Standardize = std
			tr, err := New(cfg)
			if err != nil {
				b.Fatal(err)
			}
			b.Run(s.name+"/standardize="+strconv.FormatBool(std), func(b *testing.B) {
				b.ReportAllocs()
				for b.Loop() {
					if _, err := tr.Fit(b.Context(), s.data.X, s.data.Y, len(s.data.Classes)); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}
