package metrics

import (
	"encoding/json"
	"errors"
	"math"
	"reflect"
	"strings"
	"testing"

	"gonum.org/v1/gonum/floats"
	"gonum.org/v1/gonum/floats/scalar"
)

// tol is the tolerance for comparing computed scores with expected ones;
// the expected values are exact fractions or printed by scikit-learn to
// ~16 digits.
const tol = 1e-12

// threeClass is a 3-class example with every kind of error. The argmax
// of the rows gives yPred = [0 0 1 1 1 2 2 2 0 1] (the last row ties
// classes 1 and 2 and picks 1, the first), so the confusion matrix is
//
//	true 0: [2 1 0]
//	true 1: [0 2 1]
//	true 2: [1 1 2]
//
// tp = [2 2 2], support (row sums) = [3 3 4], predicted (column sums) =
// [3 4 3], accuracy = 6/10.
var threeClass = struct {
	yTrue []int
	proba [][]float64
}{
	yTrue: []int{0, 0, 0, 1, 1, 1, 2, 2, 2, 2},
	proba: [][]float64{
		{0.5, 0.25, 0.25},
		{0.8, 0.1, 0.1},
		{0.25, 0.5, 0.25},
		{0.1, 0.8, 0.1},
		{0.25, 0.5, 0.25},
		{0.1, 0.4, 0.5},
		{0.1, 0.1, 0.8},
		{0.25, 0.25, 0.5},
		{0.5, 0.25, 0.25},
		{0.2, 0.4, 0.4},
	},
}

// zeroDivision has four classes: class 2 is never predicted (its
// precision divides by zero and is 0) and class 3 occurs in neither the
// true nor the predicted labels (so it is left out of the macro averages).
// Every row puts probability exactly 0 on some classes, and rows
// 3 and 4 on the true class, which log loss must clip. yPred (argmax, row 1
// ties and picks 0) = [0 0 1 0 1]; the confusion matrix is
//
//	true 0: [2 0 0 0]
//	true 1: [1 1 0 0]
//	true 2: [0 1 0 0]
//	true 3: [0 0 0 0]
//
// tp = [2 1 0 0], support = [2 2 1 0], predicted = [3 2 0 0].
var zeroDivision = struct {
	yTrue []int
	proba [][]float64
}{
	yTrue: []int{0, 0, 1, 1, 2},
	proba: [][]float64{
		{1, 0, 0, 0},
		{0.5, 0.5, 0, 0},
		{0, 1, 0, 0},
		{1, 0, 0, 0},
		{0, 1, 0, 0},
	},
}

