package svm

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/mlopsgo/mlops/training/internal/classifier/classifiertest"
)

// scaledIrisProblem is the binary problem of Iris's classes pos (+1) and
// neg (−1) with the linear kernel, each feature multiplied by its scale:
// features of very different scales make SMO's problem badly conditioned.
func scaledIrisProblem(t *testing.T, scale []float64, pos, neg int, c float64) problem {
	t.Helper()
	iris := classifiertest.Iris(t)
	X := make([][]float64, len(iris.X))
	for i, row := range iris.X {
		X[i] = make([]float64, len(row))
		for j, v := range row {
			X[i][j] = v * scale[j]
		}
	}
	pr := problem{k: newKernel(X, false, 0), cp: c, cn: c}
	for i, label := range iris.Y {
		switch label {
		case pos:
			pr.rows, pr.y = append(pr.rows, i), append(pr.y, +1)
		case neg:
			pr.rows, pr.y = append(pr.rows, i), append(pr.y, -1)
		}
	}
	return pr
}

// smoViolation is SMO's measure of optimality of sol on pr, computed from
// scratch with SMO's float32-rounded Q.
func smoViolation(pr problem, sol solution) float64 {
	l := len(pr.rows)
	alpha := make([]float64, l)
	c := make([]float64, l)
	for i := range l {
		alpha[i] = sol.coef[i] * float64(pr.y[i])
		c[i] = pr.cp
		if pr.y[i] < 0 {
			c[i] = pr.cn
		}
	}
	qa := make([]float64, l)
	for i := range l {
		for j := range l {
			q := float32(float64(pr.y[i]*pr.y[j]) * pr.k.eval(pr.rows[i], pr.rows[j]))
			qa[i] += float64(q) * alpha[j]
		}
	}
	return violation(alpha, qa, pr.y, c)
}

// TestSlowProblemsJumpToOptimum checks problems on which SMO alone needs
// far more than smoBudget iterations: the solver must return a solution
// that meets SMO's stopping rule, with an objective no worse than SMO's,
// in a fraction of SMO's iterations.
func TestSlowProblemsJumpToOptimum(t *testing.T) {
	tests := []struct {
		name     string
		scale    []float64
		pos, neg int
		c        float64
	}{
		{name: "separable, low-rank", scale: []float64{300, 3, 1, 1}, pos: 0, neg: 1, c: 1},
		{name: "overlapping, low-rank", scale: []float64{100, 1, 10, 1}, pos: 1, neg: 2, c: 1},
		{name: "overlapping, dense", scale: []float64{300, 3, 1, 1}, pos: 1, neg: 2, c: 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			pr := scaledIrisProblem(t, tt.scale, tt.pos, tt.neg, tt.c)
			cfg := solverConfig{eps: 1e-3, shrinking: true, cacheSize: DefaultCacheSize}
			smoCfg := cfg
			smoCfg.smoOnly = true
			smo, err := solve(t.Context(), pr, smoCfg)
			if err != nil {
				t.Fatal(err)
			}
			got, err := solve(t.Context(), pr, cfg)
			if err != nil {
				t.Fatal(err)
			}
			l := len(pr.rows)
			if smo.iterations < 10*smoBudget(l) {
				t.Fatalf("SMO alone took %d iterations, not a slow problem (budget %d)", smo.iterations, smoBudget(l))
			}
			if got.iterations > denseBudget(l)+100 {
				t.Errorf("%d iterations, SMO alone %d: no jump", got.iterations, smo.iterations)
			}
			if v := smoViolation(pr, got); !(v < cfg.eps) {
				t.Errorf("maximal violation %g, want below eps %g", v, cfg.eps)
			}
			if got.obj > smo.obj+1e-9*math.Abs(smo.obj) {
				t.Errorf("objective %.12g, SMO's %.12g", got.obj, smo.obj)
			}
			var yAlpha float64
			for _, c := range got.coef {
				yAlpha += c // Σ y_i α_i
			}
			if math.Abs(yAlpha) > 1e-9 {
				t.Errorf("yᵀα = %g, want 0", yAlpha)
			}
			t.Logf("%d iterations (SMO alone %d), objective %.9g (%.9g)", got.iterations, smo.iterations, got.obj, smo.obj)
		})
	}
}

