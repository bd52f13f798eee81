package tree

import (
	"math"
	"math/rand/v2"
	"strconv"
	"testing"

	"github.com/mlopsgo/mlops/training/internal/classifier/classifiertest"
)

// BenchmarkMethods fits the exact and the hist tree on 80% of
// make_classification-like data (20 features, 10 informative, 3 classes)
// with the min_samples_leaf mlops init writes (ceil(rows/500)), and
// reports the held-out accuracy beside the time: where the two agree and
// hist is faster is where Auto switches (AutoHistRows). Run with
// -benchtime=1x for the large sizes.
func BenchmarkMethods(b *testing.B) {
	for _, rows := range []int{2500, 5000, 10000, 20000, 100000} {
		d := classifiertest.Classification(rand.NewPCG(1, uint64(rows)), rows, 20, 10, 3)
		train := rows * 4 / 5
		for _, method := range []string{Exact, Hist} {
			b.Run("rows="+strconv.Itoa(rows)+"/"+method, func(b *testing.B) {
				cfg := DefaultConfig()
				cfg.TreeMethod = method
				cfg.MinSamplesLeaf = int(math.Ceil(float64(train) / 500))
				tr, err := New(cfg)
				if err != nil {
					b.Fatal(err)
				}
				b.ReportAllocs()
				var acc float64
				for b.Loop() {
					fit, err := tr.Fit(b.Context(), d.X[:train], d.Y[:train], 3)
					if err != nil {
						b.Fatal(err)
					}
					b.StopTimer()
					acc = accuracy(b, fit.Params.Tree, d.X[train:], d.Y[train:], 3)
					b.StartTimer()
				}
				b.ReportMetric(acc, "accuracy")
			})
		}
	}
}
