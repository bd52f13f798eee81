package logreg

import (
	"math"
	"slices"

	"gonum.org/v1/gonum/floats"
)

// objective is scikit-learn's scaled objective, the one L-BFGS minimizes:
//
//	f(w) = Σ_i −log softmax(W x_i + b)_{y_i} + ‖W‖² / (2C),
//
// which is the package's objective divided by C. The parameter vector w holds
// W row by row (w[k*d+j] is W[k][j]) followed, when there is an intercept, by
// the K intercepts.
//
// gonum asks for the value and the gradient at the same point in two calls,
// so both are computed in one pass over the data and cached for the last
// point. An objective is not safe for concurrent use.
type objective struct {
	X         [][]float64
	y         []int
	classes   int
	features  int
	invC      float64
	intercept bool
	// mean and invScale, when set, standardize each row as it is read,
	// (x−mean)·(1/scale), instead of a standardized copy of X, which on a
	// million rows costs more memory than the data set. Multiplying by
	// the reciprocal costs a pass nothing noticeable where a division per
	// value would cost a third of it; the result differs from
	// model.Linear's (x−mean)/scale at prediction only by rounding.
	mean, invScale []float64

	logits []float64 // per-class scratch, one row at a time
	row    []float64 // the standardized row, when mean is set

	cached bool
	at     []float64 // the point value and grad were computed at
	value  float64
	grad   []float64

	// nonFinite records that the value or the gradient was NaN or infinite
	// at some point evaluated, so a solver that stops after such a point is
	// reported as failed, not as merely unconverged.
	nonFinite bool
}

// newObjective returns the objective over X; mean and scale are nil, or
// each column's standardization.
func newObjective(X [][]float64, y []int, classes int, c float64, intercept bool, mean, scale []float64) *objective {
	o := &objective{
		X:         X,
		y:         y,
		classes:   classes,
		features:  len(X[0]),
		invC:      1 / c,
		intercept: intercept,
		logits:    make([]float64, classes),
	}
	if mean != nil {
		o.mean = mean
		o.invScale = make([]float64, len(scale))
		for j, s := range scale {
			o.invScale[j] = 1 / s
		}
		o.row = make([]float64, o.features)
	}
	o.at = make([]float64, o.dim())
	o.grad = make([]float64, o.dim())
	return o
}

// dim returns the number of parameters.
func (o *objective) dim() int {
	n := o.classes * o.features
	if o.intercept {
		n += o.classes
	}
	return n
}

// Func returns f(w). It does not modify w.
func (o *objective) Func(w []float64) float64 {
	o.evaluate(w)
	return o.value
}

// Grad stores ∇f(w) in grad. It does not modify w.
func (o *objective) Grad(grad, w []float64) {
	o.evaluate(w)
	copy(grad, o.grad)
}

// evaluate computes value and grad at w unless they are cached for it.
func (o *objective) evaluate(w []float64) {
	if o.cached && slices.Equal(o.at, w) {
		return
	}
	k, d := o.classes, o.features
	coef := w[:k*d]
	gcoef := o.grad[:k*d]
	var b, gb []float64
	if o.intercept {
		b, gb = w[k*d:], o.grad[k*d:]
	}
	clear(o.grad)
	z := o.logits
	var f float64
	for i, x := range o.X {
		if o.mean != nil {
			for j, v := range x {
				o.row[j] = (v - o.mean[j]) * o.invScale[j]
			}
			x = o.row
		}
		zmax := math.Inf(-1)
		for c := range k {
			v := dot(coef[c*d:(c+1)*d], x)
			if b != nil {
				v += b[c]
			}
			z[c] = v
			zmax = max(zmax, v)
		}
		label := o.y[i]
		// −log softmax(z)_label = log Σ exp(z_c − zmax) − (z_label − zmax),
		// with every exponent ≤ 0.
		f -= z[label] - zmax
		var sum float64
		for c := range k {
			z[c] = math.Exp(z[c] - zmax)
			sum += z[c]
		}
		f += math.Log(sum)
		for c := range k {
			r := z[c] / sum // softmax probability of class c
			if c == label {
				r--
			}
			g := gcoef[c*d : (c+1)*d]
			for j, xj := range x {
				g[j] += r * xj
			}
			if gb != nil {
				gb[c] += r
			}
		}
	}
	var sq float64
	for j, v := range coef {
		sq += v * v
		gcoef[j] += o.invC * v
	}
	o.value = f + 0.5*o.invC*sq
	if !finite(o.value) || !finite(floats.Sum(o.grad)) {
		// A sum is NaN or infinite when any term is (or overflows, which
		// is as bad), so one check covers the whole gradient.
		o.nonFinite = true
	}
	copy(o.at, w)
	o.cached = true
}

func finite(v float64) bool { return !math.IsNaN(v) && !math.IsInf(v, 0) }

func dot(a, b []float64) float64 {
	var s float64
	for i, v := range a {
		s += v * b[i]
	}
	return s
}
