package model

import (
	"encoding/json"
	"errors"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
)

// svmParams returns a hand-made linear SVM on two features and three
// classes, one support vector per class.
func svmParams() Params {
	return Params{SVM: &SVM{
		Kernel:         KernelLinear,
		Labels:         []int{0, 1, 2},
		NSupport:       []int{1, 1, 1},
		SupportVectors: [][]float64{{1, 0}, {0, 1}, {-1, -1}},
		DualCoef:       [][]float64{{1, -1, 0.5}, {0.5, 1, -1}},
		Intercept:      []float64{0.1, -0.2, 0.3},
		ProbA:          []float64{-2, -1.5, -3},
		ProbB:          []float64{0.1, 0, -0.2},
	}}
}

// TestSVMDecisionByHand checks DecisionInto on svmParams at x = (2, 1), by
// hand: the kernel values are x·sv = 2, 1, −3. Pair (0,1) sums class 0's
// vector with row 0 and class 1's with row 0: 1·2 − 1·1 + 0.1 = 1.1. Pair
// (0,2): class 0 with row 1, class 2 with row 0: 0.5·2 + 0.5·(−3) − 0.2 =
// −0.7. Pair (1,2): class 1 with row 1, class 2 with row 1:
// 1·1 − 1·(−3) + 0.3 = 4.3.
func TestSVMDecisionByHand(t *testing.T) {
	s := svmParams().SVM
	got := make([]float64, 3)
	s.DecisionInto(got, []float64{2, 1})
	want := []float64{1.1, -0.7, 4.3}
	for p := range want {
		if math.Abs(got[p]-want[p]) > 1e-15 {
			t.Fatalf("decision values %v, want %v", got, want)
		}
	}
	// Votes: (0,1) → 0, (0,2) → 2, (1,2) → 1: a three-way tie, which the
	// first class wins, as in libsvm.
	if v := s.Vote(got); v != 0 {
		t.Errorf("vote %d, want 0", v)
	}
}

// svmReference is the JSON written by testdata/gen_sklearn_svm_predict.py.
type svmReference struct {
	Cases []struct {
		Name           string      `json:"name"`
		Kernel         string      `json:"kernel"`
		Gamma          float64     `json:"gamma"`
		Labels         []int       `json:"labels"`
		NSupport       []int       `json:"n_support"`
		SupportVectors [][]float64 `json:"support_vectors"`
		DualCoef       [][]float64 `json:"dual_coef"`
		Intercept      []float64   `json:"intercept"`
		ProbA          []float64   `json:"prob_a"`
		ProbB          []float64   `json:"prob_b"`
		Inputs         [][]float64 `json:"inputs"`
		Decision       [][]float64 `json:"decision"`
		Proba          [][]float64 `json:"proba"`
		Predict        []int       `json:"predict"`
	} `json:"cases"`
}

