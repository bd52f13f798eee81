package boost_test

import (
	"context"
	"fmt"

	"github.com/mlopsgo/mlops/training/internal/classifier/boost"
)

// XGBoost 1.7 (multi:softprob, tree_method="exact") gives the same
// probability, 0.7956569, on these rows.
func ExampleTrainer_Fit() {
	// Two groups of rows on one feature, and one held-out row of each.
	X := [][]float64{{1}, {2}, {3}, {7}, {8}, {9}}
	y := []int{0, 0, 0, 1, 1, 1}
	cfg := boost.DefaultConfig()
	cfg.NEstimators = 10
	cfg.Validation = &boost.Validation{X: [][]float64{{2.5}, {7.5}}, Y: []int{0, 1}}
	tr, err := boost.New(cfg)
	if err != nil {
		panic(err)
	}
	res, err := tr.Fit(context.Background(), X, y, 2)
	if err != nil {
		panic(err)
	}
	pred, err := res.Params.Compile(1, 2)
	if err != nil {
		panic(err)
	}
	p := make([]float64, 2)
	pred.PredictInto(p, []float64{8.5})
	m := res.Params.Boosted
	fmt.Printf("%d trees, first split at x < %g\n", m.NumTrees(), m.Threshold[0])
	fmt.Printf("P(class 1 | x = 8.5) = %.3f\n", p[1])
	fmt.Printf("training loss %.3f -> %.3f, validation loss %.3f -> %.3f\n",
		res.History[0], res.History[9], res.ValidationHistory[0], res.ValidationHistory[9])
	// Output:
	// 20 trees, first split at x < 5
	// P(class 1 | x = 8.5) = 0.796
	// training loss 0.529 -> 0.229, validation loss 0.529 -> 0.229
}
