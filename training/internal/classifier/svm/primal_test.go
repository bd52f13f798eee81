package svm

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/mlopsgo/mlops/training/internal/classifier/classifiertest"
	"github.com/mlopsgo/mlops/training/internal/classifier/scaling"
	"github.com/mlopsgo/mlops/training/model"
)

// TestL2svcFunByHand checks f, ∇f and the Hessian-vector product on two
// augmented rows, x₁ = (1, 1) with y₁ = +1 and x₂ = (2, 1) with y₂ = −1,
// at w = (0.5, 0), C = 1. By hand: the margins are 0.5 and −1, both below
// 1, so f = ½·0.25 + 0.5² + 2² = 4.375; the coefficients C·y·(z − 1) are
// −0.5 and 2, so ∇f = w + 2·(−0.5·x₁ + 2·x₂) = (7.5, 3); and with s = (1,
// 0), X·s = (1, 2), so H·s = s + 2·(1·x₁ + 2·x₂) = (11, 6).
func TestL2svcFunByHand(t *testing.T) {
	a := newAugmented([][]float64{{1}, {2}}, nil, nil)
	o := newL2svcFun(a, []int{0, 1}, []int8{1, -1}, 1)
	w := []float64{0.5, 0}
	g := make([]float64, 2)
	hs := make([]float64, 2)
	f := o.fun(w)
	o.grad(w, g)
	o.hv([]float64{1, 0}, hs)
	tests := []struct {
		name      string
		got, want []float64
	}{
		{"f", []float64{f}, []float64{4.375}},
		{"gradient", g, []float64{7.5, 3}},
		{"Hs", hs, []float64{11, 6}},
	}
	for _, tt := range tests {
		for j := range tt.want {
			if tt.got[j] != tt.want[j] {
				t.Errorf("%s = %v, want %v (by hand)", tt.name, tt.got, tt.want)
				break
			}
		}
	}
}

// TestL2svcFunFiniteDifferences checks the gradient against central
// differences of f, and the Hessian-vector product against central
// differences of the gradient, on standardized Iris at points where no
// margin is within the step of 1 (where f is twice differentiable).
func TestL2svcFunFiniteDifferences(t *testing.T) {
	const (
		h      = 1e-6
		relTol = 1e-6 // central differences of a smooth function: O(h²) plus rounding of f/h
	)
	iris := classifiertest.Iris(t)
	mean, scale := scaling.Fit(iris.X)
	a := newAugmented(iris.X, mean, scale)
	rows := make([]int, len(iris.X))
	y := make([]int8, len(rows))
	for i := range rows {
		rows[i] = i
		y[i] = sign(iris.Y[i] == 1)
	}
	rng := rand.New(rand.NewPCG(4, 4))
	for trial := range 5 {
		o := newL2svcFun(a, rows, y, 0.5)
		w := make([]float64, a.stride)
		s := make([]float64, a.stride)
		for j := range w {
			w[j] = rng.NormFloat64()
			s[j] = rng.NormFloat64()
		}
		g := make([]float64, a.stride)
		o.fun(w)
		o.grad(w, g)
		hs := make([]float64, a.stride)
		o.hv(s, hs)

		step := func(w []float64, e float64, dir []float64) []float64 {
			out := make([]float64, len(w))
			for j := range w {
				out[j] = w[j] + e*dir[j]
			}
			return out
		}
		for j := range w {
			e := make([]float64, len(w))
			e[j] = 1
			fd := (o.fun(step(w, h, e)) - o.fun(step(w, -h, e))) / (2 * h)
			if math.Abs(fd-g[j]) > relTol*max(1, math.Abs(g[j])) {
				t.Errorf("trial %d: ∂f/∂w%d = %v, central difference %v", trial, j, g[j], fd)
			}
		}
		gPlus, gMinus := make([]float64, a.stride), make([]float64, a.stride)
		o.fun(step(w, h, s))
		o.grad(step(w, h, s), gPlus)
		o.fun(step(w, -h, s))
		o.grad(step(w, -h, s), gMinus)
		// hv used the active set of w; it is the same at w ± h·s unless a
		// margin sits within h·|x·s| of 1, which random points avoid.
		for j := range hs {
			fd := (gPlus[j] - gMinus[j]) / (2 * h)
			if math.Abs(fd-hs[j]) > relTol*max(1, math.Abs(hs[j])) {
				t.Errorf("trial %d: (H·s)%d = %v, central difference of ∇f %v", trial, j, hs[j], fd)
			}
		}
	}
}

