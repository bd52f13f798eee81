package model

import (
	"fmt"
	"math"
	"sync"
)

// Kernels an SVM can use.
const (
	// KernelLinear is K(a, b) = a·b.
	KernelLinear = "linear"
	// KernelRBF is K(a, b) = exp(−Gamma·‖a−b‖²).
	KernelRBF = "rbf"
)

// SVM is a multi-class support vector classifier in libsvm's one-vs-one
// form, with libsvm's probability estimates: what scikit-learn 1.2's
// SVC(probability=True) holds after a fit.
//
// The SVM classes are the bundle classes listed in Labels (all of them unless
// some were absent from the training data); every pair (i, j), i < j over
// the SVM classes, in the order (0,1), (0,2), …, (1,2), …, has a binary
// decision function
//
//	f_ij(x) = Σ_{s in class i} DualCoef[j−1][s]·K(x, s) + Σ_{s in class j} DualCoef[i][s]·K(x, s) + Intercept[ij]
//
// that is positive for class i. Prediction turns each f_ij into the pairwise
// probability r_ij = 1/(1 + exp(ProbA[ij]·f_ij + ProbB[ij])) (Platt
// scaling), clipped to [1e-7, 1−1e-7], and couples the pairwise
// probabilities into one distribution with libsvm's multiclass_probability
// (method 2 of Wu, Lin and Weng, 2004). Classes not in Labels get
// probability 0.
type SVM struct {
	// Kernel is KernelLinear or KernelRBF.
	Kernel string `json:"kernel"`
	// Gamma is the RBF kernel's coefficient; 0 for the linear kernel.
	Gamma float64 `json:"gamma"`
	// Labels lists the bundle class index of each SVM class, increasing.
	Labels []int `json:"labels"`
	// NSupport is the number of support vectors of each SVM class.
	NSupport []int `json:"n_support"`
	// SupportVectors holds the support vectors grouped by SVM class: the
	// first NSupport[0] belong to class 0, and so on.
	SupportVectors [][]float64 `json:"support_vectors"`
	// DualCoef holds len(Labels)−1 rows of one coefficient (α·y) per support
	// vector, libsvm's sv_coef layout (scikit-learn's dual_coef_).
	DualCoef [][]float64 `json:"dual_coef"`
	// Intercept has one value per pair: libsvm's −rho (scikit-learn's
	// intercept_ before its sign flip for two classes).
	Intercept []float64 `json:"intercept"`
	// ProbA and ProbB are the Platt scaling coefficients of each pair.
	ProbA []float64 `json:"prob_a"`
	ProbB []float64 `json:"prob_b"`
}

// svmMinProb is libsvm's min_prob: pairwise probabilities are clipped to
// [svmMinProb, 1−svmMinProb] so the coupling never divides by zero.
const svmMinProb = 1e-7

// svmStackFloats bounds the prediction scratch kept on the stack: enough for
// 20 classes. Larger models take their scratch from svmScratch.
const svmStackFloats = 256

// svmScratch holds prediction scratch for models with too many classes for
// the stack buffer; Get after the first Put does not allocate.
var svmScratch = sync.Pool{New: func() any { return new([]float64) }}

