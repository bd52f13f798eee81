package svm

import "context"

// SMO's two-variable steps converge slowly on badly conditioned problems:
// the linear kernel on features of very different scales (wine's proline
// is in the thousands, its hue below one) took libsvm and this solver over
// 300,000 iterations for some binary problems of 130 rows. When SMO has
// not converged after smoBudget iterations (denseBudget for a kernel
// without a low-rank Q), solve tries to jump to the optimum: the
// interior-point method (ipm.go), then the active-set method
// (activeset.go) on SMO's own float32 Q. The jump is taken only if its
// point meets SMO's stopping rule on that Q with an objective no higher
// than SMO's iterate; SMO then confirms it and computes rho from its
// gradient as always. So a result either is libsvm's, iterate for iterate,
// or meets exactly the conditions a libsvm solution meets.

// jumpMaxRows bounds the problems the jump is tried on: the dense Q it
// checks its point against has l² entries.
const jumpMaxRows = 1000

// smoBudget is how many SMO iterations run before the jump is tried with
// the low-rank Q of the linear kernel, on a problem of l variables: libsvm
// converges within a few times l iterations on well-conditioned problems,
// and on wine's unscaled features 88% of the binary problems of a tune
// went past 1000 iterations (the budget once) to take the jump anyway.
func smoBudget(l int) int { return max(200, 4*l) }

// denseBudget is how many SMO iterations run before the jump is tried with
// the dense Q: a few dozen factorizations of l³/3 operations each cost
// about as much as 3l² SMO iterations of about 4l, so a failed attempt at
// most doubles the time SMO spends.
func denseBudget(l int) int { return max(smoBudget(l), 3*l*l) }

// jumpToOptimum tries the jump described above, with the low-rank Q of
// the linear kernel or, when full, SMO's dense Q. Taken, it replaces α
// with the gradient (computed from Q's float32 entries, as SMO computes
// it), the statuses and gBar to match, and every variable active, and
// reports true. Otherwise it reports false and SMO's state is as it was
// (gradients of shrunk variables reconstructed, as SMO would).
func (s *solver) jumpToOptimum(ctx context.Context, full bool) bool {
	l := len(s.alpha)
	k, rows, y := s.pr.k, s.pr.rows, s.pr.y
	lowRank := !k.rbf && k.d < l
	if l > jumpMaxRows || (!full && !lowRank) {
		return false
	}
	// SMO's Q, float32-rounded: what the result must be optimal for.
	dense := make([]float64, l*l)
	for i := range l {
		for j, v := range s.column(i)[:l] {
			dense[i*l+j] = float64(v)
		}
	}
	smoQ := newDenseQ(dense, l)
	// The interior-point method on the exact low-rank Q of the linear
	// kernel, or on SMO's own dense Q; finished by the active-set method.
	q := qSystem(smoQ)
	if !full {
		z := make([]float64, 0, l*k.d)
		for i, r := range rows {
			for _, x := range k.row(r) {
				z = append(z, float64(y[i])*x)
			}
		}
		q = newLowRankQ(z, l, k.d)
	}
	// The result replaces SMO's iterate only if it meets SMO's stopping
	// rule on SMO's Q with an objective no worse. Otherwise SMO goes on as
	// if nothing had been tried: on features scaled so far apart that the
	// float32 rounding makes Q indefinite, SMO's problem is not the convex
	// one these methods solve, and SMO's answer is the one to give.
	s.reconstructGradient()
	alpha, ok := interiorPoint(ctx, q, y, s.c, s.eps)
	if !ok {
		return false
	}
	s.refineFree(ctx, dense, alpha)
	grad := make([]float64, l)
	smoQ.mul(alpha, grad)
	// Written so that a NaN anywhere rejects the jump.
	if !(violation(alpha, grad, y, s.c) < s.eps) || !(objective(smoQ, alpha) <= objective(smoQ, s.alpha)) {
		return false
	}
	copy(s.alpha, alpha)
	clear(s.gBar)
	for i := range l {
		s.g[i] = -1
	}
	for j := range l {
		s.updateStatus(j)
		a := s.alpha[j]
		if a == 0 {
			continue
		}
		qj := dense[j*l : (j+1)*l]
		for i := range l {
			s.g[i] += a * qj[i]
		}
		if s.status[j] == upperBound {
			for i := range l {
				s.gBar[i] += s.c[j] * qj[i]
			}
		}
	}
	s.activateAll()
	s.unshrink = false
	return true
}

// objective returns ½αᵀQα − eᵀα.
func objective(q qSystem, alpha []float64) float64 {
	qa := make([]float64, len(alpha))
	q.mul(alpha, qa)
	var f float64
	for i, a := range alpha {
		f += a * (qa[i]/2 - 1)
	}
	return f
}
