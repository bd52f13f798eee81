package svm

import (
	"context"
	"math"
)

// tau is libsvm's TAU: the curvature used in place of a non-positive one.
const tau = 1e-12

// Status of a variable against its box [0, C].
const (
	lowerBound uint8 = iota
	upperBound
	free
)

// problem is one binary C-SVC problem on some training rows of a kernel:
//
//	min ½αᵀQα − eᵀα  subject to  yᵀα = 0,  0 ≤ α_i ≤ C_i,
//
// where Q_ij = y_i·y_j·K(x_i, x_j) and C_i is cp for y_i = +1, cn for −1.
type problem struct {
	k      *kernel
	rows   []int  // training rows, indices into k
	y      []int8 // +1 or −1 per row
	cp, cn float64
}

// solverConfig holds what Config says about solving.
type solverConfig struct {
	eps       float64
	shrinking bool
	maxIter   int
	cacheSize int
	// smoOnly keeps SMO going past smoBudget and denseBudget instead of
	// trying the jump to the optimum (tests compare the two).
	smoOnly bool
}

// solution is a solved problem: the decision function is
// f(x) = Σ_i coef_i·K(x, x_i) − rho.
type solution struct {
	coef       []float64 // α_i·y_i per row of the problem
	rho        float64
	obj        float64 // the objective at α
	iterations int
	converged  bool // false when maxIter stopped the solver
}

// solve runs libsvm's Solver::Solve on pr: SMO with the second-order
// working-set selection of Fan, Chen and Lin (2005, "WSS3"), optional
// shrinking with gradient reconstruction, and libsvm's stopping rule
// (the maximal violation m(α) − M(α) below eps). The arithmetic of each step
// is libsvm's, including its float32 kernel cache; the one difference is
// that shrinking keeps the active variables in an ordered list instead of
// swapping them to the front, which can only change which of two equally
// violating variables is picked.
//
// It checks ctx before starting and every min(l, 1000) iterations.
func solve(ctx context.Context, pr problem, cfg solverConfig) (solution, error) {
	if err := ctx.Err(); err != nil {
		return solution{}, err
	}
	l := len(pr.rows)
	s := &solver{
		pr:       pr,
		eps:      cfg.eps,
		qd:       make([]float64, l),
		cache:    newColumnCache(l, cfg.cacheSize),
		c:        make([]float64, l),
		alpha:    make([]float64, l),
		status:   make([]uint8, l),
		g:        make([]float64, l),
		gBar:     make([]float64, l),
		active:   make([]int, l),
		isActive: make([]bool, l),
	}
	for i, r := range pr.rows {
		s.qd[i] = pr.k.eval(r, r)
		if pr.y[i] > 0 {
			s.c[i] = pr.cp
		} else {
			s.c[i] = pr.cn
		}
		// α starts at 0: every variable at its lower bound, and the
		// gradient Qα + p is p = −1.
		s.g[i] = -1
	}
	s.activateAll()

	iter := 0
	counter := min(l, 1000) + 1
	converged := true
	budget, dense := smoBudget(l), denseBudget(l)
	for {
		if cfg.maxIter > 0 && iter >= cfg.maxIter {
			converged = false
			break
		}
		if !cfg.smoOnly && (iter == budget || iter == dense) && s.jumpToOptimum(ctx, iter == dense) {
			counter = min(l, 1000) + 1
		}
		if counter--; counter == 0 {
			counter = min(l, 1000)
			if err := ctx.Err(); err != nil {
				return solution{}, err
			}
			if cfg.shrinking {
				s.shrink()
			}
		}
		i, j, ok := s.selectWorkingSet()
		if !ok {
			// Optimal on the active set: check again on all variables.
			s.reconstructGradient()
			s.activateAll()
			if i, j, ok = s.selectWorkingSet(); !ok {
				break
			}
			counter = 1 // shrink at the next iteration
		}
		iter++
		s.step(i, j)
	}

	sol := solution{coef: make([]float64, l), rho: s.rho(), iterations: iter, converged: converged}
	for i, a := range s.alpha {
		// The objective ½αᵀQα − eᵀα = ½Σ α_i(G_i + p_i) with p = −1.
		sol.obj += a * (s.g[i] - 1)
		sol.coef[i] = a * float64(pr.y[i])
	}
	sol.obj /= 2
	return sol, nil
}

// solver is the state of one run of solve; every slice has one entry per
// variable of the problem.
type solver struct {
	pr    problem
	eps   float64
	qd    []float64 // Q's diagonal K(x_i, x_i)
	cache *columnCache
	c     []float64 // upper bound of each α_i

	alpha  []float64
	status []uint8
	g      []float64 // gradient of the objective
	// gBar is the gradient contribution of the variables at their upper
	// bound, Σ_{α_j = C_j} C_j·Q_ij, kept for reconstructing the gradient
	// of shrunk variables.
	gBar []float64

	active   []int // variables not shrunk, in increasing order after activateAll
	isActive []bool
	unshrink bool
}

