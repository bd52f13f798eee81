package forest_test

import (
	"context"
	"fmt"
	"math/rand/v2"

	"github.com/mlopsgo/mlops/training/internal/classifier/forest"
)

// A forest of ten trees on two well separated groups, seeded so that the
// fit is reproducible.
func ExampleTrainer_FitForest() {
	X := [][]float64{{0, 0}, {0, 1}, {1, 0}, {1, 1}, {5, 5}, {5, 6}, {6, 5}, {6, 6}}
	y := []int{0, 0, 0, 0, 1, 1, 1, 1}
	cfg := forest.DefaultConfig()
	cfg.NEstimators = 10
	cfg.Src = rand.NewPCG(1, 1)
	tr, err := forest.New(cfg)
	if err != nil {
		panic(err)
	}
	res, err := tr.FitForest(context.Background(), X, y, 2)
	if err != nil {
		panic(err)
	}
	pred, err := res.Fitted.Params.Compile(2, 2)
	if err != nil {
		panic(err)
	}
	p := make([]float64, 2)
	pred.PredictInto(p, []float64{5.5, 5.5})
	fmt.Printf("trees: %d, P(class 1 | (5.5, 5.5)) = %.1f\n", len(res.Fitted.Params.Forest.Trees), p[1])
	// Output: trees: 10, P(class 1 | (5.5, 5.5)) = 1.0
}
