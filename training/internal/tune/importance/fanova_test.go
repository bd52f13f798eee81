package importance

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"gonum.org/v1/gonum/floats/scalar"
)

// tol is the tolerance of exact computations compared with each other or
// with values worked out by hand: sums of a few hundred products.
const tol = 1e-12

// Hand-built trees over [0, 1]² with the variances worked out by hand.
func TestAnalyzeHandTrees(t *testing.T) {
	leaf := func(v float64) node { return node{feature: -1, value: v} }
	split := func(f int, th float64, l, r int) node { return node{feature: f, threshold: th, left: l, right: r} }
	tests := []struct {
		name                 string
		nodes                []node
		variance, varX, varY float64
	}{
		{
			// f = [x > 0.5]: variance 1/4, all of it x's.
			name:     "step in x",
			nodes:    []node{split(0, 0.5, 1, 2), leaf(0), leaf(1)},
			variance: 0.25, varX: 0.25, varY: 0,
		},
		{
			// f = [x > 0.5] + [y > 0.5]: values 0, 1, 1, 2 on equal
			// quarters, variance 1/2; each marginal is 0.5 or 1.5 on
			// halves, variance 1/4: additive, the marginals sum to it.
			name: "additive",
			nodes: []node{split(0, 0.5, 1, 4), split(1, 0.5, 2, 3), leaf(0), leaf(1),
				split(1, 0.5, 5, 6), leaf(1), leaf(2)},
			variance: 0.5, varX: 0.25, varY: 0.25,
		},
		{
			// f = [x > 0.5] xor [y > 0.5]: variance 1/4, both marginals
			// the constant 1/2.
			name: "xor",
			nodes: []node{split(0, 0.5, 1, 4), split(1, 0.5, 2, 3), leaf(0), leaf(1),
				split(1, 0.5, 5, 6), leaf(1), leaf(0)},
			variance: 0.25, varX: 0, varY: 0,
		},
		{
			// f = 4 on x ≤ 0.25, else [y > 0.75]: the x marginal is 4 on
			// a quarter and 1/4 on the rest, mean 19/16, variance
			// 1/4·(45/16)² + 3/4·(15/16)² = 675/256; the y marginal is
			// 1 (= 4/4) below 0.75 and 1 + 3/4 above: mean 1 + 3/16,
			// variance 3/4·(3/16)² + 1/4·(9/16)² = 27/256. The
			// four cells have values 4, 0, 1 with volumes 1/4, 9/16, 3/16:
			// mean 19/16, variance (1/4)·(45/16)² + (9/16)·(19/16)² +
			// (3/16)·(3/16)².
			name:     "unequal boxes",
			nodes:    []node{split(0, 0.25, 1, 2), leaf(4), split(1, 0.75, 3, 4), leaf(0), leaf(1)},
			variance: 0.25*sq(45.0/16) + 9.0/16*sq(19.0/16) + 3.0/16*sq(3.0/16),
			varX:     675.0 / 256, varY: 27.0 / 256,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := analyze(&tree{nodes: tt.nodes}, [][2]float64{{0, 1}, {0, 1}})
			for _, c := range []struct {
				what      string
				got, want float64
			}{
				{"variance", a.variance, tt.variance},
				{"x marginal variance", a.marginalVariance([]int{0}), tt.varX},
				{"y marginal variance", a.marginalVariance([]int{1}), tt.varY},
			} {
				if !scalar.EqualWithinAbsOrRel(c.got, c.want, tol, tol) {
					t.Errorf("%s = %v, want %v", c.what, c.got, c.want)
				}
			}
		})
	}
}

func sq(v float64) float64 { return v * v }