// column returns column i of Q, filling it on a cache miss: libsvm's
// SVC_Q::get_Q, y_i·y_j·K(x_i, x_j) rounded to float32.
func (s *solver) column(i int) []float32 {
	col, cached := s.cache.get(i)
	if cached {
		return col
	}
	k, rows, y := s.pr.k, s.pr.rows, s.pr.y
	ri := rows[i]
	xi := k.row(ri)
	if k.rbf {
		sqi := k.sq[ri]
		for j, rj := range rows {
			v := math.Exp(-k.gamma * (sqi + k.sq[rj] - 2*dot(xi, k.row(rj))))
			col[j] = float32(float64(y[i]*y[j]) * v)
		}
		return col
	}
	for j, rj := range rows {
		col[j] = float32(float64(y[i]*y[j]) * dot(xi, k.row(rj)))
	}
	return col
}

func (s *solver) activateAll() {
	s.active = s.active[:0]
	for i := range s.alpha {
		s.active = append(s.active, i)
		s.isActive[i] = true
	}
}

func (s *solver) updateStatus(i int) {
	switch {
	case s.alpha[i] >= s.c[i]:
		s.status[i] = upperBound
	case s.alpha[i] <= 0:
		s.status[i] = lowerBound
	default:
		s.status[i] = free
	}
}

// selectWorkingSet is libsvm's Solver::select_working_set: i maximizes
// −y_i·∇f(α)_i over I_up(α); j, among the variables of I_low(α) that
// violate the optimality conditions with i, maximizes the decrease of the
// objective by the second-order estimate. It reports false when the maximal
// violation is below eps (or no j exists): α is optimal on the active set.
func (s *solver) selectWorkingSet() (int, int, bool) {
	y, g := s.pr.y, s.g
	gmax, gmax2 := math.Inf(-1), math.Inf(-1)
	gmaxIdx, gminIdx := -1, -1
	objDiffMin := math.Inf(1)
	for _, t := range s.active {
		if y[t] == +1 {
			if s.status[t] != upperBound && -g[t] >= gmax {
				gmax, gmaxIdx = -g[t], t
			}
		} else if s.status[t] != lowerBound && g[t] >= gmax {
			gmax, gmaxIdx = g[t], t
		}
	}
	i := gmaxIdx
	var qi []float32
	var qdi, yi float64
	if i != -1 { // qi is only read when gmax is finite, so i != −1
		qi = s.column(i)
		qdi, yi = s.qd[i], float64(y[i])
	}
	for _, j := range s.active {
		if y[j] == +1 {
			if s.status[j] == lowerBound {
				continue
			}
			gradDiff := gmax + g[j]
			if g[j] >= gmax2 {
				gmax2 = g[j]
			}
			if gradDiff > 0 {
				quad := qdi + s.qd[j] - 2.0*yi*float64(qi[j])
				if objDiff := -(gradDiff * gradDiff) / curvature(quad); objDiff <= objDiffMin {
					gminIdx, objDiffMin = j, objDiff
				}
			}
		} else {
			if s.status[j] == upperBound {
				continue
			}
			gradDiff := gmax - g[j]
			if -g[j] >= gmax2 {
				gmax2 = -g[j]
			}
			if gradDiff > 0 {
				quad := qdi + s.qd[j] + 2.0*yi*float64(qi[j])
				if objDiff := -(gradDiff * gradDiff) / curvature(quad); objDiff <= objDiffMin {
					gminIdx, objDiffMin = j, objDiff
				}
			}
		}
	}
	if gmax+gmax2 < s.eps || gminIdx == -1 {
		return 0, 0, false
	}
	return gmaxIdx, gminIdx, true
}

// curvature replaces a non-positive quadratic coefficient with tau.
func curvature(quad float64) float64 {
	if quad > 0 {
		return quad
	}
	return tau
}