func (s *SVM) validate(features, classes int) error {
	switch s.Kernel {
	case KernelLinear, KernelRBF:
	default:
		return fmt.Errorf("kernel %q, want %q or %q", s.Kernel, KernelLinear, KernelRBF)
	}
	if !finite(s.Gamma) || s.Gamma < 0 {
		return fmt.Errorf("gamma %v must be finite and non-negative", s.Gamma)
	}
	k := len(s.Labels)
	if k < 2 || k > classes {
		return fmt.Errorf("%d labels for %d classes, want 2 to %d", k, classes, classes)
	}
	for c, l := range s.Labels {
		if l < 0 || l >= classes || (c > 0 && l <= s.Labels[c-1]) {
			return fmt.Errorf("labels %v must increase within [0, %d)", s.Labels, classes)
		}
	}
	if len(s.NSupport) != k {
		return fmt.Errorf("%d support vector counts for %d labels", len(s.NSupport), k)
	}
	total := 0
	for c, n := range s.NSupport {
		if n < 0 {
			return fmt.Errorf("class %d has %d support vectors", c, n)
		}
		total += n
	}
	if total == 0 || total != len(s.SupportVectors) {
		return fmt.Errorf("%d support vectors, the counts add up to %d", len(s.SupportVectors), total)
	}
	for i, v := range s.SupportVectors {
		if len(v) != features {
			return fmt.Errorf("support vector %d has %d values for %d features", i, len(v), features)
		}
		if !finite(v...) {
			return fmt.Errorf("support vector %d is not finite", i)
		}
	}
	if len(s.DualCoef) != k-1 {
		return fmt.Errorf("%d rows of dual coefficients for %d labels, want %d", len(s.DualCoef), k, k-1)
	}
	for r, row := range s.DualCoef {
		if len(row) != total {
			return fmt.Errorf("dual coefficient row %d has %d values for %d support vectors", r, len(row), total)
		}
		if !finite(row...) {
			return fmt.Errorf("dual coefficient row %d is not finite", r)
		}
	}
	pairs := k * (k - 1) / 2
	for _, f := range []struct {
		name string
		v    []float64
	}{{"intercept", s.Intercept}, {"prob_a", s.ProbA}, {"prob_b", s.ProbB}} {
		if len(f.v) != pairs {
			return fmt.Errorf("%d %s values for %d class pairs", len(f.v), f.name, pairs)
		}
		if !finite(f.v...) {
			return fmt.Errorf("%s is not finite", f.name)
		}
	}
	return nil
}

// svmScratchLen is the scratch prediction needs for k classes: the pairs'
// decision values, then the coupled probabilities, Qp and Q's diagonal.
func svmScratchLen(k int) int { return k*(k-1)/2 + 3*k }

func (s *SVM) predictInto(dst, x []float64) {
	need := svmScratchLen(len(s.Labels))
	if need <= svmStackFloats {
		var stack [svmStackFloats]float64
		s.predictWith(dst, x, stack[:need])
		return
	}
	buf := svmScratch.Get().(*[]float64)
	if cap(*buf) < need {
		*buf = make([]float64, need)
	}
	s.predictWith(dst, x, (*buf)[:need])
	svmScratch.Put(buf)
}

// predictWith is predictInto with caller-provided scratch of
// svmScratchLen(len(s.Labels)) values, as libsvm's svm_predict_probability.
func (s *SVM) predictWith(dst, x, scratch []float64) {
	k := len(s.Labels)
	pairs := k * (k - 1) / 2
	r := scratch[:pairs]
	p := scratch[pairs : pairs+k]
	qp := scratch[pairs+k : pairs+2*k]
	diag := scratch[pairs+2*k : pairs+3*k]
	s.DecisionInto(r, x)
	for i, f := range r {
		r[i] = min(max(plattProbability(f, s.ProbA[i], s.ProbB[i]), svmMinProb), 1-svmMinProb)
	}
	coupleProbabilities(r, p, qp, diag)
	clear(dst)
	for c, l := range s.Labels {
		dst[l] = p[c]
	}
}

// DecisionInto writes the one-vs-one decision values f_ij(x) into dst, one
// per pair in the order described on SVM; a positive value favors the pair's
// first class. The sums run in libsvm's order, so the values are libsvm's
// (scikit-learn's decision_function with decision_function_shape="ovo").
// DecisionInto does not allocate and is safe for concurrent use. It panics
// if len(dst) is not the number of pairs; the SVM must have been validated
// (by Parse, Load, Seal or Params.Compile) for x's length.
func (s *SVM) DecisionInto(dst, x []float64) {
	k := len(s.Labels)
	if len(dst) != k*(k-1)/2 {
		panic(fmt.Sprintf("model: SVM.DecisionInto: dst has %d slots for %d class pairs", len(dst), k*(k-1)/2))
	}
	clear(dst)
	sv := 0
	for c := range k {
		for range s.NSupport[c] {
			kv := s.kernel(x, s.SupportVectors[sv])
			// Pair (o, c), o < c: c is the pair's second class, whose
			// coefficients are in row o. Pair (c, o), o > c: row o−1.
			// Every pair adds its first class's vectors before its second's,
			// as libsvm's predict_values does.
			for o := range c {
				dst[pairIndex(k, o, c)] += s.DualCoef[o][sv] * kv
			}
			for o := c + 1; o < k; o++ {
				dst[pairIndex(k, c, o)] += s.DualCoef[o-1][sv] * kv
			}
			sv++
		}
	}
	for i := range dst {
		dst[i] += s.Intercept[i]
	}
}

