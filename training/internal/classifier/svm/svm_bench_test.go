package svm

import (
	"math/rand/v2"
	"strconv"
	"testing"

	"github.com/mlopsgo/mlops/training/internal/classifier/classifiertest"
)

// BenchmarkFit fits the linear SVM params.yaml configures and scikit-learn's
// default RBF SVM, probabilities included, on Iris and on larger Gaussian
// blobs.
func BenchmarkFit(b *testing.B) {
	type set struct {
		name string
		data classifiertest.Dataset
	}
	sets := []set{{"iris", classifiertest.Iris(b)}}
	for _, n := range []int{150, 1500} {
		sets = append(sets, set{"blobs-" + strconv.Itoa(n), classifiertest.Blobs(rand.NewPCG(1, 1), n, 4, 3)})
	}
	for _, s := range sets {
		for _, kernel := range []string{Linear, RBF} {
			b.Run(s.name+"/"+kernel, func(b *testing.B) {
				cfg := DefaultConfig()
				cfg.Kernel = kernel
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

// BenchmarkPredictInto measures single-row prediction, probabilities
// included, with SVMs fitted on Iris.
func BenchmarkPredictInto(b *testing.B) {
	iris := classifiertest.Iris(b)
	for _, kernel := range []string{Linear, RBF} {
		b.Run(kernel, func(b *testing.B) {
			cfg := DefaultConfig()
			cfg.Kernel = kernel
			fit, err := mustNew(b, cfg).Fit(b.Context(), iris.X, iris.Y, len(iris.Classes))
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
		})
	}
}
