package sampler

import (
	"math"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/floats"
)

const tol = 1e-12

// TestNumericalParzen checks the kernels against values worked out by hand
// from Optuna 3.6's _calculate_numerical_distributions: observations 0.1
// and 0.3 in [0, 1] with the prior's centre 0.5 sort to 0 | 0.1 0.3 0.5 |
// 1; the gaps give widths 0.2 and 0.2 (the outermost kernel takes its inner
// gap), which the magic clip raises to 1/min(100, 1+2+1) = 0.25; the prior
// is centred on 0.5 with width 1; weights 1, 1, 1 normalized.
func TestNumericalParzen(t *testing.T) {
	p := newNumericalParzen([]float64{0.3, 0.1}, 0, 1, 0)
	if want := []float64{0.3, 0.1, 0.5}; !floats.EqualApprox(p.mus, want, tol) {
		t.Errorf("mus %v, want %v", p.mus, want)
	}
	if want := []float64{0.25, 0.25, 1}; !floats.EqualApprox(p.sigmas, want, tol) {
		t.Errorf("sigmas %v, want %v", p.sigmas, want)
	}
	if want := []float64{1.0 / 3, 1.0 / 3, 1.0 / 3}; !floats.EqualApprox(p.weights, want, tol) {
		t.Errorf("weights %v, want %v", p.weights, want)
	}
	// An integer grid widens the range by half a step on each side: with
	// step 1 over [0, 10] and one observation at 2, the sorted points are
	// -0.5 | 2 5 | 10.5, both kernels take their inner gap 3, the clip
	// bounds are 11/3 and 11, and the prior has width 11.
	q := newNumericalParzen([]float64{2}, 0, 10, 1)
	if want := []float64{11.0 / 3, 11}; !floats.EqualApprox(q.sigmas, want, tol) {
		t.Errorf("grid sigmas %v, want %v", q.sigmas, want)
	}
	if r := newNumericalParzen(nil, 0, 1, 0); len(r.mus) != 1 || r.sigmas[0] != 1 || r.weights[0] != 1 {
		t.Errorf("no observations: %+v, want the prior alone", r)
	}
}

func TestCategoricalParzen(t *testing.T) {
	// Two observations of choice 1 of 3: 3 kernels, each observation's
	// (1/3, 4/3, 1/3)/2, the prior uniform.
	p := newCategoricalParzen([]float64{1, 1}, 3)
	if want := []float64{1.0 / 6, 4.0 / 6, 1.0 / 6}; !floats.EqualApprox(p.choices[0], want, tol) {
		t.Errorf("kernel %v, want %v", p.choices[0], want)
	}
	if want := []float64{1.0 / 3, 1.0 / 3, 1.0 / 3}; !floats.EqualApprox(p.choices[2], want, tol) {
		t.Errorf("prior kernel %v, want %v", p.choices[2], want)
	}
	var sum float64
	for c := range 3 {
		sum += math.Exp(p.logPDF(float64(c)))
	}
	if math.Abs(sum-1) > 1e-9 {
		t.Errorf("probabilities sum to %v", sum)
	}
}

// TestDefaultWeights compares with numpy: np.linspace(1/30, 1, 5) then 25
// ones.
func TestDefaultWeights(t *testing.T) {
	w := defaultWeights(30)
	want := []float64{1.0 / 30, 0.275, 0.51666666666666667, 0.75833333333333333, 1}
	if !floats.EqualApprox(w[:5], want, 1e-12) || w[5] != 1 || w[29] != 1 || len(w) != 30 {
		t.Errorf("defaultWeights(30) = %v", w)
	}
	if w := defaultWeights(3); !floats.Equal(w, []float64{1, 1, 1}) {
		t.Errorf("defaultWeights(3) = %v", w)
	}
}

// TestDensities checks that each estimator is a distribution: the density
// integrates to 1 over the range, the grid's and the choices'
// probabilities sum to 1, and samples stay in range on the grid.
func TestDensities(t *testing.T) {
	obs := []float64{0.05, 0.2, 0.21, 0.9}
	cont := newNumericalParzen(obs, 0, 1, 0)
	const n = 20000
	var integral float64
	for i := range n {
		x := (float64(i) + 0.5) / n
		integral += math.Exp(cont.logPDF(x)) / n
	}
	if math.Abs(integral-1) > 1e-4 {
		t.Errorf("continuous density integrates to %v", integral)
	}
	grid := newNumericalParzen([]float64{2, 3, 3, 9}, 1, 10, 1)
	var sum float64
	for x := 1.0; x <= 10; x++ {
		sum += math.Exp(grid.logPDF(x))
	}
	if math.Abs(sum-1) > 1e-9 {
		t.Errorf("grid probabilities sum to %v", sum)
	}
	rng := rand.New(rand.NewPCG(3, 3))
	for _, x := range grid.sample(rng, 1000) {
		if x < 1 || x > 10 || x != math.Round(x) {
			t.Fatalf("grid sample %v", x)
		}
	}
	for _, x := range cont.sample(rng, 1000) {
		if x < 0 || x > 1 {
			t.Fatalf("sample %v outside [0, 1]", x)
		}
	}
}

// TestTruncNormTails checks sampling and the density far in a tail, where a
// naive CDF difference cancels to 0.
func TestTruncNormTails(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 1))
	for range 100 {
		if x := truncNormSample(rng, 0, 1, 9, 10); x < 9 || x > 10 {
			t.Fatalf("sample %v outside [9, 10]", x)
		}
		if x := truncNormSample(rng, 0, 1, -10, -9); x < -10 || x > -9 {
			t.Fatalf("sample %v outside [-10, -9]", x)
		}
	}
	if l := truncNormLogPDF(9.5, 0, 1, 9, 10); math.IsInf(l, 0) || math.IsNaN(l) {
		t.Errorf("log density %v in the tail", l)
	}
}