// TestSVMMatchesSklearn rebuilds the models of
// testdata/sklearn_svm_predict.json, fitted by scikit-learn 1.2.1's SVC with
// probability=True (testdata/gen_sklearn_svm_predict.py, run with
// /usr/bin/python3), from their libsvm parameters, and checks that they
// reproduce scikit-learn's decision values, predict_proba and predict: the
// same arithmetic in the same order, so equal up to rounding.
func TestSVMMatchesSklearn(t *testing.T) {
	const tol = 1e-12
	data, err := os.ReadFile(filepath.Join("testdata", "sklearn_svm_predict.json"))
	if err != nil {
		t.Fatal(err)
	}
	var ref svmReference
	if err := json.Unmarshal(data, &ref); err != nil {
		t.Fatal(err)
	}
	const classes = 3
	for _, tc := range ref.Cases {
		t.Run(tc.Name, func(t *testing.T) {
			p := Params{SVM: &SVM{
				Kernel: tc.Kernel, Gamma: tc.Gamma, Labels: tc.Labels, NSupport: tc.NSupport,
				SupportVectors: tc.SupportVectors, DualCoef: tc.DualCoef, Intercept: tc.Intercept,
				ProbA: tc.ProbA, ProbB: tc.ProbB,
			}}
			pred, err := p.Compile(4, classes)
			if err != nil {
				t.Fatal(err)
			}
			dec := make([]float64, len(tc.Intercept))
			proba := make([]float64, classes)
			for i, x := range tc.Inputs {
				p.SVM.DecisionInto(dec, x)
				for k := range dec {
					if math.Abs(dec[k]-tc.Decision[i][k]) > tol*max(1, math.Abs(tc.Decision[i][k])) {
						t.Errorf("input %v: decision values %v, scikit-learn %v", x, dec, tc.Decision[i])
						break
					}
				}
				if v := p.SVM.Vote(dec); v != tc.Predict[i] {
					t.Errorf("input %v: vote %d, scikit-learn predicts %d", x, v, tc.Predict[i])
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

// TestCoupleProbabilities checks libsvm's coupling on pairwise
// probabilities that are consistent with a known distribution p
// (r_ij = p_i/(p_i + p_j)): the exact solution is p itself, and libsvm
// stops once Qp is within 0.005/k of pᵀQp, which leaves p within about
// that. With two classes the solution is (r, 1 − r).
func TestCoupleProbabilities(t *testing.T) {
	const tol = 5e-3
	for _, want := range [][]float64{
		{0.7, 0.3},
		{0.2, 0.5, 0.3},
		{1.0 / 3, 1.0 / 3, 1.0 / 3},
		{0.05, 0.1, 0.15, 0.2, 0.5},
		{0.01, 0.02, 0.03, 0.04, 0.1, 0.1, 0.1, 0.1, 0.2, 0.3},
	} {
		k := len(want)
		var r []float64
		for i := range k {
			for j := i + 1; j < k; j++ {
				r = append(r, want[i]/(want[i]+want[j]))
			}
		}
		p, qp, diag := make([]float64, k), make([]float64, k), make([]float64, k)
		coupleProbabilities(r, p, qp, diag)
		var sum float64
		for c := range p {
			sum += p[c]
			if math.Abs(p[c]-want[c]) > tol {
				t.Errorf("k=%d: coupled %v, want %v within %v", k, p, want, tol)
				break
			}
		}
		if math.Abs(sum-1) > 1e-12 {
			t.Errorf("k=%d: coupled probabilities sum to %v", k, sum)
		}
	}
}

func TestPairIndex(t *testing.T) {
	for k := 2; k <= 12; k++ {
		next := 0
		for i := range k {
			for j := i + 1; j < k; j++ {
				if got := pairIndex(k, i, j); got != next {
					t.Fatalf("pairIndex(%d, %d, %d) = %d, want %d", k, i, j, got, next)
				}
				next++
			}
		}
	}
}

func TestSVMValidation(t *testing.T) {
	tests := map[string]struct {
		edit func(s *SVM)
		want string
	}{
		"kernel":             {func(s *SVM) { s.Kernel = "poly" }, `kernel "poly"`},
		"gamma":              {func(s *SVM) { s.Gamma = math.NaN() }, "gamma"},
		"one label":          {func(s *SVM) { s.Labels = []int{0} }, "1 labels"},
		"labels unsorted":    {func(s *SVM) { s.Labels = []int{0, 2, 1} }, "must increase"},
		"label out of range": {func(s *SVM) { s.Labels = []int{0, 1, 3} }, "must increase"},
		"counts":             {func(s *SVM) { s.NSupport = []int{1, 2} }, "support vector counts"},
		"counts add up":      {func(s *SVM) { s.NSupport = []int{1, 1, 2} }, "add up to 4"},
		"vector length":      {func(s *SVM) { s.SupportVectors[1] = []float64{1} }, "support vector 1 has 1 values"},
		"vector not finite":  {func(s *SVM) { s.SupportVectors[2][0] = math.Inf(1) }, "support vector 2 is not finite"},
		"coef rows":          {func(s *SVM) { s.DualCoef = s.DualCoef[:1] }, "rows of dual coefficients"},
		"coef length":        {func(s *SVM) { s.DualCoef[1] = s.DualCoef[1][:2] }, "row 1 has 2 values"},
		"coef not finite":    {func(s *SVM) { s.DualCoef[0][0] = math.NaN() }, "row 0 is not finite"},
		"intercepts":         {func(s *SVM) { s.Intercept = s.Intercept[:2] }, "2 intercept values"},
		"prob_a not finite":  {func(s *SVM) { s.ProbA[1] = math.Inf(-1) }, "prob_a is not finite"},
		"prob_b missing":     {func(s *SVM) { s.ProbB = nil }, "0 prob_b values"},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			p := svmParams()
			tt.edit(p.SVM)
			b := sampleBundle("svm", p)
			err := b.Seal()
			if !errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("Seal: error %v, want ErrInvalid containing %q", err, tt.want)
			}
		})
	}
}

func TestSVMRoundTrip(t *testing.T) {
	for _, kernel := range []string{KernelLinear, KernelRBF} {
		t.Run(kernel, func(t *testing.T) {
			p := svmParams()
			p.SVM.Kernel = kernel
			if kernel == KernelRBF {
				p.SVM.Gamma = 0.7
			}
			b := sealed(t, "svm", p)
			data, err := b.Marshal()
			if err != nil {
				t.Fatal(err)
			}
			loaded, err := Parse(data)
			if err != nil {
				t.Fatal(err)
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

// manyClassSVM returns a valid linear SVM with the given number of classes
// on two features, large enough to need pooled prediction scratch.
func manyClassSVM(classes int) Params {
	rng := rand.New(rand.NewPCG(1, 2))
	s := &SVM{Kernel: KernelLinear}
	for c := range classes {
		s.Labels = append(s.Labels, c)
		s.NSupport = append(s.NSupport, 1)
		s.SupportVectors = append(s.SupportVectors, []float64{rng.NormFloat64(), rng.NormFloat64()})
	}
	for range classes - 1 {
		row := make([]float64, classes)
		for i := range row {
			row[i] = rng.NormFloat64()
		}
		s.DualCoef = append(s.DualCoef, row)
	}
	for range classes * (classes - 1) / 2 {
		s.Intercept = append(s.Intercept, rng.NormFloat64())
		s.ProbA = append(s.ProbA, -1-rng.Float64())
		s.ProbB = append(s.ProbB, rng.NormFloat64()/10)
	}
	return Params{SVM: s}
}

// TestSVMPredictConcurrent predicts from many goroutines with a model small
// enough for stack scratch and one that takes pooled scratch; run under
// -race by make test.
func TestSVMPredictConcurrent(t *testing.T) {
	for _, classes := range []int{3, 30} {
		p := svmParams()
		if classes != 3 {
			p = manyClassSVM(classes)
		}
		pred, err := p.Compile(2, classes)
		if err != nil {
			t.Fatal(err)
		}
		inputs := [][]float64{{0.3, -1.2}, {2, 1}, {-4, 0.5}}
		want := make([][]float64, len(inputs))
		for i, x := range inputs {
			want[i] = make([]float64, classes)
			pred.PredictInto(want[i], x)
		}
		var wg sync.WaitGroup
		for range 8 {
			wg.Go(func() {
				dst := make([]float64, classes)
				for n := range 300 {
					i := n % len(inputs)
					pred.PredictInto(dst, inputs[i])
					if !slices.Equal(dst, want[i]) {
						t.Errorf("%d classes: concurrent prediction %v, want %v", classes, dst, want[i])
						return
					}
				}
			})
		}
		wg.Wait()
	}
}
