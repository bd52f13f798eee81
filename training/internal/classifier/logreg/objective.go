package logreg

import (
	"math"
	"slices"

	"gonum.org/v1/gonum/floats"

	"github.com/mlopsgo/mlops/training/internal/classifier"
)

// blockRows is the number of rows whose terms one goroutine sums at a time.
// The sums of the blocks are added in block order, so the objective and the
// fit do not depend on how many goroutines evaluate it. Data sets of up to
// blockRows rows are one block, summed exactly as one loop over the rows.
const blockRows = 4096

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

	workers int
	scratch []scratch // one per goroutine
	// blockF and blockGrad hold each block's sums, added up in order.
	blockF    []float64
	blockGrad [][]float64

	cached bool
	at     []float64 // the point value and grad were computed at
	value  float64
	grad   []float64

	// nonFinite records that the value or the gradient was NaN or infinite
	// at some point evaluated, so a solver that stops after such a point is
	// reported as failed, not as merely unconverged.
	nonFinite bool
}

// scratch is one goroutine's working space.
type scratch struct {
	logits []float64 // per class, one row at a time
	row    []float64 // the standardized row, when mean is set
}

// newObjective returns the objective over X, evaluated on up to workers
// goroutines; mean and scale are nil, or each column's standardization.
func newObjective(X [][]float64, y []int, classes int, c float64, intercept bool, mean, scale []float64, workers int) *objective {
	o := &objective{
		X:         X,
		y:         y,
		classes:   classes,
		features:  len(X[0]),
		invC:      1 / c,
		intercept: intercept,
	}
	if mean != nil {
		o.mean = mean
		o.invScale = make([]float64, len(scale))
		for j, s := range scale {
			o.invScale[j] = 1 / s
		}
	}
	blocks := (len(X) + blockRows - 1) / blockRows
	o.workers = min(max(workers, 1), blocks)
	// Each goroutine's scratch, and each block's gradient, which goroutines
	// write once per row, start on cache lines of their own: sharing a line
	// made two goroutines slower than one (false sharing).
	per := pad(classes + o.features)
	buf := make([]float64, o.workers*per)
	o.scratch = make([]scratch, o.workers)
	for w := range o.scratch {
		s := buf[w*per : (w+1)*per]
		o.scratch[w].logits = s[:classes:classes]
		if mean != nil {
			o.scratch[w].row = s[classes : classes+o.features : classes+o.features]
		}
	}
	stride := pad(o.dim())
	grads := make([]float64, blocks*stride)
	o.blockF = make([]float64, blocks)
	o.blockGrad = make([][]float64, blocks)
	for b := range o.blockGrad {
		o.blockGrad[b] = grads[b*stride : b*stride+o.dim() : b*stride+o.dim()]
	}
	o.at = make([]float64, o.dim())
	o.grad = make([]float64, o.dim())
	return o
}

// pad rounds n float64s up to whole 64-byte cache lines, plus one line, so
// that consecutive regions of pad(n) share no line whatever the alignment of
// the allocation.
func pad(n int) int { return (n+7)/8*8 + 8 }

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
	_ = classifier.Run(o.workers, len(o.blockF), func(g, b int) error {
		lo, hi := b*blockRows, min((b+1)*blockRows, len(o.X))
		o.blockF[b] = o.sum(o.blockGrad[b], &o.scratch[g], w, lo, hi)
		return nil
	})
	clear(o.grad)
	var f float64
	for b, bf := range o.blockF {
		f += bf
		floats.Add(o.grad, o.blockGrad[b])
	}
	k, d := o.classes, o.features
	coef, gcoef := w[:k*d], o.grad[:k*d]
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

// sum returns Σ −log softmax(W x_i + b)_{y_i} over rows [lo, hi) and stores
// the gradient of that sum in grad.
func (o *objective) sum(grad []float64, s *scratch, w []float64, lo, hi int) float64 {
	k, d := o.classes, o.features
	coef := w[:k*d]
	gcoef := grad[:k*d]
	var b, gb []float64
	if o.intercept {
		b, gb = w[k*d:], grad[k*d:]
	}
	clear(grad)
	z := s.logits
	var f float64
	for i := lo; i < hi; i++ {
		x := o.X[i]
		if o.mean != nil {
			for j, v := range x {
				s.row[j] = (v - o.mean[j]) * o.invScale[j]
			}
			x = s.row
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
			// exp(0) is exactly 1: the largest logit's term needs no
			// exponential (a third of them with three classes).
			if e := z[c] - zmax; e != 0 {
				z[c] = math.Exp(e)
			} else {
				z[c] = 1
			}
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
	return f
}

func finite(v float64) bool { return !math.IsNaN(v) && !math.IsInf(v, 0) }

func dot(a, b []float64) float64 {
	var s float64
	for i, v := range a {
		s += v * b[i]
	}
	return s
}
