package svm

import (
	"math/rand/v2"
	"strconv"
	"testing"

	"github.com/mlopsgo/mlops/training/internal/classifier"
	"github.com/mlopsgo/mlops/training/internal/classifier/classifiertest"
)

// BenchmarkPrimalDual fits the calibrated liblinear model with each
// problem solved in the primal (TRON) and in the dual (coordinate
// descent) on make_classification-like data of 3 classes and 20 features
// (10 informative), standardized, at the defaults (tol 1e-4, 1000
// iterations), and reports the iterations summed over the 9 binary
// problems and whether all converged. Run it with -benchtime=1x: a dual
// fit on 100,000 rows takes minutes.
//
// Seen on the shared 2-core machine under a load of 6 to 9 (two workers):
// 10,000 rows, primal 0.15 s (51 Newton steps, converged) against dual
// 4.1 s (8057 passes, not converged), 28 times faster; 100,000 rows,
// primal 2.9 to 3.6 s (45 steps, converged) against dual 193 s (8889
// passes, not converged), about 60 times faster.
func BenchmarkPrimalDual(b *testing.B) {
	for _, n := range []int{10000, 100000} {
		d := classifiertest.Classification(rand.NewPCG(1, 1), n, 20, 10, 3)
		for _, dual := range []string{DualFalse, DualTrue} {
			b.Run("rows-"+strconv.Itoa(n)+"/dual-"+dual, func(b *testing.B) {
				cfg := liblinearConfig()
				cfg.Standardize, cfg.Dual = true, dual
				tr := mustNew(b, cfg)
				b.ReportAllocs()
				var fit *classifier.Fitted
				for b.Loop() {
					var err error
					if fit, err = tr.Fit(b.Context(), d.X, d.Y, len(d.Classes)); err != nil {
						b.Fatal(err)
					}
				}
				converged := 0.0
				if fit.Converged {
					converged = 1
				}
				b.ReportMetric(float64(fit.Iterations), "iterations")
				b.ReportMetric(converged, "converged")
			})
		}
	}
}
