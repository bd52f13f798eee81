package sampler

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/mlopsgo/mlops/training/internal/tune/space"
)

// TestConditional runs TPE and random search on a space with a
// conditional dimension, gamma only for the rbf kernel, where the best
// points are rbf ones with gamma near 0.01. Every proposal must give gamma
// a value exactly when the kernel is rbf, and TPE, which fits gamma's
// estimators on the trials that have it (as Optuna does), must find
// better points than random search over 20 seeds.
func TestConditional(t *testing.T) {
	s := space.New(
		space.Categorical("kernel", "linear", "rbf"),
		space.Float("C", 1e-3, 1e3, true),
		space.Float("gamma", 1e-4, 10, true).When("kernel", "rbf"),
	)
	f := func(p space.Point) float64 {
		v := math.Abs(math.Log10(p[1].Value.(float64)) - 1)
		if p[0].Value == "linear" {
			return 1 + v/10
		}
		return (v + math.Abs(math.Log10(p[2].Value.(float64))+2)) / 10
	}
	run := func(smp Sampler) float64 {
		var history []Trial
		best := math.Inf(1)
		for len(history) < 64 {
			for _, x := range smp.Propose(history, 8) {
				if rbf := x[0] == 1; rbf == math.IsNaN(x[2]) {
					t.Fatalf("trial %d: kernel %v with gamma's internal value %v", len(history), s[0].Value(x[0]), x[2])
				}
				v := f(s.Point(x))
				best = min(best, v)
				history = append(history, Trial{X: x, Value: v})
			}
		}
		return best
	}
	var tpe, random []float64
	for seed := range uint64(20) {
		tpe = append(tpe, run(NewTPE(s, rand.NewPCG(seed, 1))))
		random = append(random, run(NewRandom(s, rand.NewPCG(seed, 1))))
	}
	mt, mr := median(tpe), median(random)
	t.Logf("64 trials: median best TPE %.4f, random %.4f", mt, mr)
	if !(mt < mr) {
		t.Errorf("median best value: TPE %v, random %v; want TPE lower", mt, mr)
	}
}

// TestEstimatorSkipsAbsent checks that a dimension's estimator is built
// from the trials that have it only: with every trial's gamma absent but
// one, the estimator holds that one observation and the prior.
func TestEstimatorSkipsAbsent(t *testing.T) {
	s := space.New(space.Categorical("kernel", "linear", "rbf"), space.Float("gamma", 1e-4, 10, true).When("kernel", "rbf"))
	nan := math.NaN()
	trials := []Trial{{X: []float64{0, nan}}, {X: []float64{1, math.Log(0.01)}}, {X: []float64{0, nan}}}
	p := NewTPE(s, rand.NewPCG(1, 1)).estimator(s[1], 1, trials)
	if len(p.mus) != 2 || p.mus[0] != math.Log(0.01) {
		t.Errorf("kernel means %v, want the one observation log(0.01) and the prior's", p.mus)
	}
	for _, x := range []float64{math.Log(1e-4), math.Log(0.01), math.Log(10)} {
		if l := p.logPDF(x); math.IsNaN(l) || math.IsInf(l, 0) {
			t.Errorf("log density at %v is %v", x, l)
		}
	}
}
