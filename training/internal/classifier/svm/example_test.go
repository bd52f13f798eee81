package svm_test

import (
	"context"
	"fmt"

	"github.com/mlopsgo/mlops/training/internal/classifier/svm"
)

// A linear SVM on six points that the line x₀ = 1 separates: the support
// vectors are the two points on the margin, and the decision function is
// 1 − x₀.
func ExampleTrainer_Fit() {
	X := [][]float64{{0, 0}, {-1, 1}, {-1, -1}, {2, 0}, {3, 1}, {3, -1}}
	y := []int{0, 0, 0, 1, 1, 1}
	cfg := svm.DefaultConfig()
	cfg.Kernel = svm.Linear
	cfg.C = 10
	tr, err := svm.New(cfg)
	if err != nil {
		panic(err)
	}
	fit, err := tr.Fit(context.Background(), X, y, 2)
	if err != nil {
		panic(err)
	}
	m := fit.Params.SVM
	dec := make([]float64, 1)
	m.DecisionInto(dec, []float64{-2, 0})
	fmt.Printf("support vectors %v, f(-2, 0) = %.2f, vote %d\n", m.SupportVectors, dec[0], m.Vote(dec))
	// Output: support vectors [[0 0] [2 0]], f(-2, 0) = 3.00, vote 0
}