// Vote returns the bundle class index that wins libsvm's one-vs-one vote
// over the decision values dec (as written by DecisionInto): each pair votes
// for its first class when its value is positive, else for its second, and
// the first class with the most votes wins. This is the class libsvm's
// svm_predict, and so scikit-learn's SVC.predict, returns; serving predicts
// the most probable class instead. Vote does not allocate for up to 64 SVM
// classes.
func (s *SVM) Vote(dec []float64) int {
	k := len(s.Labels)
	var stack [64]int
	var votes []int
	if k <= len(stack) {
		votes = stack[:k]
	} else {
		votes = make([]int, k)
	}
	p := 0
	for i := range k {
		for j := i + 1; j < k; j++ {
			if dec[p] > 0 {
				votes[i]++
			} else {
				votes[j]++
			}
			p++
		}
	}
	best := 0
	for c := 1; c < k; c++ {
		if votes[c] > votes[best] {
			best = c
		}
	}
	return s.Labels[best]
}

// pairIndex is the position of pair (i, j), i < j, among the k(k−1)/2 pairs
// in the order (0,1), (0,2), …, (0,k−1), (1,2), ….
func pairIndex(k, i, j int) int { return i*(2*k-i-1)/2 + j - i - 1 }

func (s *SVM) kernel(x, v []float64) float64 {
	var sum float64
	if s.Kernel == KernelLinear {
		for j, a := range x {
			sum += a * v[j]
		}
		return sum
	}
	// As libsvm's k_function: the squared distance directly, not through
	// the norms, which would cancel.
	for j, a := range x {
		d := a - v[j]
		sum += d * d
	}
	return math.Exp(-s.Gamma * sum)
}

// plattProbability is libsvm's sigmoid_predict: 1/(1 + exp(a·f + b)),
// evaluated so that neither branch overflows or cancels.
func plattProbability(f, a, b float64) float64 {
	z := f*a + b
	if z >= 0 {
		e := math.Exp(-z)
		return e / (1 + e)
	}
	return 1 / (1 + math.Exp(z))
}

// coupleProbabilities is libsvm's multiclass_probability (method 2 of Wu,
// Lin and Weng, 2004) with the pairwise probabilities r_ij, i < j, given in
// pair order: it finds p minimizing Σ_i Σ_{j≠i} (r_ji·p_i − r_ij·p_j)² over
// the simplex by coordinate descent, stopping when every component of Qp is
// within 0.005/k of pᵀQp or after max(100, k) sweeps. Q is not stored: its
// off-diagonal entries −r_ij·r_ji come from r, its diagonal goes to diag.
// p, qp and diag have one slot per class. The arithmetic is libsvm's, term
// for term.
func coupleProbabilities(r, p, qp, diag []float64) {
	k := len(p)
	// rr returns libsvm's r[i][j], the probability of i against j.
	rr := func(i, j int) float64 {
		if i < j {
			return r[pairIndex(k, i, j)]
		}
		return 1 - r[pairIndex(k, j, i)]
	}
	// q returns Q[t][j] for t != j: −r[j][t]·r[t][j], with libsvm's
	// operand order (the entry is computed in the row of the smaller index).
	q := func(t, j int) float64 {
		if t > j {
			t, j = j, t
		}
		return -rr(j, t) * rr(t, j)
	}
	for t := range k {
		p[t] = 1 / float64(k)
		diag[t] = 0
		for j := range k {
			if j != t {
				v := rr(j, t)
				diag[t] += v * v
			}
		}
	}
	maxIter := max(100, k)
	eps := 0.005 / float64(k)
	for range maxIter {
		var pQp float64
		for t := range k {
			qp[t] = 0
			for j := range k {
				if j == t {
					qp[t] += diag[t] * p[j]
				} else {
					qp[t] += q(t, j) * p[j]
				}
			}
			pQp += p[t] * qp[t]
		}
		var maxError float64
		for t := range k {
			maxError = max(maxError, math.Abs(qp[t]-pQp))
		}
		if maxError < eps {
			break
		}
		for t := range k {
			diff := (-qp[t] + pQp) / diag[t]
			p[t] += diff
			pQp = (pQp + diff*(diff*diag[t]+2*qp[t])) / (1 + diff) / (1 + diff)
			for j := range k {
				qtj := diag[t]
				if j != t {
					qtj = q(t, j)
				}
				qp[j] = (qp[j] + diff*qtj) / (1 + diff)
				p[j] /= 1 + diff
			}
		}
	}
}
