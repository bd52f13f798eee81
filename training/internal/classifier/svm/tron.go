package svm

import (
	"context"
	"math"
)

// tronConfig holds the stopping rule of the trust-region Newton method.
type tronConfig struct {
	eps     float64 // stop when ‖∇f(w)‖ <= eps·‖∇f(0)‖
	maxIter int     // Newton iterations (accepted steps)
}

// Trust-region parameters of liblinear's TRON (Lin, Weng and Keerthi,
// "Trust region Newton method for large-scale logistic regression", JMLR
// 2008): a step is accepted when the actual reduction is more than eta0
// times the predicted one, and eta1, eta2 and sigma1..3 shrink or grow the
// region by how good the prediction was.
const (
	tronEta0, tronEta1, tronEta2       = 1e-4, 0.25, 0.75
	tronSigma1, tronSigma2, tronSigma3 = 0.25, 0.5, 4
	// tronCGTol is trcg's relative tolerance: CG stops once the residual is
	// below a tenth of the gradient's norm.
	tronCGTol = 0.1
)

// tronResult is how a TRON run ended.
type tronResult struct {
	iterations int  // accepted Newton steps, liblinear's n_iter
	converged  bool // stopped for a reason other than maxIter
}

// solveTRON is liblinear's TRON::tron as scikit-learn 1.2 vendors it
// (sklearn/svm/src/liblinear/tron.cpp: no preconditioner, CG stopped at
// tronCGTol): starting from w = 0, each iteration solves the Newton system
// by conjugate gradient inside the trust region, takes the step if it
// reduced f enough, and resizes the region. It stops when the gradient
// norm falls to cfg.eps times its value at 0, when the reductions become
// negligible (liblinear's warnings, which still count as converged, as
// scikit-learn does not warn then), or after cfg.maxIter accepted steps,
// which is reported as not converged. w, of o.size() values, is
// overwritten with the solution. It returns the context's error when ctx
// is done, checked before every iteration.
func solveTRON(ctx context.Context, o *l2svcFun, w []float64, cfg tronConfig) (tronResult, error) {
	n := o.size()
	s := make([]float64, n)
	r := make([]float64, n)
	wNew := make([]float64, n)
	g := make([]float64, n)
	cg := newTRCG(n)

	clear(w)
	f := o.fun(w)
	o.grad(w, g)
	delta := norm2(g)
	gnorm1 := delta
	res := tronResult{converged: true}
	if gnorm1 <= cfg.eps*gnorm1 { // only when the gradient at 0 is 0
		return res, nil
	}
	res.converged = false
	iter := 1
	for iter <= cfg.maxIter {
		if err := ctx.Err(); err != nil {
			return tronResult{}, err
		}
		cg.solve(o, delta, g, s, r)
		for j := range wNew {
			wNew[j] = w[j] + s[j]
		}
		gs := dot(g, s)
		prered := -0.5 * (gs - dot(s, r))
		fnew := o.fun(wNew)
		actred := f - fnew

		snorm := norm2(s)
		if iter == 1 {
			delta = min(delta, snorm)
		}
		// The step length that minimizes f along s under a quadratic fit.
		var alpha float64
		if fnew-f-gs <= 0 {
			alpha = tronSigma3
		} else {
			alpha = max(tronSigma1, -0.5*(gs/(fnew-f-gs)))
		}
		switch {
		case actred < tronEta0*prered:
			delta = min(max(alpha, tronSigma1)*snorm, tronSigma2*delta)
		case actred < tronEta1*prered:
			delta = max(tronSigma1*delta, min(alpha*snorm, tronSigma2*delta))
		case actred < tronEta2*prered:
			delta = max(tronSigma1*delta, min(alpha*snorm, tronSigma3*delta))
		default:
			delta = max(delta, min(alpha*snorm, tronSigma3*delta))
		}

		if actred > tronEta0*prered {
			iter++
			copy(w, wNew)
			f = fnew
			o.grad(w, g)
			if norm2(g) <= cfg.eps*gnorm1 {
				res.converged = true
				break
			}
		}
		if f < -1.0e+32 || (math.Abs(actred) <= 0 && prered <= 0) ||
			(math.Abs(actred) <= 1.0e-12*math.Abs(f) && math.Abs(prered) <= 1.0e-12*math.Abs(f)) {
			res.converged = true
			break
		}
	}
	res.iterations = iter - 1
	return res, nil
}

// trcg holds the work vectors of TRON::trcg.
type trcg struct {
	d, hd []float64
}

func newTRCG(n int) *trcg {
	return &trcg{d: make([]float64, n), hd: make([]float64, n)}
}

// solve is TRON::trcg: conjugate gradient on ∇²f·s = −g from s = 0, stopped
// when the residual r = −g − ∇²f·s is below tronCGTol·‖g‖ or, where a step
// leaves the trust region of radius delta, at the region's boundary along
// that step. It writes s and r and returns the CG iterations.
func (c *trcg) solve(o *l2svcFun, delta float64, g, s, r []float64) int {
	d, hd := c.d, c.hd
	for i := range g {
		s[i] = 0
		r[i] = -g[i]
		d[i] = r[i]
	}
	cgtol := tronCGTol * norm2(g)
	iter := 0
	rTr := dot(r, r)
	for norm2(r) > cgtol {
		iter++
		o.hv(d, hd)
		alpha := rTr / dot(d, hd)
		axpy(alpha, d, s)
		if norm2(s) > delta {
			// Back to the last iterate inside, then to the boundary: the
			// positive root of ‖s + α·d‖ = delta.
			axpy(-alpha, d, s)
			std, sts, dtd := dot(s, d), dot(s, s), dot(d, d)
			dsq := delta * delta
			rad := math.Sqrt(std*std + dtd*(dsq-sts))
			if std >= 0 {
				alpha = (dsq - sts) / (std + rad)
			} else {
				alpha = (rad - std) / dtd
			}
			axpy(alpha, d, s)
			axpy(-alpha, hd, r)
			break
		}
		axpy(-alpha, hd, r)
		rnew := dot(r, r)
		beta := rnew / rTr
		for i := range d {
			d[i] = beta*d[i] + r[i]
		}
		rTr = rnew
	}
	return iter
}

// axpy adds a·x to y.
func axpy(a float64, x, y []float64) {
	y = y[:len(x)]
	for i, v := range x {
		y[i] += a * v
	}
}

// norm2 is the Euclidean norm.
func norm2(x []float64) float64 { return math.Sqrt(dot(x, x)) }