// The marginal variances equal those of Optuna's tree walk
// (_FanovaTree.get_marginal_variance, written out below as
// optunaMarginalVariance) on forests grown on numerical and one-hot
// columns, wider than [0, 1].
func TestMarginalVarianceMatchesOptunaWalk(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 3))
	params := []Param{{Name: "a", Low: -2, High: 5}, {Name: "k", Choices: 3}, {Name: "b", Low: 1, High: 100}, {Name: "z", Choices: 2}}
	x, y := trials(rng, params, 60, func(v []float64) float64 {
		return v[0]*v[0] + []float64{0, 3, -1}[int(v[1])]*math.Log(v[2]) + v[3]*v[0]
	})
	enc, err := newEncoding(params)
	if err != nil {
		t.Fatal(err)
	}
	rows := make([][]float64, len(x))
	for i := range x {
		if rows[i], err = enc.encode(x[i]); err != nil {
			t.Fatal(err)
		}
	}
	for ti, tr := range fitForest(rows, y, forestOptions{trees: 6, maxDepth: 64, bootstrap: true}, rng) {
		a := analyze(tr, enc.bounds)
		for j, cols := range enc.columns {
			got, want := a.marginalVariance(cols), optunaMarginalVariance(tr, enc.bounds, a.splits, cols)
			if !scalar.EqualWithinAbsOrRel(got, want, tol, 1e-9) {
				t.Errorf("tree %d, %s: marginal variance %v, Optuna's walk gives %v", ti, params[j].Name, got, want)
			}
		}
	}
}

// optunaMarginalVariance is Optuna's _FanovaTree.get_marginal_variance and
// _get_marginalized_statistics, line for line: for every combination of
// cell midpoints along cols, walk the tree, following splits on cols and
// both children of other splits, and average the reached nodes' values
// weighted by their volume over their extent along cols.
func optunaMarginalVariance(t *tree, bounds [][2]float64, splits [][]float64, cols []int) float64 {
	// Volume-weighted value and volume of every node (leaves: their box).
	type stat struct{ value, weight float64 }
	stats := make([]stat, len(t.nodes))
	var fill func(i int, box [][2]float64) stat
	fill = func(i int, box [][2]float64) stat {
		n := &t.nodes[i]
		if n.leaf() {
			v := 1.0
			for _, b := range box {
				v *= b[1] - b[0]
			}
			stats[i] = stat{n.value, v}
			return stats[i]
		}
		l, r := slices.Clone(box), slices.Clone(box)
		l[n.feature][1], r[n.feature][0] = n.threshold, n.threshold
		sl, sr := fill(n.left, l), fill(n.right, r)
		stats[i] = stat{(sl.value*sl.weight + sr.value*sr.weight) / (sl.weight + sr.weight), sl.weight + sr.weight}
		return stats[i]
	}
	fill(0, slices.Clone(bounds))
	var values, weights []float64
	idx := make([]int, len(cols))
	for {
		sample := make([]float64, len(bounds))
		for i := range sample {
			sample[i] = math.NaN()
		}
		size := 1.0
		for k, c := range cols {
			s := splits[c]
			sample[c] = (s[idx[k]] + s[idx[k]+1]) / 2
			size *= s[idx[k]+1] - s[idx[k]]
		}
		// _get_marginalized_statistics: inactive columns count as [0, 1].
		space := make([][2]float64, len(bounds))
		for i := range space {
			space[i] = [2]float64{0, 1}
		}
		for _, c := range cols {
			space[c] = bounds[c]
		}
		var vs, ws []float64
		var walk func(i int, sp [][2]float64)
		walk = func(i int, sp [][2]float64) {
			n := &t.nodes[i]
			if !n.leaf() {
				if r := sample[n.feature]; !math.IsNaN(r) {
					next := slices.Clone(sp)
					if r <= n.threshold {
						next[n.feature][1] = n.threshold
						walk(n.left, next)
					} else {
						next[n.feature][0] = n.threshold
						walk(n.right, next)
					}
					return
				}
				walk(n.left, sp)
				walk(n.right, sp)
				return
			}
			card := 1.0
			for _, b := range sp {
				card *= b[1] - b[0]
			}
			vs = append(vs, stats[i].value)
			ws = append(ws, stats[i].weight/card)
		}
		walk(0, space)
		var sw, s float64
		for i := range vs {
			sw += ws[i]
			s += ws[i] * vs[i]
		}
		values = append(values, s/sw)
		weights = append(weights, sw*size)
		k := len(cols) - 1
		for ; k >= 0; k-- {
			if idx[k]++; idx[k] < len(splits[cols[k]])-1 {
				break
			}
			idx[k] = 0
		}
		if k < 0 {
			break
		}
	}
	return weightedVariance(values, weights)
}