func TestEvaluate(t *testing.T) {
	tests := map[string]struct {
		yTrue   []int
		proba   [][]float64
		classes int
		want    Report
	}{
		// By hand (scikit-learn 1.2.1's accuracy_score, confusion_matrix,
		// precision_recall_fscore_support and log_loss agreed):
		//  precision = tp/predicted = [2/3, 2/4, 2/3]
		//  recall    = tp/support   = [2/3, 2/3, 2/4]
		//  F1 = 2PR/(P+R) = [2/3, (2/3)/(7/6) = 4/7, 4/7]
		//  macro: P = (2/3+1/2+2/3)/3 = 11/18, R = 11/18,
		//         F1 = (2/3+4/7+4/7)/3 = 38/63
		//  weighted by [3 3 4]/10: P = (2+1.5+8/3)/10 = 37/60,
		//         R = (2+2+2)/10 = 0.6, F1 = (2+12/7+16/7)/10 = 0.6
		//  log loss = -(3 ln 0.5 + 3 ln 0.8 + 2 ln 0.25 + 2 ln 0.4)/10
		//           = (2.0794415 + 0.6694307 + 2.7725887 + 1.8325815)/10
		//           = 0.73540424; sklearn: 0.7354042381610556.
		"three classes": {
			yTrue: threeClass.yTrue, proba: threeClass.proba, classes: 3,
			want: Report{
				Accuracy:          0.6,
				Precision:         []float64{2.0 / 3, 0.5, 2.0 / 3},
				Recall:            []float64{2.0 / 3, 2.0 / 3, 0.5},
				F1:                []float64{2.0 / 3, 4.0 / 7, 4.0 / 7},
				Support:           []int{3, 3, 4},
				PrecisionMacro:    11.0 / 18,
				RecallMacro:       11.0 / 18,
				F1Macro:           38.0 / 63,
				PrecisionWeighted: 37.0 / 60,
				RecallWeighted:    0.6,
				F1Weighted:        0.6,
				LogLoss:           0.7354042381610556,
				Confusion:         [][]int{{2, 1, 0}, {0, 2, 1}, {1, 1, 2}},
			},
		},
		// By hand (scikit-learn 1.2.1 agreed, with labels=range(4) for the
		// per-class values and log loss):
		//  precision = [2/3, 1/2, 0 (0/0), 0 (0/0)]
		//  recall    = [2/2, 1/2, 0/1, 0 (0/0)]
		//  F1 = [2(2/3)(1)/(5/3) = 0.8, 0.5, 0, 0]
		//  macro over the classes present, {0, 1, 2}:
		//         P = (2/3+1/2+0)/3 = 7/18, R = 1.5/3 = 0.5, F1 = 1.3/3
		//  weighted by [2 2 1 0]/5: P = (4/3+1)/5 = 7/15, R = 3/5,
		//         F1 = (1.6+1)/5 = 0.52
		//  log loss: clipping to [eps, 1-eps] with eps = 2^-52 and
		//  renormalising makes every row sum to 1+2eps, so the losses are
		//  ≈3eps, ln 2, ≈3eps, -ln(eps/(1+2eps)) = 52 ln 2 ≈ 36.0436534,
		//  and 36.0436534 again; the mean is (0.6931472 + 72.0873068)/5 =
		//  14.5560908; sklearn: 14.556090791758852 (with the pre-1.2
		//  eps=1e-15 it would be 13.954139994076263).
		"zero division and clipping": {
			yTrue: zeroDivision.yTrue, proba: zeroDivision.proba, classes: 4,
			want: Report{
				Accuracy:          0.6,
				Precision:         []float64{2.0 / 3, 0.5, 0, 0},
				Recall:            []float64{1, 0.5, 0, 0},
				F1:                []float64{0.8, 0.5, 0, 0},
				Support:           []int{2, 2, 1, 0},
				PrecisionMacro:    7.0 / 18,
				RecallMacro:       0.5,
				F1Macro:           1.3 / 3,
				PrecisionWeighted: 7.0 / 15,
				RecallWeighted:    0.6,
				F1Weighted:        0.52,
				LogLoss:           14.556090791758852,
				Confusion:         [][]int{{2, 0, 0, 0}, {1, 1, 0, 0}, {0, 1, 0, 0}, {0, 0, 0, 0}},
			},
		},
		// Perfect predictions: every score is 1. The rows {1, 0} are
		// clipped to {1-eps, eps}, which sum to exactly 1, so each loss is
		// -ln(1-eps) ≈ eps; sklearn 1.2.1 gives 2.2204460492503136e-16.
		"perfect": {
			yTrue: []int{0, 1}, proba: [][]float64{{1, 0}, {0, 1}}, classes: 2,
			want: Report{
				Accuracy: 1, Precision: []float64{1, 1}, Recall: []float64{1, 1}, F1: []float64{1, 1},
				Support: []int{1, 1}, PrecisionMacro: 1, RecallMacro: 1, F1Macro: 1,
				PrecisionWeighted: 1, RecallWeighted: 1, F1Weighted: 1,
				LogLoss:   2.2204460492503136e-16,
				Confusion: [][]int{{1, 0}, {0, 1}},
			},
		},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			got := Evaluate(tt.yTrue, tt.proba, tt.classes)
			scalars := []struct {
				name      string
				got, want float64
			}{
				{"Accuracy", got.Accuracy, tt.want.Accuracy},
				{"PrecisionMacro", got.PrecisionMacro, tt.want.PrecisionMacro},
				{"RecallMacro", got.RecallMacro, tt.want.RecallMacro},
				{"F1Macro", got.F1Macro, tt.want.F1Macro},
				{"PrecisionWeighted", got.PrecisionWeighted, tt.want.PrecisionWeighted},
				{"RecallWeighted", got.RecallWeighted, tt.want.RecallWeighted},
				{"F1Weighted", got.F1Weighted, tt.want.F1Weighted},
				{"LogLoss", got.LogLoss, tt.want.LogLoss},
			}
			for _, s := range scalars {
				if !scalar.EqualWithinAbsOrRel(s.got, s.want, tol, tol) {
					t.Errorf("%s: got %.17g, want %.17g", s.name, s.got, s.want)
				}
			}
			slices := []struct {
				name      string
				got, want []float64
			}{
				{"Precision", got.Precision, tt.want.Precision},
				{"Recall", got.Recall, tt.want.Recall},
				{"F1", got.F1, tt.want.F1},
			}
			for _, s := range slices {
				if !floats.EqualApprox(s.got, s.want, tol) {
					t.Errorf("%s: got %v, want %v", s.name, s.got, s.want)
				}
			}
			if !reflect.DeepEqual(got.Support, tt.want.Support) {
				t.Errorf("Support: got %v, want %v", got.Support, tt.want.Support)
			}
			if !reflect.DeepEqual(got.Confusion, tt.want.Confusion) {
				t.Errorf("Confusion: got %v, want %v", got.Confusion, tt.want.Confusion)
			}
		})
	}
}

