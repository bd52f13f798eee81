package svm

import (
	"context"
	"math"
)

// maxFreeRefine bounds the free variables refineFree solves for at once.
const maxFreeRefine = 300

// refineFree finishes what the interior-point method started with a primal
// active-set method on SMO's own problem, the float32-rounded Q: on
// features of very different scales that rounding moves the optimum of
// SMO's problem further than SMO's tolerance from the optimum of the exact
// one the interior-point method solved with the linear kernel. q is SMO's
// Q, l × l and row-major, as jumpToOptimum reads it from the kernel cache.
//
// The variables strictly inside their box are free, the others fixed at
// their bound. Each step solves the optimality conditions of the free
// variables, Q_FF α_F + ν y_F = e − Q_FB α_B and y_Fᵀα_F = −y_Bᵀα_B, and
// moves towards that point until a variable meets its bound, which then
// becomes fixed; once the point is reached, the fixed variable whose
// multiplier has the wrong sign by the most is freed. It stops when no
// fixed variable's multiplier is wrong by more than SMO's tolerance, after
// a bounded number of steps, on a singular system or at a degenerate point
// where the variable just freed cannot move. alpha stays in its box, with
// yᵀα = 0 after any step; the caller judges the point it leaves.
func (s *solver) refineFree(ctx context.Context, q, alpha []float64) {
	l := len(alpha)
	y := s.pr.y
	inBox := func(i int) bool { return alpha[i] > 0 && alpha[i] < s.c[i] }
	isFree := make([]bool, l)
	for i := range l {
		isFree[i] = inBox(i)
	}
	qa := make([]float64, l)
	freed := -1 // the variable the last step freed
	for step := 0; step < 2*l+20 && ctx.Err() == nil; step++ {
		var free []int
		for i := range l {
			if isFree[i] {
				free = append(free, i)
			}
		}
		m := len(free)
		if m > maxFreeRefine {
			return
		}
		n := m + 1
		a := make([]float64, n*n)
		b := make([]float64, n)
		// Q_FB α_B and y_Bᵀα_B from the columns of the fixed variables
		// that are not zero.
		for j := range l {
			if isFree[j] || alpha[j] == 0 {
				continue
			}
			qj := q[j*l : (j+1)*l]
			for r, i := range free {
				b[r] -= qj[i] * alpha[j]
			}
			b[m] -= float64(y[j]) * alpha[j]
		}
		for r, i := range free {
			qi := q[i*l : (i+1)*l]
			b[r]++
			for c, j := range free {
				a[r*n+c] = qi[j]
			}
			a[r*n+m] = float64(y[i])
			a[m*n+r] = float64(y[i])
		}
		if !solveDense(a, b, n) {
			return
		}
		// Move towards the solution until a free variable meets a bound.
		t, blocking, bound := 1.0, -1, 0.0
		for r, i := range free {
			d := b[r] - alpha[i]
			switch {
			case b[r] < 0 && d < 0:
				if f := -alpha[i] / d; f < t {
					t, blocking, bound = f, i, 0
				}
			case b[r] > s.c[i] && d > 0:
				if f := (s.c[i] - alpha[i]) / d; f < t {
					t, blocking, bound = f, i, s.c[i]
				}
			}
		}
		for r, i := range free {
			alpha[i] += t * (b[r] - alpha[i])
		}
		if blocking >= 0 {
			if t == 0 && blocking == freed {
				// The variable just freed cannot move: a degenerate
				// point this method would cycle at.
				return
			}
			alpha[blocking] = bound
			isFree[blocking] = false
			continue
		}
		// At the free optimum: the multipliers of the fixed variables are
		// their gradients plus ν·y; free the worst one.
		nu := b[m]
		clear(qa)
		for j := range l {
			if alpha[j] == 0 {
				continue
			}
			qj := q[j*l : (j+1)*l]
			for i := range l {
				qa[i] += qj[i] * alpha[j]
			}
		}
		worst, worstIdx := s.eps/2, -1
		for i := range l {
			if isFree[i] {
				continue
			}
			g := qa[i] - 1 + nu*float64(y[i])
			var v float64
			if alpha[i] <= 0 {
				v = -g // should be >= 0
			} else {
				v = g // at C: should be <= 0
			}
			if v > worst {
				worst, worstIdx = v, i
			}
		}
		if worstIdx < 0 {
			return
		}
		isFree[worstIdx] = true
		freed = worstIdx
	}
}

// solveDense solves the n × n system a·x = b in place of b by Gaussian
// elimination with partial pivoting; it reports false for a numerically
// singular a.
func solveDense(a, b []float64, n int) bool {
	var norm float64
	for _, v := range a {
		norm = math.Max(norm, math.Abs(v))
	}
	// A pivot this far below the largest entry means a singular matrix
	// up to rounding, and a solution that is mostly rounding error.
	tiny := norm * 1e-12
	for col := range n {
		p := col
		for r := col + 1; r < n; r++ {
			if math.Abs(a[r*n+col]) > math.Abs(a[p*n+col]) {
				p = r
			}
		}
		if !(math.Abs(a[p*n+col]) > tiny) {
			return false
		}
		if p != col {
			for k := range n {
				a[p*n+k], a[col*n+k] = a[col*n+k], a[p*n+k]
			}
			b[p], b[col] = b[col], b[p]
		}
		for r := col + 1; r < n; r++ {
			f := a[r*n+col] / a[col*n+col]
			if f == 0 {
				continue
			}
			for k := col; k < n; k++ {
				a[r*n+k] -= f * a[col*n+k]
			}
			b[r] -= f * b[col]
		}
	}
	for r := n - 1; r >= 0; r-- {
		v := b[r]
		for k := r + 1; k < n; k++ {
			v -= a[r*n+k] * b[k]
		}
		b[r] = v / a[r*n+r]
		if math.IsNaN(b[r]) || math.IsInf(b[r], 0) {
			return false
		}
	}
	return true
}
