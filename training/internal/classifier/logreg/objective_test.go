package logreg

import (
	"math"
	"testing"

	"github.com/mlopsgo/mlops/training/internal/classifier/classifiertest"
	"github.com/mlopsgo/mlops/training/internal/classifier/scaling"
)

// TestObjectiveStandardizesRowsAsTheCopyDid requires the objective that
// standardizes as it reads the data to give the value and gradient of the
// objective over a standardized copy of the data, which it replaced to save
// the copy's memory, to rounding: it multiplies by the reciprocal of the
// scale where the copy divided.
func TestObjectiveStandardizesRowsAsTheCopyDid(t *testing.T) {
	d := classifiertest.Iris(t)
	mean, scale := scaling.Fit(d.X)
	classes := len(d.Classes)
	onTheFly := newObjective(d.X, d.Y, classes, 0.5, true, mean, scale)
	copied := newObjective(scaling.Apply(d.X, mean, scale), d.Y, classes, 0.5, true, nil, nil)
	w := make([]float64, onTheFly.dim())
	for i := range w {
		w[i] = math.Sin(float64(i)) // any point away from 0
	}
	const rel = 1e-12
	if a, b := onTheFly.Func(w), copied.Func(w); math.Abs(a-b) > rel*math.Abs(b) {
		t.Errorf("value %v, over a standardized copy %v", a, b)
	}
	ga, gb := make([]float64, len(w)), make([]float64, len(w))
	onTheFly.Grad(ga, w)
	copied.Grad(gb, w)
	var norm float64
	for _, v := range gb {
		norm = max(norm, math.Abs(v))
	}
	for i := range ga {
		if math.Abs(ga[i]-gb[i]) > rel*norm {
			t.Errorf("gradient[%d] %v, over a standardized copy %v", i, ga[i], gb[i])
		}
	}
}