func TestReportJSON(t *testing.T) {
	b, err := json.Marshal(Evaluate(threeClass.yTrue, threeClass.proba, 3))
	if err != nil {
		t.Fatalf("json.Marshal: %v", err)
	}
	for _, key := range []string{
		"accuracy", "precision", "recall", "f1", "support", "precision_macro", "recall_macro",
		"f1_macro", "precision_weighted", "recall_weighted", "f1_weighted", "log_loss", "confusion",
	} {
		if !strings.Contains(string(b), `"`+key+`":`) {
			t.Errorf("JSON %s has no key %q", b, key)
		}
	}
}

func TestAccuracy(t *testing.T) {
	tests := map[string]struct {
		yTrue, yPred []int
		want         float64
	}{
		"all right": {yTrue: []int{0, 1, 2}, yPred: []int{0, 1, 2}, want: 1},
		"all wrong": {yTrue: []int{0, 1}, yPred: []int{1, 0}, want: 0},
		"3 of 4":    {yTrue: []int{0, 1, 1, 0}, yPred: []int{0, 1, 0, 0}, want: 0.75},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			if got := Accuracy(tt.yTrue, tt.yPred); got != tt.want {
				t.Errorf("Accuracy(%v, %v) = %v, want %v", tt.yTrue, tt.yPred, got, tt.want)
			}
		})
	}
}

func TestConfusionMatrix(t *testing.T) {
	// Rows are true classes, columns predicted ones, as
	// sklearn.metrics.confusion_matrix(y_true, y_pred, labels=[0, 1, 2]).
	got := ConfusionMatrix([]int{0, 0, 1, 2, 2}, []int{0, 1, 1, 0, 2}, 3)
	want := [][]int{{1, 1, 0}, {0, 1, 0}, {1, 0, 1}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("ConfusionMatrix = %v, want %v", got, want)
	}
}