// TestIndefiniteQKeepsSMO checks a problem whose features are so far apart
// in scale that rounding Q to float32 makes SMO's problem a different,
// non-convex one: no jump meets SMO's stopping rule there, and the result
// must be SMO's own, bit for bit.
func TestIndefiniteQKeepsSMO(t *testing.T) {
	pr := scaledIrisProblem(t, []float64{1000, 1, 1, 1}, 0, 1, 1)
	cfg := solverConfig{eps: 1e-3, shrinking: true, cacheSize: DefaultCacheSize}
	got, err := solve(t.Context(), pr, cfg)
	if err != nil {
		t.Fatal(err)
	}
	cfg.smoOnly = true
	smo, err := solve(t.Context(), pr, cfg)
	if err != nil {
		t.Fatal(err)
	}
	if got.iterations != smo.iterations || got.rho != smo.rho || !slices.Equal(got.coef, smo.coef) {
		t.Errorf("got %d iterations, rho %v; SMO alone %d, %v", got.iterations, got.rho, smo.iterations, smo.rho)
	}
	if smo.iterations <= smoBudget(len(pr.rows)) {
		t.Errorf("SMO took %d iterations: the problem no longer tries the jump", smo.iterations)
	}
}

// TestLowRankSolveMatchesDense checks Woodbury's identity against the
// Cholesky factorization of the same matrix, with a diagonal spanning
// twelve orders of magnitude as the interior-point method's does.
func TestLowRankSolveMatchesDense(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	const l, p = 40, 5
	z := make([]float64, l*p)
	for i := range z {
		z[i] = rng.NormFloat64() * math.Pow(10, float64(i%p))
	}
	q := make([]float64, l*l)
	for i := range l {
		for j := range l {
			q[i*l+j] = dot(z[i*p:(i+1)*p], z[j*p:(j+1)*p])
		}
	}
	d := make([]float64, l)
	for i := range d {
		d[i] = math.Pow(10, rng.Float64()*12-6)
	}
	low, dense := newLowRankQ(z, l, p), newDenseQ(q, l)
	if !low.factor(d) || !dense.factor(d) {
		t.Fatal("factorization failed")
	}
	b := make([]float64, l)
	for i := range b {
		b[i] = rng.NormFloat64()
	}
	x1, x2 := slices.Clone(b), slices.Clone(b)
	low.solve(x1)
	dense.solve(x2)
	// Compare the residuals (Q + D)x − b, relative to the size of the
	// terms that make them up: the two solutions may differ where the
	// matrix is ill-conditioned.
	for name, x := range map[string][]float64{"woodbury": x1, "cholesky": x2} {
		worst := 0.0
		for i := range l {
			r, size := d[i]*x[i]-b[i], math.Abs(d[i]*x[i])+math.Abs(b[i])
			for j := range l {
				r += q[i*l+j] * x[j]
				size += math.Abs(q[i*l+j] * x[j])
			}
			worst = math.Max(worst, math.Abs(r)/size)
		}
		if worst > 1e-9 {
			t.Errorf("%s: relative residual %g", name, worst)
		}
	}
	v, w1, w2 := make([]float64, l), make([]float64, l), make([]float64, l)
	for i := range v {
		v[i] = rng.NormFloat64()
	}
	low.mul(v, w1)
	dense.mul(v, w2)
	for i := range l {
		if math.Abs(w1[i]-w2[i]) > 1e-9*math.Max(1, math.Abs(w2[i])) {
			t.Fatalf("Qv at %d: low-rank %g, dense %g", i, w1[i], w2[i])
		}
	}
}

func TestSolveDense(t *testing.T) {
	// A system that needs pivoting: a zero on the diagonal.
	a := []float64{0, 2, 1, 1, 1, 1, 2, 1, 3}
	want := []float64{1, -1, 2}
	b := []float64{0, 2, 7} // a·want
	if !solveDense(slices.Clone(a), b, 3) {
		t.Fatal("solveDense refused a regular system")
	}
	for i := range want {
		if math.Abs(b[i]-want[i]) > 1e-12 {
			t.Errorf("x = %v, want %v", b, want)
			break
		}
	}
	singular := []float64{1, 2, 2, 4}
	if solveDense(singular, []float64{1, 2}, 2) {
		t.Error("solveDense solved a singular system")
	}
}

// TestViolationRejectsNonFinite checks that a point with a NaN or an
// infinity, in α or its gradient, never looks optimal to the jump.
func TestViolationRejectsNonFinite(t *testing.T) {
	y := []int8{+1, -1}
	c := []float64{1, 1}
	for name, tc := range map[string][2][]float64{
		"NaN alpha":         {{math.NaN(), 0.5}, {1, 1}},
		"NaN gradient":      {{0.5, 0.5}, {math.NaN(), 1}},
		"infinite gradient": {{0.5, 0.5}, {1, math.Inf(1)}},
	} {
		if v := violation(tc[0], tc[1], y, c); !math.IsInf(v, 1) {
			t.Errorf("%s: violation %v, want +Inf", name, v)
		}
	}
	// A finite optimum: both free, gradients equal, violation 0.
	if v := violation([]float64{0.5, 0.5}, []float64{1, 1}, y, c); v != 0 {
		t.Errorf("violation at an optimum %v, want 0", v)
	}
}
