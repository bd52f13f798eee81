package forest

import (
	"math/rand/v2"
	"strconv"
	"testing"

	"github.com/mlopsgo/mlops/training/internal/classifier/classifiertest"
)

// BenchmarkFit fits the default forest (100 trees) on Iris and on larger
// Gaussian blobs, with the default number of workers and with one.
func BenchmarkFit(b *testing.B) {
	type set struct {
		name string
		data classifiertest.Dataset
	}
	sets := []set{{"iris", classifiertest.Iris(b)}}
	for _, n := range []int{1500, 15000} {
		sets = append(sets, set{"blobs-" + strconv.Itoa(n), classifiertest.Blobs(rand.NewPCG(1, 1), n, 4, 3)})
	}
	for _, s := range sets {
		for _, workers := range []int{0, 1} {
			b.Run(s.name+"/workers="+strconv.Itoa(workers), func(b *testing.B) {
				cfg := DefaultConfig()
				cfg.Workers = workers
				tr := mustNew(b, cfg)
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

// BenchmarkPredictInto measures single-row prediction with the default
// forest fitted on Iris.
func BenchmarkPredictInto(b *testing.B) {
	iris := classifiertest.Iris(b)
	fit, err := mustNew(b, DefaultConfig()).Fit(b.Context(), iris.X, iris.Y, len(iris.Classes))
	if err != nil {
		b.Fatal(err)
	}
	pred, err := fit.Params.Compile(len(iris.Features), len(iris.Classes))
	if err != nil {
		b.Fatal(err)
	}
	dst := make([]float64, len(iris.Classes))
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		pred.PredictInto(dst, iris.X[i%len(iris.X)])
		i++
	}
}
