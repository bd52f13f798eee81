package logreg

import (
	"math"
	"math/rand/v2"
	"slices"
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
	onTheFly := newObjective(d.X, d.Y, classes, 0.5, true, mean, scale, 1)
	copied := newObjective(scaling.Apply(d.X, mean, scale), d.Y, classes, 0.5, true, nil, nil, 1)
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

// TestObjectiveWorkers requires the objective over several blocks of rows to
// be the same to the last bit for any number of goroutines (the blocks'
// sums are added in block order), and the same to rounding as one sum over
// all the rows.
func TestObjectiveWorkers(t *testing.T) {
	const rows = 3*blockRows + 123
	d := classifiertest.Blobs(rand.NewPCG(3, 4), rows, 5, 3)
	mean, scale := scaling.Fit(d.X)
	w := make([]float64, 3*5+3)
	for i := range w {
		w[i] = math.Cos(float64(i))
	}
	one := newObjective(d.X, d.Y, 3, 2, true, mean, scale, 1)
	wantF := one.Func(w)
	wantG := make([]float64, len(w))
	one.Grad(wantG, w)
	for _, workers := range []int{2, 3, 4, 16} {
		o := newObjective(d.X, d.Y, 3, 2, true, mean, scale, workers)
		g := make([]float64, len(w))
		o.Grad(g, w)
		if f := o.Func(w); f != wantF || !slices.Equal(g, wantG) {
			t.Errorf("%d workers: value %v and gradient %v, with 1 worker %v and %v", workers, f, g, wantF, wantG)
		}
	}
	// One block spanning every row: the plain sum over the rows.
	whole := newObjective(d.X, d.Y, 3, 2, true, mean, scale, 1)
	whole.blockF = whole.blockF[:1]
	whole.blockGrad = whole.blockGrad[:1]
	s := &whole.scratch[0]
	g := make([]float64, len(w))
	f := whole.sum(g, s, w, 0, rows)
	var sq float64
	for j, v := range w[:15] {
		sq += v * v
		g[j] += v / 2
	}
	f += sq / 4
	if math.Abs(f-wantF) > 1e-12*math.Abs(f) {
		t.Errorf("value by blocks %v, by one sum %v", wantF, f)
	}
	for j := range g {
		if math.Abs(g[j]-wantG[j]) > 1e-10*(1+math.Abs(g[j])) {
			t.Errorf("gradient[%d] by blocks %v, by one sum %v", j, wantG[j], g[j])
		}
	}
}

// TestFitWorkersBitIdentical fits data of several blocks with 1 and with 3
// workers: the coefficients must be the same to the last bit.
func TestFitWorkersBitIdentical(t *testing.T) {
	d := classifiertest.Blobs(rand.NewPCG(7, 8), 2*blockRows+500, 6, 3)
	fit := func(workers int) []float64 {
		cfg := DefaultConfig()
		cfg.Standardize = true
		cfg.Workers = workers
		res, err := mustNew(t, cfg).Fit(t.Context(), d.X, d.Y, 3)
		if err != nil {
			t.Fatalf("Fit with %d workers: %v", workers, err)
		}
		lin := res.Params.Linear
		return append(slices.Concat(lin.Coef...), lin.Intercept...)
	}
	if one, three := fit(1), fit(3); !slices.Equal(one, three) {
		t.Errorf("coefficients with 1 worker %v, with 3 workers %v", one, three)
	}
}