func TestLogLoss(t *testing.T) {
	tests := map[string]struct {
		yTrue   []int
		proba   [][]float64
		classes int
		want    float64
	}{
		// -(ln 0.9 + ln 0.5)/2 = (0.1053605 + 0.6931472)/2 = 0.3992538;
		// sklearn 1.2.1: 0.39925384810888576.
		"simple": {yTrue: []int{0, 1}, proba: [][]float64{{0.9, 0.1}, {0.5, 0.5}}, classes: 2,
			want: (-math.Log(0.9) - math.Log(0.5)) / 2},
		// Rows that do not sum to 1 are renormalised: {0.2, 0.6} becomes
		// {0.25, 0.75}, so the losses are -ln 0.25 and -ln 0.75, mean
		// (1.3862944 + 0.2876821)/2 = 0.8369882; sklearn 1.2.1 agreed.
		"unnormalised": {yTrue: []int{0, 1}, proba: [][]float64{{0.2, 0.6}, {0.2, 0.6}}, classes: 2,
			want: (math.Log(4) - math.Log(0.75)) / 2},
		// Clipping comes before renormalising: {1, 3} is clipped to
		// {1-eps, 1-eps} and so becomes {0.5, 0.5}, a loss of ln 2 for
		// either class; sklearn 1.2.1 gives 0.6931471805599453.
		"clipped above 1": {yTrue: []int{0, 1}, proba: [][]float64{{1, 3}, {1, 3}}, classes: 2, want: math.Log(2)},
		// A true-class probability of exactly 0 is clipped to eps = 2^-52:
		// the row {0, 1} becomes {eps, 1-eps}, which sums to 1, so the
		// loss is -ln(2^-52) = 52 ln 2; sklearn 1.2.1's log_loss([1], [[1,
		// 0]], labels=[0, 1]) gives 36.04365338911715.
		"clipped zero": {yTrue: []int{1}, proba: [][]float64{{1, 0}}, classes: 2, want: 36.04365338911715},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			got := LogLoss(tt.yTrue, tt.proba, tt.classes)
			if !scalar.EqualWithinAbsOrRel(got, tt.want, tol, tol) {
				t.Errorf("LogLoss = %.17g, want %.17g", got, tt.want)
			}
		})
	}
}

func TestSummarize(t *testing.T) {
	tests := map[string]struct {
		values            []float64
		wantMean, wantStd float64
	}{
		// Mean 4.5/5 = 0.9; deviations 0, .1, -.1, .05, -.05; squares sum
		// to 0.025; population variance 0.025/5 = 0.005, std = 0.0707107
		// (the sample std would be 0.0790569). numpy: 0.9,
		// 0.07071067811865474.
		"five folds": {values: []float64{0.9, 1.0, 0.8, 0.95, 0.85}, wantMean: 0.9, wantStd: 0.07071067811865474},
		"one value":  {values: []float64{0.5}, wantMean: 0.5, wantStd: 0},
		"constant":   {values: []float64{0.3, 0.3, 0.3}, wantMean: 0.3, wantStd: 0},
		"none":       {values: nil, wantMean: 0, wantStd: 0},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			s := Summarize(tt.values)
			if !scalar.EqualWithinAbsOrRel(s.Mean, tt.wantMean, tol, tol) || !scalar.EqualWithinAbsOrRel(s.Std, tt.wantStd, tol, tol) {
				t.Errorf("Summarize(%v): mean %.17g, std %.17g; want %.17g, %.17g", tt.values, s.Mean, s.Std, tt.wantMean, tt.wantStd)
			}
			if len(s.Values) != len(tt.values) || (len(tt.values) > 0 && &s.Values[0] == &tt.values[0]) {
				t.Errorf("Summarize(%v).Values = %v, want a copy", tt.values, s.Values)
			}
		})
	}
}

func TestPanics(t *testing.T) {
	tests := map[string]struct {
		f       func()
		wantErr error
	}{
		"accuracy lengths":    {func() { Accuracy([]int{0}, []int{0, 1}) }, ErrLength},
		"accuracy empty":      {func() { Accuracy(nil, nil) }, ErrEmpty},
		"confusion label":     {func() { ConfusionMatrix([]int{0, 3}, []int{0, 1}, 3) }, ErrLabel},
		"confusion negative":  {func() { ConfusionMatrix([]int{0}, []int{-1}, 3) }, ErrLabel},
		"evaluate row width":  {func() { Evaluate([]int{0}, [][]float64{{1, 0, 0}}, 2) }, ErrShape},
		"evaluate lengths":    {func() { Evaluate([]int{0, 1}, [][]float64{{1, 0}}, 2) }, ErrLength},
		"evaluate empty":      {func() { Evaluate(nil, nil, 2) }, ErrEmpty},
		"evaluate no classes": {func() { Evaluate([]int{0}, [][]float64{{}}, 0) }, ErrLabel},
		"log loss label":      {func() { LogLoss([]int{2}, [][]float64{{0.5, 0.5}}, 2) }, ErrLabel},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			defer func() {
				r := recover()
				err, ok := r.(error)
				if !ok || !errors.Is(err, tt.wantErr) {
					t.Errorf("panicked with %v, want an error wrapping %v", r, tt.wantErr)
				}
			}()
			tt.f()
		})
	}
}
