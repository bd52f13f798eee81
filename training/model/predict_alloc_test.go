//go:build !race

// Allocation assertions are built only without the race detector: under
// -race, sync.Pool drops a share of what is put back on purpose, so a
// predictor that takes pooled scratch (the many-class SVM) allocates now and
// then. make test runs the packages holding these files a second time
// without -race, so they still run in CI.

package model

import (
	"math"
	"testing"
)

func TestPredictIntoDoesNotAllocate(t *testing.T) {
	tests := []struct {
		name    string
		classes int
		pred    func(t *testing.T) Predictor
	}{
		{name: "logistic_regression", classes: 3, pred: func(t *testing.T) Predictor { return sealed(t, "logistic_regression", standardizedParams()) }},
		{name: "decision_tree", classes: 3, pred: func(t *testing.T) Predictor { return sealed(t, "decision_tree", treeParams()) }},
		{name: "random_forest", classes: 3, pred: func(t *testing.T) Predictor { return reloaded(t, sealed(t, "random_forest", forestParams())) }},
		{name: "xgboost", classes: 3, pred: func(t *testing.T) Predictor { return sealed(t, "xgboost", boostedParams()) }},
		// 3 classes keep the SVM's scratch on the stack; 30 take it from a pool.
		{name: "svm, 3 classes", classes: 3, pred: func(t *testing.T) Predictor { return compiled(t, svmParams(), 3) }},
		{name: "svm, 30 classes", classes: 30, pred: func(t *testing.T) Predictor { return compiled(t, manyClassSVM(30), 30) }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			pred := tt.pred(t)
			dst := make([]float64, tt.classes)
			x := []float64{0.3, -1.2}
			pred.PredictInto(dst, x) // fills a scratch pool where the model uses one
			checkProbabilities(t, dst)
			if allocs := testing.AllocsPerRun(1000, func() { pred.PredictInto(dst, x) }); allocs != 0 {
				t.Errorf("%s: PredictInto allocates %v times per call, want 0", tt.name, allocs)
			}
		})
	}
}

func TestTreeLeafDoesNotAllocate(t *testing.T) {
	tr := treeParams().Tree
	x := []float64{7, 0.1}
	if allocs := testing.AllocsPerRun(1000, func() { tr.Leaf(x) }); allocs != 0 {
		t.Errorf("Leaf allocates %v times per call, want 0", allocs)
	}
}

func TestFillMissingDoesNotAllocate(t *testing.T) {
	b := withImpute("decision_tree", treeParams(), 3.5, 0)
	x := make([]float64, 2)
	if allocs := testing.AllocsPerRun(1000, func() {
		x[0], x[1] = math.NaN(), 1
		if _, err := b.FillMissing(x); err != nil {
			t.Fatal(err)
		}
	}); allocs != 0 {
		t.Errorf("FillMissing allocates %v times per call, want 0", allocs)
	}
}
