package model

import (
	"fmt"
	"math"
)

// LinearSVM is an ensemble of calibrated one-vs-rest linear SVMs: what
// scikit-learn 1.2's CalibratedClassifierCV(LinearSVC(), method="sigmoid",
// ensemble=True) holds after a fit, one member per cross-validation fold.
//
// The model classes are the bundle classes listed in Labels (all of them
// unless some were absent from the training data). Each member has one
// linear decision function per model class, f_k(x) = Coef[k]·x' + Intercept[k],
// positive for class k against the rest, where x' is x standardized with Mean
// and Scale when they are set; with two model classes it has a single
// function, positive for the second class. Each function's value becomes a
// probability through its Platt sigmoid, p_k = 1/(1 + exp(SigmoidA[k]·f_k +
// SigmoidB[k])). As scikit-learn's _CalibratedClassifier.predict_proba: with
// two classes the first gets 1 − p; with more, the p_k are divided by their
// sum (uniform when the sum is 0). The bundle's probabilities are the mean
// of the members' distributions; classes not in Labels get 0.
type LinearSVM struct {
	// Labels lists the bundle class index of each model class, increasing.
	Labels []int `json:"labels"`
	// Members are the calibrated classifiers whose probabilities are
	// averaged.
	Members []LinearSVMMember `json:"members"`
	// Mean and Scale standardize inputs before Coef applies:
	// x' = (x−Mean)/Scale. Both are empty when the model was fitted on raw
	// features.
	Mean  []float64 `json:"mean,omitempty"`
	Scale []float64 `json:"scale,omitempty"`
}

// LinearSVMMember is one calibrated one-vs-rest linear SVM of a LinearSVM.
type LinearSVMMember struct {
	// Coef has one row per decision function (one for two model classes,
	// else one per model class) and one column per feature.
	Coef [][]float64 `json:"coef"`
	// Intercept has one value per decision function.
	Intercept []float64 `json:"intercept"`
	// SigmoidA and SigmoidB are the Platt coefficients of each decision
	// function (scikit-learn's _SigmoidCalibration a_ and b_).
	SigmoidA []float64 `json:"sigmoid_a"`
	SigmoidB []float64 `json:"sigmoid_b"`
}

// linearSVMFunctions returns the number of decision functions of each member for k
// model classes: one for two classes, else k.
func linearSVMFunctions(k int) int {
	if k == 2 {
		return 1
	}
	return k
}

func (m *LinearSVM) validate(features, classes int) error {
	k := len(m.Labels)
	if k < 2 || k > classes {
		return fmt.Errorf("%d labels for %d classes, want 2 to %d", k, classes, classes)
	}
	for c, l := range m.Labels {
		if l < 0 || l >= classes || (c > 0 && l <= m.Labels[c-1]) {
			return fmt.Errorf("labels %v must increase within [0, %d)", m.Labels, classes)
		}
	}
	if len(m.Members) == 0 {
		return fmt.Errorf("no members")
	}
	nf := linearSVMFunctions(k)
	for i, mem := range m.Members {
		if len(mem.Coef) != nf {
			return fmt.Errorf("member %d: %d coefficient rows for %d labels, want %d", i, len(mem.Coef), k, nf)
		}
		for r, row := range mem.Coef {
			if len(row) != features {
				return fmt.Errorf("member %d: coefficient row %d has %d values for %d features", i, r, len(row), features)
			}
			if !finite(row...) {
				return fmt.Errorf("member %d: coefficient row %d is not finite", i, r)
			}
		}
		for _, f := range []struct {
			name string
			v    []float64
		}{{"intercept", mem.Intercept}, {"sigmoid_a", mem.SigmoidA}, {"sigmoid_b", mem.SigmoidB}} {
			if len(f.v) != nf {
				return fmt.Errorf("member %d: %d %s values for %d decision functions", i, len(f.v), f.name, nf)
			}
			if !finite(f.v...) {
				return fmt.Errorf("member %d: %s is not finite", i, f.name)
			}
		}
	}
	if len(m.Mean) != len(m.Scale) || (len(m.Mean) != 0 && len(m.Mean) != features) {
		return fmt.Errorf("standardization has %d means and %d scales for %d features", len(m.Mean), len(m.Scale), features)
	}
	for j, s := range m.Scale {
		if !finite(s, m.Mean[j]) || s <= 0 {
			return fmt.Errorf("feature %d: scale %v must be finite and positive", j, s)
		}
	}
	return nil
}

// DecisionInto writes member i's decision values f_k(x) into dst, one per
// decision function (see LinearSVM). It does not allocate and is safe for
// concurrent use. It panics if i is out of range or len(dst) is not the
// number of decision functions; the model must have been validated (by
// Parse, Load, Seal or Params.Compile) for x's length.
func (m *LinearSVM) DecisionInto(dst []float64, i int, x []float64) {
	mem := &m.Members[i]
	if len(dst) != len(mem.Coef) {
		panic(fmt.Sprintf("model: LinearSVM.DecisionInto: dst has %d slots for %d decision functions", len(dst), len(mem.Coef)))
	}
	for r := range mem.Coef {
		dst[r] = m.decision(mem, r, x)
	}
}

// decision is f_r(x) of member mem.
func (m *LinearSVM) decision(mem *LinearSVMMember, r int, x []float64) float64 {
	var z float64
	if len(m.Scale) != 0 {
		for j, w := range mem.Coef[r] {
			z += w * ((x[j] - m.Mean[j]) / m.Scale[j])
		}
	} else {
		for j, w := range mem.Coef[r] {
			z += w * x[j]
		}
	}
	return z + mem.Intercept[r]
}

// calibrated is member mem's sigmoid probability for decision function r,
// scikit-learn's expit(−(a·f + b)).
func (m *LinearSVM) calibrated(mem *LinearSVMMember, r int, x []float64) float64 {
	return expit(-(mem.SigmoidA[r]*m.decision(mem, r, x) + mem.SigmoidB[r]))
}

// expit is the logistic function 1/(1 + exp(−z)), evaluated so that neither
// branch overflows.
func expit(z float64) float64 {
	if z >= 0 {
		return 1 / (1 + math.Exp(-z))
	}
	e := math.Exp(z)
	return e / (1 + e)
}

// predictInto averages the members' calibrated distributions. The
// multi-class normalization needs each member's sum before its first
// probability can be added, so the sigmoids are evaluated twice rather
// than kept in scratch: prediction never allocates, for any number of
// classes, and the second pass computes exactly the values the first did.
func (m *LinearSVM) predictInto(dst, x []float64) {
	clear(dst)
	k := len(m.Labels)
	for i := range m.Members {
		mem := &m.Members[i]
		if k == 2 {
			p := clipOne(m.calibrated(mem, 0, x))
			// As scikit-learn: the negative class gets 1 − p, then the
			// clipping of values barely above 1 applies to both.
			dst[m.Labels[0]] += clipOne(1 - p)
			dst[m.Labels[1]] += p
			continue
		}
		var sum float64
		for r := range k {
			sum += m.calibrated(mem, r, x)
		}
		for r, l := range m.Labels {
			if sum == 0 {
				dst[l] += 1 / float64(k)
				continue
			}
			dst[l] += clipOne(m.calibrated(mem, r, x) / sum)
		}
	}
	n := float64(len(m.Members))
	for _, l := range m.Labels {
		dst[l] /= n
	}
}

// clipOne is scikit-learn's last step of predict_proba: a probability in
// (1, 1+1e-5], rounding in the normalization, becomes 1.
func clipOne(p float64) float64 {
	if p > 1 && p <= 1+1e-5 {
		return 1
	}
	return p
}
