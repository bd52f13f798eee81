package model

import (
	"encoding/json"
	"errors"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// linearSVMParams returns a hand-made calibrated linear SVM on two
// standardized features and three classes with two members: the first has
// identity-like weights, the second slopes of 0, so that every sigmoid gives
// ½ and its distribution is uniform.
func linearSVMParams() Params {
	return Params{LinearSVM: &LinearSVM{
		Labels: []int{0, 1, 2},
		Members: []LinearSVMMember{
			{
				Coef:      [][]float64{{1, 0}, {0, 1}, {-1, -1}},
				Intercept: []float64{0, 0.5, 0},
				SigmoidA:  []float64{-1, -1, -1},
				SigmoidB:  []float64{0, 0, 0},
			},
			{
				Coef:      [][]float64{{3, 1}, {-2, 1}, {0.5, 0.5}},
				Intercept: []float64{1, 2, 3},
				SigmoidA:  []float64{0, 0, 0},
				SigmoidB:  []float64{0, 0, 0},
			},
		},
		Mean:  []float64{1, 0},
		Scale: []float64{2, 1},
	}}
}

// binaryLinearSVMParams returns one member over classes 0 and 2 of three
// (class 1 absent from training), standardized as linearSVMParams.
func binaryLinearSVMParams() Params {
	return Params{LinearSVM: &LinearSVM{
		Labels: []int{0, 2},
		Members: []LinearSVMMember{{
			Coef:      [][]float64{{2, -1}},
			Intercept: []float64{0.25},
			SigmoidA:  []float64{-2},
			SigmoidB:  []float64{0.5},
		}},
		Mean:  []float64{1, 0},
		Scale: []float64{2, 1},
	}}
}

// TestLinearSVMByHand checks probabilities at x = (3, 1), standardized to
// x' = (1, 1). Expected values by hand, evaluated with Python's math
// module. Three classes: the first member's decision values are (1, 1.5,
// −2), its sigmoids σ(1), σ(1.5), σ(−2) divided by their sum; the second's
// distribution is uniform; the bundle averages the two. Two classes: the
// decision value is 2 − 1 + 0.25 = 1.25, p = 1/(1 + exp(−2.5 + 0.5)) for
// class 2 and 1 − p for class 0; class 1 gets 0.
func TestLinearSVMByHand(t *testing.T) {
	const tol = 1e-15
	tests := map[string]struct {
		p    Params
		want []float64
	}{
		"three classes, two members": {linearSVMParams(), []float64{0.3858304779703995, 0.41176705050052886, 0.20240247152907156}},
		"two classes of three":       {binaryLinearSVMParams(), []float64{0.11920292202211769, 0, 0.8807970779778823}},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			got := sealed(t, "linear_svm", tt.p).Predict([]float64{3, 1})
			for k := range tt.want {
				if math.Abs(got[k]-tt.want[k]) > tol {
					t.Fatalf("probabilities %v, want %v", got, tt.want)
				}
			}
			checkProbabilities(t, got)
		})
	}
}

func TestLinearSVMDecisionInto(t *testing.T) {
	m := linearSVMParams().LinearSVM
	dst := make([]float64, 3)
	m.DecisionInto(dst, 0, []float64{3, 1})
	want := []float64{1, 1.5, -2}
	for k := range want {
		if math.Abs(dst[k]-want[k]) > 1e-15 {
			t.Fatalf("decision values %v, want %v", dst, want)
		}
	}
}

// TestLinearSVMZeroSum covers scikit-learn's edge case: every sigmoid of a
// member underflows to 0, and the member contributes a uniform
// distribution instead of dividing by zero.
func TestLinearSVMZeroSum(t *testing.T) {
	p := linearSVMParams()
	p.LinearSVM.Members = p.LinearSVM.Members[:1]
	p.LinearSVM.Members[0].SigmoidB = []float64{1e4, 1e4, 1e4}
	got := sealed(t, "linear_svm", p).Predict([]float64{3, 1})
	for k, v := range got {
		if v != 1.0/3 {
			t.Fatalf("probabilities %v, want uniform (class %d is %v)", got, k, v)
		}
	}
}

func TestLinearSVMValidation(t *testing.T) {
	tests := map[string]struct {
		edit func(m *LinearSVM)
		want string
	}{
		"one label":          {func(m *LinearSVM) { m.Labels = []int{0} }, "1 labels"},
		"labels unsorted":    {func(m *LinearSVM) { m.Labels = []int{0, 2, 1} }, "must increase"},
		"label out of range": {func(m *LinearSVM) { m.Labels = []int{0, 1, 3} }, "must increase"},
		"no members":         {func(m *LinearSVM) { m.Members = nil }, "no members"},
		"coef rows":          {func(m *LinearSVM) { m.Members[1].Coef = m.Members[1].Coef[:2] }, "member 1: 2 coefficient rows"},
		"binary rows":        {func(m *LinearSVM) { m.Labels = []int{0, 1} }, "2 labels, want 1"},
		"coef length":        {func(m *LinearSVM) { m.Members[0].Coef[2] = []float64{1} }, "row 2 has 1 values"},
		"coef not finite":    {func(m *LinearSVM) { m.Members[0].Coef[1][0] = math.NaN() }, "row 1 is not finite"},
		"intercepts":         {func(m *LinearSVM) { m.Members[0].Intercept = nil }, "0 intercept values"},
		"sigmoid_a":          {func(m *LinearSVM) { m.Members[1].SigmoidA[2] = math.Inf(1) }, "member 1: sigmoid_a is not finite"},
		"sigmoid_b length":   {func(m *LinearSVM) { m.Members[0].SigmoidB = []float64{0} }, "1 sigmoid_b values"},
		"mean without scale": {func(m *LinearSVM) { m.Scale = nil }, "2 means and 0 scales"},
		"scale zero":         {func(m *LinearSVM) { m.Scale[1] = 0 }, "feature 1: scale 0"},
		"mean not finite":    {func(m *LinearSVM) { m.Mean[0] = math.NaN() }, "feature 0: scale"},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			p := linearSVMParams()
			tt.edit(p.LinearSVM)
			err := sampleBundle("linear_svm", p).Seal()
			if !errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("Seal: error %v, want ErrInvalid containing %q", err, tt.want)
			}
		})
	}
}

