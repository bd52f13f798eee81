//go:build !race

// See predict_alloc_test.go for why allocation assertions skip -race.

package model

import "testing"

func TestLinearSVMPredictIntoDoesNotAllocate(t *testing.T) {
	for name, p := range map[string]Params{"multi-class": linearSVMParams(), "binary": binaryLinearSVMParams()} {
		t.Run(name, func(t *testing.T) {
			pred := reloaded(t, sealed(t, "linear_svm", p))
			dst := make([]float64, 3)
			x := []float64{0.3, -1.2}
			if allocs := testing.AllocsPerRun(1000, func() { pred.PredictInto(dst, x) }); allocs != 0 {
				t.Errorf("PredictInto allocates %v times per call, want 0", allocs)
			}
		})
	}
}