// TestPrimalMatchesDual solves every one-vs-rest problem of a few data
// sets with both solvers to a tight tolerance: they minimize the same
// strictly convex function, so the weights must agree closely and the
// decision functions give the same signs.
func TestPrimalMatchesDual(t *testing.T) {
	const (
		coefTol = 1e-6 // largest weight difference relative to ‖w‖∞; seen: 1e-7 at most
		signTol = 1e-6 // decision values this close to 0 may take either sign
	)
	iris := classifiertest.Iris(t)
	gen := classifiertest.Classification(rand.NewPCG(2, 2), 600, 20, 10, 3)
	tests := []struct {
		name        string
		d           classifiertest.Dataset
		standardize bool
		c           float64
	}{
		{"iris", iris, false, 1},
		{"iris standardized", iris, true, 1},
		{"iris standardized, C 10", iris, true, 10},
		{"classification standardized", gen, true, 1},
		{"classification, C 0.1", gen, false, 0.1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var mean, scale []float64
			if tt.standardize {
				mean, scale = scaling.Fit(tt.d.X)
			}
			a := newAugmented(tt.d.X, mean, scale)
			rows := make([]int, len(tt.d.X))
			for i := range rows {
				rows[i] = i
			}
			for positive := range len(tt.d.Classes) {
				y := make([]int8, len(rows))
				for i := range rows {
					y[i] = sign(tt.d.Y[i] == positive)
				}
				primal, err := solvePrimal(t.Context(), a, rows, y, tt.c, tronConfig{eps: 1e-12, maxIter: 1000})
				if err != nil {
					t.Fatal(err)
				}
				dual, err := solveDualCD(t.Context(), a, rows, y, tt.c, dualCDConfig{eps: 1e-10, maxIter: 200000}, rand.New(rand.NewPCG(1, 1)))
				if err != nil {
					t.Fatal(err)
				}
				if !primal.converged || !dual.converged {
					t.Fatalf("class %d: primal converged %t after %d Newton steps, dual %t after %d passes", positive, primal.converged, primal.iterations, dual.converged, dual.iterations)
				}
				var worst, scale float64
				for j := range dual.w {
					worst = max(worst, math.Abs(primal.w[j]-dual.w[j]))
					scale = max(scale, math.Abs(dual.w[j]))
				}
				if worst > coefTol*scale {
					t.Errorf("class %d: weights differ by %.3g (‖w‖∞ %.3g), want <= %g relative\nprimal %v\ndual   %v", positive, worst, scale, coefTol, primal.w, dual.w)
				}
				for _, r := range rows {
					p, d := dot(a.row(r), primal.w), dot(a.row(r), dual.w)
					if (p > 0) != (d > 0) && max(math.Abs(p), math.Abs(d)) > signTol {
						t.Errorf("class %d, row %d: primal decision %v, dual %v", positive, r, p, d)
					}
				}
				t.Logf("class %d: weights within %.2g relative; %d Newton steps against %d passes", positive, worst/scale, primal.iterations, dual.iterations)
			}
		})
	}
}

// TestPrimalFitPredictsAsDual fits the whole calibrated model both ways at
// a tight tolerance: the predicted classes must be the same on every row.
func TestPrimalFitPredictsAsDual(t *testing.T) {
	gen := classifiertest.Classification(rand.NewPCG(3, 3), 900, 20, 10, 3)
	fit := func(dual string) model.Predictor {
		cfg := liblinearConfig()
		cfg.Standardize = true
		cfg.Dual = dual
		cfg.LinearTol, cfg.LinearMaxIter = 1e-10, 200000
		f, err := mustNew(t, cfg).Fit(t.Context(), gen.X, gen.Y, 3)
		if err != nil {
			t.Fatal(err)
		}
		if !f.Converged {
			t.Fatalf("dual %s: not converged after %d iterations", dual, f.Iterations)
		}
		p, err := f.Params.Compile(20, 3)
		if err != nil {
			t.Fatal(err)
		}
		return p
	}
	primal, dual := fit(DualFalse), fit(DualTrue)
	pp, pd := make([]float64, 3), make([]float64, 3)
	for i, x := range gen.X {
		primal.PredictInto(pp, x)
		dual.PredictInto(pd, x)
		if model.ArgMax(pp) != model.ArgMax(pd) {
			t.Errorf("row %d: primal predicts %d %v, dual %d %v", i, model.ArgMax(pp), pp, model.ArgMax(pd), pd)
		}
	}
}