// step solves the two-variable subproblem on (i, j) analytically, clips the
// result to the box as libsvm does, and updates the gradient, the statuses
// and gBar.
func (s *solver) step(i, j int) {
	y, alpha := s.pr.y, s.alpha
	qi := s.column(i)
	qj := s.column(j)
	ci, cj := s.c[i], s.c[j]
	oldI, oldJ := alpha[i], alpha[j]
	if y[i] != y[j] {
		quad := s.qd[i] + s.qd[j] + float64(2*qi[j])
		if quad <= 0 {
			quad = tau
		}
		delta := (-s.g[i] - s.g[j]) / quad
		diff := alpha[i] - alpha[j]
		alpha[i] += delta
		alpha[j] += delta
		if diff > 0 {
			if alpha[j] < 0 {
				alpha[j] = 0
				alpha[i] = diff
			}
		} else if alpha[i] < 0 {
			alpha[i] = 0
			alpha[j] = -diff
		}
		if diff > ci-cj {
			if alpha[i] > ci {
				alpha[i] = ci
				alpha[j] = ci - diff
			}
		} else if alpha[j] > cj {
			alpha[j] = cj
			alpha[i] = cj + diff
		}
	} else {
		quad := s.qd[i] + s.qd[j] - float64(2*qi[j])
		if quad <= 0 {
			quad = tau
		}
		delta := (s.g[i] - s.g[j]) / quad
		sum := alpha[i] + alpha[j]
		alpha[i] -= delta
		alpha[j] += delta
		if sum > ci {
			if alpha[i] > ci {
				alpha[i] = ci
				alpha[j] = sum - ci
			}
		} else if alpha[j] < 0 {
			alpha[j] = 0
			alpha[i] = sum
		}
		if sum > cj {
			if alpha[j] > cj {
				alpha[j] = cj
				alpha[i] = sum - cj
			}
		} else if alpha[i] < 0 {
			alpha[i] = 0
			alpha[j] = sum
		}
	}

	dI, dJ := alpha[i]-oldI, alpha[j]-oldJ
	g := s.g
	if len(s.active) == len(g) {
		qi, qj := qi[:len(g)], qj[:len(g)]
		for k := range g {
			g[k] += float64(qi[k])*dI + float64(qj[k])*dJ
		}
	} else {
		for _, k := range s.active {
			g[k] += float64(qi[k])*dI + float64(qj[k])*dJ
		}
	}

	ui, uj := s.status[i] == upperBound, s.status[j] == upperBound
	s.updateStatus(i)
	s.updateStatus(j)
	if ui != (s.status[i] == upperBound) {
		s.addToGBar(i, ci, ui)
	}
	if uj != (s.status[j] == upperBound) {
		s.addToGBar(j, cj, uj)
	}
}

// addToGBar removes (wasUpper) or adds C_i·Q_i to gBar.
func (s *solver) addToGBar(i int, ci float64, wasUpper bool) {
	qi := s.column(i)
	if wasUpper {
		for k := range s.gBar {
			s.gBar[k] -= ci * float64(qi[k])
		}
		return
	}
	for k := range s.gBar {
		s.gBar[k] += ci * float64(qi[k])
	}
}

// reconstructGradient recomputes the gradient of the shrunk variables from
// gBar and the free variables, libsvm's Solver::reconstruct_gradient. (Free
// variables are never shrunk, so all of them are active.)
func (s *solver) reconstructGradient() {
	if len(s.active) == len(s.g) {
		return
	}
	for j, act := range s.isActive {
		if !act {
			s.g[j] = s.gBar[j] - 1
		}
	}
	for _, i := range s.active {
		if s.status[i] != free {
			continue
		}
		qi := s.column(i)
		a := s.alpha[i]
		for j, act := range s.isActive {
			if !act {
				s.g[j] += a * float64(qi[j])
			}
		}
	}
}

// shrink is libsvm's Solver::do_shrinking: variables at a bound whose
// gradient says they will stay there are set aside. The first time the
// violation gets within 10·eps, every variable is brought back once.
func (s *solver) shrink() {
	y, g := s.pr.y, s.g
	gmax1, gmax2 := math.Inf(-1), math.Inf(-1)
	for _, i := range s.active {
		if y[i] == +1 {
			if s.status[i] != upperBound && -g[i] >= gmax1 {
				gmax1 = -g[i]
			}
			if s.status[i] != lowerBound && g[i] >= gmax2 {
				gmax2 = g[i]
			}
		} else {
			if s.status[i] != upperBound && -g[i] >= gmax2 {
				gmax2 = -g[i]
			}
			if s.status[i] != lowerBound && g[i] >= gmax1 {
				gmax1 = g[i]
			}
		}
	}
	if !s.unshrink && gmax1+gmax2 <= s.eps*10 {
		s.unshrink = true
		s.reconstructGradient()
		s.activateAll()
	}
	kept := s.active[:0]
	for _, i := range s.active {
		if s.shrinkable(i, gmax1, gmax2) {
			s.isActive[i] = false
		} else {
			kept = append(kept, i)
		}
	}
	s.active = kept
}

// shrinkable is libsvm's Solver::be_shrunk.
func (s *solver) shrinkable(i int, gmax1, gmax2 float64) bool {
	g := s.g[i]
	switch s.status[i] {
	case upperBound:
		if s.pr.y[i] == +1 {
			return -g > gmax1
		}
		return -g > gmax2
	case lowerBound:
		if s.pr.y[i] == +1 {
			return g > gmax2
		}
		return g > gmax1
	}
	return false
}

// rho is libsvm's Solver::calculate_rho: the mean of y_i·G_i over the free
// variables, or the middle of the feasible interval when none is free.
func (s *solver) rho() float64 {
	nFree := 0
	ub, lb, sumFree := math.Inf(1), math.Inf(-1), 0.0
	for _, i := range s.active {
		yg := float64(s.pr.y[i]) * s.g[i]
		switch s.status[i] {
		case upperBound:
			if s.pr.y[i] == -1 {
				ub = min(ub, yg)
			} else {
				lb = max(lb, yg)
			}
		case lowerBound:
			if s.pr.y[i] == +1 {
				ub = min(ub, yg)
			} else {
				lb = max(lb, yg)
			}
		default:
			nFree++
			sumFree += yg
		}
	}
	if nFree > 0 {
		return sumFree / float64(nFree)
	}
	return (ub + lb) / 2
}
