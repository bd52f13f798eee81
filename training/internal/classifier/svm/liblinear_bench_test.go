package svm

import (
	"math/rand/v2"
	"strconv"
	"testing"

	"github.com/mlopsgo/mlops/training/internal/classifier/classifiertest"
)

// BenchmarkSolvers fits the linear kernel with both solvers, probabilities
// included, on Gaussian blobs of 3 classes, sweeping rows and features: the
// figures behind LiblinearMinRows.
func BenchmarkSolvers(b *testing.B) {
	for _, features := range []int{4, 20} {
		for _, n := range []int{500, 2000, 5000} {
			d := classifiertest.Blobs(rand.NewPCG(1, 1), n, features, 3)
			for _, solver := range []string{SolverLibsvm, SolverLiblinear} {
				b.Run("features-"+strconv.Itoa(features)+"/rows-"+strconv.Itoa(n)+"/"+solver, func(b *testing.B) {
					cfg := linearConfig()
					cfg.Solver = solver
					tr := mustNew(b, cfg)
					b.ReportAllocs()
					for b.Loop() {
						if _, err := tr.Fit(b.Context(), d.X, d.Y, len(d.Classes)); err != nil {
							b.Fatal(err)
						}
					}
				})
			}
		}
	}
}