// Objectives with known importances. Expected shares are the variance
// decomposition of f with its parameters uniform over their ranges (the
// measure fANOVA integrates over); the forest estimates it from 300
// trials, so the tolerance is loose: 0.05 absolute, several times the
// spread between seeds seen for these objectives.
func TestFanovaKnownObjectives(t *testing.T) {
	unit := func(name string) Param { return Param{Name: name, Low: 0, High: 1} }
	tests := []struct {
		name   string
		params []Param
		f      func(v []float64) float64
		want   []float64
		// additive: the main effects explain (nearly) all the variance;
		// otherwise at most a fifth of it.
		additive bool
	}{
		{
			name:   "x only",
			params: []Param{unit("x"), unit("y")},
			f:      func(v []float64) float64 { return v[0] },
			want:   []float64{1, 0}, additive: true,
		},
		{
			// Var(3x) = 9/12, Var(y) = 1/12: shares 0.9 and 0.1.
			name:   "3x + y",
			params: []Param{unit("x"), unit("y"), unit("noise-free")},
			f:      func(v []float64) float64 { return 3*v[0] + v[1] },
			want:   []float64{0.9, 0.1, 0}, additive: true,
		},
		{
			// Var(x) = 1/12, Var(y²) = 1/5 − 1/9 = 4/45: shares 15/31
			// and 16/31.
			name:   "additive x + y²",
			params: []Param{unit("x"), unit("y")},
			f:      func(v []float64) float64 { return v[0] + v[1]*v[1] },
			want:   []float64{15.0 / 31, 16.0 / 31}, additive: true,
		},
		{
			// The choice decides everything; x is ignored.
			name:   "categorical decides",
			params: []Param{{Name: "kernel", Choices: 3}, unit("x")},
			f:      func(v []float64) float64 { return []float64{0.2, 0.9, 0.5}[int(v[0])] },
			want:   []float64{1, 0}, additive: true,
		},
		{
			// A categorical and a numerical additive term: on choice
			// uniform over {0, 1}, Var(2·[c=1]) = 1, Var(2√3·x) = 1.
			name:   "categorical plus numerical",
			params: []Param{{Name: "c", Choices: 2}, unit("x")},
			f:      func(v []float64) float64 { return 2*v[0] + 2*math.Sqrt(3)*v[1] },
			want:   []float64{0.5, 0.5}, additive: true,
		},
		{
			// Wider ranges count in the parameter's own units: x on
			// [0, 10] with f = x/10 is "x only".
			name:   "own units",
			params: []Param{{Name: "x", Low: 0, High: 10}, {Name: "y", Low: -5, High: 5}},
			f:      func(v []float64) float64 { return v[0] / 10 },
			want:   []float64{1, 0}, additive: true,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			x, y := trials(rand.New(rand.NewPCG(4, 4)), tt.params, 300, tt.f)
			res, err := Fanova(tt.params, x, y, Options{Src: rand.NewPCG(5, 5)})
			if err != nil {
				t.Fatal(err)
			}
			for j, p := range tt.params {
				if got := res.Importance[j]; math.Abs(got-tt.want[j]) > 0.05 {
					t.Errorf("%s: importance %.4f, want %.4f ± 0.05 (all: %.4f)", p.Name, got, tt.want[j], res.Importance)
				}
			}
			if sum := floatsSum(res.Importance); math.Abs(sum-1) > tol {
				t.Errorf("importances sum to %v, want 1", sum)
			}
			if sum := floatsSum(res.Explained); tt.additive && sum < 0.9 {
				t.Errorf("main effects explain %.3f of the variance of an additive objective, want ≥ 0.9", sum)
			}
			if res.Trees != DefaultTrees {
				t.Errorf("%d trees with variance, want %d", res.Trees, DefaultTrees)
			}
		})
	}
}

