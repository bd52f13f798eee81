package sampler

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/mlopsgo/mlops/training/internal/tune/space"
)

// branin is the Branin-Hoo function on x1 in [-5, 10], x2 in [0, 15]; its
// minimum is 0.397887.
func branin(x []float64) float64 {
	const a, r, s = 1.0, 6.0, 10.0
	b, c, tt := 5.1/(4*math.Pi*math.Pi), 5/math.Pi, 1/(8*math.Pi)
	v := x[1] - b*x[0]*x[0] + c*x[0] - r
	return a*v*v + s*(1-tt)*math.Cos(x[0]) + s
}

// hartmann6 is the 6-dimensional Hartmann function on [0, 1]^6; its
// minimum is -3.32237.
func hartmann6(x []float64) float64 {
	alpha := [4]float64{1.0, 1.2, 3.0, 3.2}
	A := [4][6]float64{
		{10, 3, 17, 3.5, 1.7, 8},
		{0.05, 10, 17, 0.1, 8, 14},
		{3, 3.5, 1.7, 10, 17, 8},
		{17, 8, 0.05, 10, 0.1, 14},
	}
	P := [4][6]float64{
		{1312, 1696, 5569, 124, 8283, 5886},
		{2329, 4135, 8307, 3736, 1004, 9991},
		{2348, 1451, 3522, 2883, 3047, 6650},
		{4047, 8828, 8732, 5743, 1091, 381},
	}
	var f float64
	for i := range 4 {
		var e float64
		for j := range 6 {
			d := x[j] - P[i][j]*1e-4
			e += A[i][j] * d * d
		}
		f -= alpha[i] * math.Exp(-e)
	}
	return f
}

// minimize runs budget trials of s in batches of batch and returns the
// best value found.
func minimize(smp Sampler, s space.Space, f func([]float64) float64, budget, batch int) float64 {
	var history []Trial
	best := math.Inf(1)
	for len(history) < budget {
		for _, x := range smp.Propose(history, min(batch, budget-len(history))) {
			v := f(floatValues(s, x))
			best = min(best, v)
			history = append(history, Trial{X: x, Value: v})
		}
	}
	return best
}

func floatValues(s space.Space, x []float64) []float64 {
	out := make([]float64, len(x))
	for i, set := range s.Point(x) {
		out[i] = set.Value.(float64)
	}
	return out
}

func median(v []float64) float64 {
	v = slices.Sorted(slices.Values(v))
	return (v[(len(v)-1)/2] + v[len(v)/2]) / 2
}

// TestTPEBeatsRandom runs TPE and random search with the same budget, in
// the batches of 8 that tuning uses, on Branin and Hartmann-6 from 20
// seeds each, and requires TPE's median best value to be lower: the
// sampler must learn from its history, not just draw.
func TestTPEBeatsRandom(t *testing.T) {
	tests := []struct {
		name   string
		space  space.Space
		f      func([]float64) float64
		budget int
	}{
		{"branin", space.New(space.Float("x1", -5, 10, false), space.Float("x2", 0, 15, false)), branin, 64},
		{"hartmann6", space.New(
			space.Float("x1", 0, 1, false), space.Float("x2", 0, 1, false), space.Float("x3", 0, 1, false),
			space.Float("x4", 0, 1, false), space.Float("x5", 0, 1, false), space.Float("x6", 0, 1, false),
		), hartmann6, 96},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var tpe, random []float64
			for seed := range uint64(20) {
				tpe = append(tpe, minimize(NewTPE(tt.space, rand.NewPCG(seed, 1)), tt.space, tt.f, tt.budget, 8))
				random = append(random, minimize(NewRandom(tt.space, rand.NewPCG(seed, 1)), tt.space, tt.f, tt.budget, 8))
			}
			mt, mr := median(tpe), median(random)
			t.Logf("%s, %d trials: median best TPE %.4f, random %.4f", tt.name, tt.budget, mt, mr)
			if !(mt < mr) {
				t.Errorf("median best value: TPE %v, random %v; want TPE lower", mt, mr)
			}
		})
	}
}

// TestDeterministic checks that proposals depend only on the source and
// the history, over a mixed space.
func TestDeterministic(t *testing.T) {
	s := space.New(space.Categorical("k", "a", "b", "c"), space.Int("d", 1, 32, true).OrUnlimited(),
		space.IntStep("n", 50, 500, 50), space.Float("C", 1e-4, 1e4, true))
	f := func(x []float64) float64 { return math.Abs(math.Log(s[3].Value(x[3]).(float64))) + x[0] }
	run := func(seed uint64) [][]float64 {
		smp := NewTPE(s, rand.NewPCG(seed, 9))
		var history []Trial
		var all [][]float64
		for range 5 {
			for _, x := range smp.Propose(history, 8) {
				history = append(history, Trial{X: x, Value: f(x)})
				all = append(all, x)
			}
		}
		return all
	}
	a, b, c := run(1), run(1), run(2)
	for i := range a {
		if !slices.Equal(a[i], b[i]) {
			t.Fatalf("trial %d: %v then %v from the same seed", i, a[i], b[i])
		}
		// Canonical values: a log-scaled integer is the log of an integer.
		if d := math.Exp(a[i][1]); math.Abs(d-math.Round(d)) > 1e-9 {
			t.Fatalf("trial %d: max_depth internal %v is not the log of an integer", i, a[i][1])
		}
	}
	if slices.EqualFunc(a, c, slices.Equal) {
		t.Error("seeds 1 and 2 proposed the same trials")
	}
}

// TestSplit checks the ranking of Optuna's _split_trials: complete trials
// by value, then pruned ones by the rung they reached, then value; each
// side in trial order.
func TestSplit(t *testing.T) {
	h := []Trial{
		{Value: 5, State: Complete},
		{Value: 0, State: Pruned, Step: 1},
		{Value: 3, State: Complete},
		{Value: 1, State: Pruned, Step: 2},
		{Value: 4, State: Complete},
	}
	values := func(ts []Trial) []float64 {
		var v []float64
		for _, t := range ts {
			v = append(v, t.Value)
		}
		return v
	}
	below, above := split(h, 4)
	if got := values(below); !slices.Equal(got, []float64{5, 3, 1, 4}) {
		t.Errorf("below %v, want the complete trials and the pruned one that went further, in trial order", got)
	}
	if got := values(above); !slices.Equal(got, []float64{0}) {
		t.Errorf("above %v", got)
	}
	if g := []int{gamma(1), gamma(10), gamma(11), gamma(300)}; !slices.Equal(g, []int{1, 1, 2, 25}) {
		t.Errorf("gamma(1, 10, 11, 300) = %v", g)
	}
}
