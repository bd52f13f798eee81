package model

import (
	"math"
	"math/rand/v2"
	"slices"
	"strconv"
	"testing"
)

// TestPredictBatchMatchesPredictInto requires PredictBatch to give every
// row PredictInto's probabilities to the last bit, for every kind of model,
// across block boundaries and with missing values where a model takes them.
func TestPredictBatchMatchesPredictInto(t *testing.T) {
	tests := []struct {
		name string
		pred func(t *testing.T) Predictor
		nan  bool
	}{
		{"logistic_regression", func(t *testing.T) Predictor { return compiled(t, standardizedParams(), 3) }, false},
		{"decision_tree", func(t *testing.T) Predictor { return compiled(t, treeParams(), 3) }, false},
		{"random_forest", func(t *testing.T) Predictor { return compiled(t, forestParams(), 3) }, false},
		{"xgboost", func(t *testing.T) Predictor { return compiled(t, boostedParams(), 3) }, true},
		{"xgboost bundle", func(t *testing.T) Predictor { return sealed(t, "xgboost", boostedParams()) }, true},
		{"random_forest bundle", func(t *testing.T) Predictor { return reloaded(t, sealed(t, "random_forest", forestParams())) }, false},
		{"svm", func(t *testing.T) Predictor { return compiled(t, svmParams(), 3) }, false},
	}
	rng := rand.New(rand.NewPCG(1, 2))
	for _, tt := range tests {
		pred := tt.pred(t)
		for _, rows := range []int{0, 1, batchRows - 1, batchRows, batchRows + 1, 3*batchRows + 7} {
			t.Run(tt.name+"/"+strconv.Itoa(rows), func(t *testing.T) {
				X := make([][]float64, rows)
				dst := make([][]float64, rows)
				for i := range X {
					X[i] = []float64{rng.NormFloat64() * 4, rng.NormFloat64() * 4}
					if tt.nan && i%5 == 0 {
						X[i][i%2] = math.NaN()
					}
					dst[i] = make([]float64, 3)
				}
				pred.PredictBatch(dst, X)
				want := make([]float64, 3)
				for i, x := range X {
					pred.PredictInto(want, x)
					if !slices.Equal(dst[i], want) {
						t.Fatalf("row %d %v: PredictBatch %v, PredictInto %v", i, x, dst[i], want)
					}
				}
			})
		}
	}
}

func TestPredictBatchPanicsOnShape(t *testing.T) {
	pred := compiled(t, boostedParams(), 3)
	for name, call := range map[string]func(){
		"rows":     func() { pred.PredictBatch(make([][]float64, 2), [][]float64{{1, 2}}) },
		"features": func() { pred.PredictBatch([][]float64{make([]float64, 3)}, [][]float64{{1}}) },
		"classes":  func() { pred.PredictBatch([][]float64{make([]float64, 2)}, [][]float64{{1, 2}}) },
	} {
		t.Run(name, func(t *testing.T) {
			defer func() {
				if recover() == nil {
					t.Errorf("PredictBatch did not panic")
				}
			}()
			call()
		})
	}
}

// TestEnsemblesPredictInBlocks keeps the ensembles on the blocked path the
// test above compares with the row-at-a-time one.
func TestEnsemblesPredictInBlocks(t *testing.T) {
	for name, p := range map[string]Params{"xgboost": boostedParams(), "random_forest": forestParams()} {
		pp := p
		if _, ok := pp.predictor().(batchPredictor); !ok {
			t.Errorf("%s: its predictor has no predictBatch", name)
		}
	}
}

// TestPredictLabels requires each label to be ArgMax of PredictInto's
// probabilities, across the blocks PredictLabels reuses its buffer over.
func TestPredictLabels(t *testing.T) {
	pred := compiled(t, forestParams(), 3)
	rng := rand.New(rand.NewPCG(3, 4))
	for _, rows := range []int{0, 1, 1024, 2500} {
		X := make([][]float64, rows)
		for i := range X {
			X[i] = []float64{rng.NormFloat64() * 4, rng.NormFloat64() * 4}
		}
		got := PredictLabels(pred, X, 3)
		p := make([]float64, 3)
		for i, x := range X {
			pred.PredictInto(p, x)
			if want := ArgMax(p); got[i] != want {
				t.Fatalf("%d rows: row %d: label %d, PredictInto's argmax %d", rows, i, got[i], want)
			}
		}
		if len(got) != rows {
			t.Errorf("%d rows: %d labels", rows, len(got))
		}
	}
}