// An interaction without main effects: f = (x − ½)(y − ½) averages to 0
// along either parameter, so the main effects explain little of the
// forest's variance (what they do explain is the forest's noise), unlike
// an additive objective of the same parameters.
func TestFanovaInteraction(t *testing.T) {
	params := []Param{{Name: "x", Low: 0, High: 1}, {Name: "y", Low: 0, High: 1}}
	tests := []struct {
		name   string
		f      func(v []float64) float64
		lo, hi float64 // bounds on the explained share
	}{
		{"interaction", func(v []float64) float64 { return (v[0] - 0.5) * (v[1] - 0.5) }, 0, 0.2},
		{"additive", func(v []float64) float64 { return v[0] + v[1] }, 0.9, 1.0001},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			x, y := trials(rand.New(rand.NewPCG(6, 6)), params, 300, tt.f)
			res, err := Fanova(params, x, y, Options{Src: rand.NewPCG(7, 7)})
			if err != nil {
				t.Fatal(err)
			}
			if sum := floatsSum(res.Explained); sum < tt.lo || sum > tt.hi {
				t.Errorf("main effects explain %.4f (%.4f), want within [%v, %v]", sum, res.Explained, tt.lo, tt.hi)
			}
		})
	}
}

// A parameter that can take one value is left out and gets 0, as in
// Optuna; the others are normalized without it.
func TestFanovaSingleValued(t *testing.T) {
	params := []Param{{Name: "x", Low: 0, High: 1}, {Name: "fixed", Low: 3, High: 3}, {Name: "one", Choices: 1}, {Name: "y", Low: 0, High: 1}}
	x, y := trials(rand.New(rand.NewPCG(8, 8)), params, 100, func(v []float64) float64 { return v[0] + v[3] })
	res, err := Fanova(params, x, y, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if res.Importance[1] != 0 || res.Importance[2] != 0 {
		t.Errorf("single-valued parameters have importances %v and %v, want 0", res.Importance[1], res.Importance[2])
	}
	if sum := res.Importance[0] + res.Importance[3]; math.Abs(sum-1) > tol {
		t.Errorf("the varying parameters' importances sum to %v, want 1", sum)
	}
	// Nothing varies: every importance is 0, no error (Optuna's answer).
	res, err = Fanova(params[1:3], [][]float64{{3, 0}, {3, 0}}, []float64{1, 2}, Options{})
	if err != nil || floatsSum(res.Importance) != 0 {
		t.Errorf("no varying parameter: %v, %v; want zeros", res, err)
	}
}

func TestFanovaErrors(t *testing.T) {
	params := []Param{{Name: "x", Low: 0, High: 1}, {Name: "kernel", Choices: 2}}
	flatX, flatY := trials(rand.New(rand.NewPCG(1, 1)), params, 12, func([]float64) float64 { return 0.95 })
	tests := []struct {
		name   string
		params []Param
		x      [][]float64
		y      []float64
		want   error  // errors.Is target, or nil to match msg
		msg    string // the error's text, when want is nil
	}{
		{"one trial", params, [][]float64{{0.5, 0}}, []float64{1}, ErrTooFewTrials, ""},
		{"no trial", params, nil, nil, ErrTooFewTrials, ""},
		{"flat objective", params, [][]float64{{0.1, 0}, {0.5, 1}, {0.9, 0}}, []float64{0.9, 0.9, 0.9}, ErrNoVariance, ""},
		// Twelve scores of 0.95: a node's impurity, Σw·0.95²/Σw − 0.95²,
		// is above epsilon in floating point, and without a check the
		// trees split on rounding noise.
		{"flat objective of 12 trials", params, flatX, flatY, ErrNoVariance, ""},
		{"out of range", params, [][]float64{{0.1, 0}, {1.5, 1}}, []float64{1, 2}, nil, "importance: trial 1: x is 1.5, outside [0, 1]"},
		{"NaN value", params, [][]float64{{math.NaN(), 0}, {0.5, 1}}, []float64{1, 2}, nil, "importance: trial 0: x is NaN, outside [0, 1]"},
		{"bad choice", params, [][]float64{{0.1, 2}, {0.5, 1}}, []float64{1, 2}, nil, "importance: trial 0: kernel is 2, not the index of one of its 2 choices"},
		{"infinite objective", params, [][]float64{{0.1, 0}, {0.5, 1}}, []float64{1, math.Inf(-1)}, nil, "importance: trial 1 has objective -Inf"},
		{"bad range", []Param{{Name: "x", Low: 1, High: 0}}, [][]float64{{0.5}, {0.5}}, []float64{1, 2}, nil, "importance: parameter x has range [1, 0] and 0 choices"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Fanova(tt.params, tt.x, tt.y, Options{})
			switch {
			case err == nil:
				t.Fatal("no error")
			case tt.want != nil && !errors.Is(err, tt.want):
				t.Errorf("error %v, want %v", err, tt.want)
			case tt.want == nil && err.Error() != tt.msg:
				t.Errorf("error %q, want %q", err, tt.msg)
			}
		})
	}
}