func TestLinearSVMRoundTrip(t *testing.T) {
	for name, p := range map[string]Params{"multi-class": linearSVMParams(), "binary": binaryLinearSVMParams()} {
		t.Run(name, func(t *testing.T) {
			b := sealed(t, "linear_svm", p)
			data, err := b.Marshal()
			if err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(string(data), `"linear_svm"`) {
				t.Fatalf("bundle does not name the linear_svm kind:\n%s", data)
			}
			loaded, err := Parse(data)
			if err != nil {
				t.Fatal(err)
			}
			again, err := loaded.Marshal()
			if err != nil {
				t.Fatal(err)
			}
			if string(again) != string(data) {
				t.Fatal("load then marshal changed the bytes")
			}
			for _, x := range [][]float64{{0, 0}, {2, 1}, {-3, 4}, {10, -5}} {
				want, got := b.Predict(x), loaded.Predict(x)
				for k := range want {
					if want[k] != got[k] {
						t.Fatalf("x=%v: before save %v, after load %v", x, want, got)
					}
				}
				checkProbabilities(t, got)
			}
		})
	}
}

// linearSVMReference is testdata/sklearn_linear_svm_predict.json.
type linearSVMReference struct {
	SklearnVersion string `json:"sklearn_version"`
	Cases          []struct {
		Name    string    `json:"name"`
		Labels  []int     `json:"labels"`
		Mean    []float64 `json:"mean"`
		Scale   []float64 `json:"scale"`
		Members []struct {
			Coef      [][]float64 `json:"coef"`
			Intercept []float64   `json:"intercept"`
			SigmoidA  []float64   `json:"sigmoid_a"`
			SigmoidB  []float64   `json:"sigmoid_b"`
			Decision  [][]float64 `json:"decision"`
		} `json:"members"`
		Inputs [][]float64 `json:"inputs"`
		Proba  [][]float64 `json:"proba"`
	} `json:"cases"`
}

// TestLinearSVMMatchesSklearn rebuilds scikit-learn 1.2.1's
// CalibratedClassifierCV(LinearSVC(), cv=3) models of
// testdata/sklearn_linear_svm_predict.json (written by
// gen_sklearn_linear_svm_predict.py, run with /usr/bin/python3) from their
// fitted parameters, and checks that each member's decision values and the
// ensemble's predict_proba are scikit-learn's: the same arithmetic, so
// equal up to rounding (summation order in the dot products).
func TestLinearSVMMatchesSklearn(t *testing.T) {
	const tol = 1e-12
	data, err := os.ReadFile(filepath.Join("testdata", "sklearn_linear_svm_predict.json"))
	if err != nil {
		t.Fatal(err)
	}
	var ref linearSVMReference
	if err := json.Unmarshal(data, &ref); err != nil {
		t.Fatal(err)
	}
	const classes = 3
	for _, tc := range ref.Cases {
		t.Run(tc.Name, func(t *testing.T) {
			m := &LinearSVM{Labels: tc.Labels}
			if len(tc.Scale) != 0 {
				m.Mean, m.Scale = tc.Mean, tc.Scale
			}
			for _, mem := range tc.Members {
				m.Members = append(m.Members, LinearSVMMember{Coef: mem.Coef, Intercept: mem.Intercept, SigmoidA: mem.SigmoidA, SigmoidB: mem.SigmoidB})
			}
			p := Params{LinearSVM: m}
			pred, err := p.Compile(4, classes)
			if err != nil {
				t.Fatal(err)
			}
			proba := make([]float64, classes)
			for i, x := range tc.Inputs {
				for f, mem := range tc.Members {
					dec := make([]float64, len(mem.Intercept))
					m.DecisionInto(dec, f, x)
					for k := range dec {
						if want := mem.Decision[i][k]; math.Abs(dec[k]-want) > tol*max(1, math.Abs(want)) {
							t.Errorf("input %v, member %d: decision values %v, scikit-learn %v", x, f, dec, mem.Decision[i])
							break
						}
					}
				}
				pred.PredictInto(proba, x)
				for c, l := range tc.Labels {
					if math.Abs(proba[l]-tc.Proba[i][c]) > tol {
						t.Errorf("input %v: probabilities %v, scikit-learn %v for classes %v", x, proba, tc.Proba[i], tc.Labels)
						break
					}
				}
				checkProbabilities(t, proba)
			}
		})
	}
}
