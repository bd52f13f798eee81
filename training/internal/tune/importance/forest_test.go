package importance

import (
	"math"
	"math/rand/v2"
	"testing"
)

// A tree grown on every row once, down to single rows, predicts each
// training row's target: the splits separate every pair of distinct rows.
func TestTreeFitsItsRows(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 1))
	tests := []struct {
		name string
		f    func(x []float64) float64
	}{
		{"linear", func(x []float64) float64 { return 3*x[0] + x[1] }},
		{"interaction", func(x []float64) float64 { return x[0] * x[1] }},
		{"step", func(x []float64) float64 { return math.Floor(4 * x[2]) }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			x, y := uniform(rng, 50, 3, tt.f)
			trees := fitForest(x, y, forestOptions{trees: 1, maxDepth: 64}, rng)
			for i := range x {
				if got := trees[0].predict(x[i]); got != y[i] {
					t.Errorf("row %d: predict %v, want its target %v", i, got, y[i])
				}
			}
		})
	}
}

// maxDepth bounds the tree: depth 1 is a stump with two leaves holding the
// means of its sides.
func TestTreeMaxDepth(t *testing.T) {
	x := [][]float64{{0}, {1}, {2}, {3}}
	y := []float64{0, 0, 10, 12}
	tr := fitForest(x, y, forestOptions{trees: 1, maxDepth: 1}, rand.New(rand.NewPCG(1, 1)))[0]
	if len(tr.nodes) != 3 {
		t.Fatalf("%d nodes, want a stump of 3", len(tr.nodes))
	}
	root := tr.nodes[0]
	if root.feature != 0 || root.threshold != 1.5 {
		t.Errorf("root splits column %d at %v, want column 0 at 1.5 (halfway between 1 and 2)", root.feature, root.threshold)
	}
	if l, r := tr.nodes[root.left].value, tr.nodes[root.right].value; l != 0 || r != 11 {
		t.Errorf("leaves %v and %v, want 0 and 11", l, r)
	}
}

// Bootstrap weights count: a row drawn twice weighs twice in its leaf's
// mean, and a forest's trees differ.
func TestForestBootstrap(t *testing.T) {
	rng := rand.New(rand.NewPCG(2, 2))
	x, y := uniform(rng, 40, 2, func(x []float64) float64 { return x[0] + x[1] })
	trees := fitForest(x, y, forestOptions{trees: 8, maxDepth: 64, bootstrap: true}, rng)
	same := 0
	for _, tr := range trees[1:] {
		if len(tr.nodes) == len(trees[0].nodes) && tr.nodes[0] == trees[0].nodes[0] {
			same++
		}
	}
	if same == len(trees)-1 {
		t.Error("every bootstrap tree has the first one's root: the samples do not differ")
	}
	// The root's value is the weighted mean of the drawn rows, which is
	// not the plain mean of y (with 40 draws of 40 rows, essentially
	// never).
	var mean float64
	for _, v := range y {
		mean += v
	}
	mean /= float64(len(y))
	if v := trees[0].nodes[0].value; v == mean {
		t.Errorf("root value %v is the plain mean: the draws carry no weight", v)
	}
}

// uniform draws n rows of d columns uniformly on [0, 1) and their targets.
func uniform(rng *rand.Rand, n, d int, f func([]float64) float64) ([][]float64, []float64) {
	x := make([][]float64, n)
	y := make([]float64, n)
	for i := range x {
		x[i] = make([]float64, d)
		for j := range x[i] {
			x[i][j] = rng.Float64()
		}
		y[i] = f(x[i])
	}
	return x, y
}