// The same source gives the same importances; another seed gives close
// ones (the forest is random).
func TestFanovaSeeded(t *testing.T) {
	params := []Param{{Name: "x", Low: 0, High: 1}, {Name: "y", Low: 0, High: 1}, {Name: "c", Choices: 3}}
	x, y := trials(rand.New(rand.NewPCG(9, 9)), params, 80, func(v []float64) float64 { return 2*v[0] + v[1]*v[1] + v[2]/2 })
	run := func(seed uint64) []float64 {
		res, err := Fanova(params, x, y, Options{Src: rand.NewPCG(seed, seed)})
		if err != nil {
			t.Fatal(err)
		}
		return res.Importance
	}
	a, b, c := run(1), run(1), run(2)
	if !slices.Equal(a, b) {
		t.Errorf("same seed: %v then %v", a, b)
	}
	for j := range a {
		if math.Abs(a[j]-c[j]) > 0.05 {
			t.Errorf("%s: %.4f with seed 1, %.4f with seed 2: further apart than 0.05", params[j].Name, a[j], c[j])
		}
	}
}

// trials draws n points uniformly over params (a choice's index for a
// categorical) and scores them with f.
func trials(rng *rand.Rand, params []Param, n int, f func([]float64) float64) ([][]float64, []float64) {
	x := make([][]float64, n)
	y := make([]float64, n)
	for i := range x {
		x[i] = make([]float64, len(params))
		for j, p := range params {
			if p.Choices > 0 {
				x[i][j] = float64(rng.IntN(p.Choices))
			} else {
				x[i][j] = p.Low + rng.Float64()*(p.High-p.Low)
			}
		}
		y[i] = f(x[i])
	}
	return x, y
}

func floatsSum(v []float64) float64 {
	var s float64
	for _, x := range v {
		s += x
	}
	return s
}

func ExampleFanova() {
	// Four trials of a search over C in [0, 10] and a kernel (two
	// choices): the score mostly follows C.
	params := []Param{{Name: "C", Low: 0, High: 10}, {Name: "kernel", Choices: 2}}
	x := [][]float64{{1, 0}, {5, 1}, {9, 0}, {3, 1}}
	y := []float64{0.80, 0.90, 0.95, 0.85}
	res, err := Fanova(params, x, y, Options{Src: rand.NewPCG(1, 1)})
	if err != nil {
		fmt.Println(err)
		return
	}
	for j, p := range params {
		fmt.Printf("%s %.2f\n", p.Name, res.Importance[j])
	}
	// Output:
	// C 0.78
	// kernel 0.22
}
