package forest

import (
	"math"
	"math/rand/v2"
	"strconv"
	"testing"

	"github.com/mlopsgo/mlops/training/internal/classifier/classifiertest"
	"github.com/mlopsgo/mlops/training/internal/classifier/tree"
	"github.com/mlopsgo/mlops/training/model"
)

// BenchmarkMethods fits the default forest (100 trees, sqrt features,
// bootstrap) by the exact and the hist method on 80% of
// make_classification-like data (20 features, 10 informative, 3 classes)
// with the min_samples_leaf mlops init writes (ceil(rows/500)), and
// reports the held-out accuracy beside the time and the allocations. Run
// with -benchtime=1x for the large sizes.
func BenchmarkMethods(b *testing.B) {
	for _, rows := range []int{2500, 5000, 10000, 20000, 100000} {
		d := classifiertest.Classification(rand.NewPCG(1, uint64(rows)), rows, 20, 10, 3)
		train := rows * 4 / 5
		for _, method := range []string{tree.Exact, tree.Hist} {
			b.Run("rows="+strconv.Itoa(rows)+"/"+method, func(b *testing.B) {
				cfg := DefaultConfig()
				cfg.TreeMethod = method
				cfg.MinSamplesLeaf = int(math.Ceil(float64(train) / 500))
				tr := mustNew(b, cfg)
				b.ReportAllocs()
				var acc float64
				for b.Loop() {
					fit, err := tr.Fit(b.Context(), d.X[:train], d.Y[:train], 3)
					if err != nil {
						b.Fatal(err)
					}
					b.StopTimer()
					acc = heldOut(b, fit.Params, d.X[train:], d.Y[train:])
					b.StartTimer()
				}
				b.ReportMetric(acc, "accuracy")
			})
		}
	}
}

// heldOut returns the accuracy of p on X and y.
func heldOut(b *testing.B, p model.Params, X [][]float64, y []int) float64 {
	b.Helper()
	pred, err := p.Compile(len(X[0]), 3)
	if err != nil {
		b.Fatal(err)
	}
	proba, correct := make([]float64, 3), 0
	for i, x := range X {
		pred.PredictInto(proba, x)
		if model.ArgMax(proba) == y[i] {
			correct++
		}
	}
	return float64(correct) / float64(len(X))
}
