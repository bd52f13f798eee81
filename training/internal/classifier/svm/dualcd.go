package svm

import (
	"context"
	"math"
	"math/rand/v2"
)

// augmented is the training data as liblinear sees it with an intercept:
// each row's features followed by the bias feature, 1 (scikit-learn's
// intercept_scaling), stored row-major in one slice so the solver walks
// memory in order.
type augmented struct {
	x      []float64
	stride int // features + 1
}

// newAugmented copies X (one row per observation), standardized to
// (x−mean)/scale when mean is not nil, and appends the bias feature to
// every row. Standardizing while copying keeps one copy of the data, not
// two, which matters on a million rows.
func newAugmented(X [][]float64, mean, scale []float64) augmented {
	stride := len(X[0]) + 1
	a := augmented{x: make([]float64, len(X)*stride), stride: stride}
	for i, row := range X {
		r := a.row(i)
		if mean == nil {
			copy(r, row)
		} else {
			for j, v := range row {
				r[j] = (v - mean[j]) / scale[j]
			}
		}
		r[stride-1] = 1
	}
	return a
}

func (a augmented) row(i int) []float64 {
	return a.x[i*a.stride : (i+1)*a.stride : (i+1)*a.stride]
}

// dualCDConfig holds the stopping rule of the dual coordinate descent.
type dualCDConfig struct {
	eps     float64 // stop when the projected gradients span at most eps
	maxIter int     // outer iterations (passes over the active rows)
}

// linearSolution is the solution of one binary LinearSVC problem, by
// either solver: iterations counts the dual's outer passes or the primal's
// Newton steps.
type linearSolution struct {
	w          []float64 // weights over the augmented row; the last is the intercept
	iterations int
	converged  bool
}

// pgZero is liblinear's threshold below which a projected gradient counts
// as zero and the coordinate is not updated.
const pgZero = 1e-12

// solveDualCD is liblinear's solve_l2r_l1l2_svc for the L2-loss SVM
// (L2R_L2LOSS_SVC_DUAL, Algorithm 3 of Hsieh et al., ICML 2008): it
// minimizes ½αᵀ(Q + D)α − eᵀα over α ≥ 0, Q_ij = y_i·y_j·x_i·x_j and
// D_ii = 1/(2C), by exact coordinate steps over the rows in a random order
// drawn from rng at every outer iteration, with liblinear's shrinking of
// rows whose variable stays at 0, and returns w = Σ α_i·y_i·x_i. rows are
// indices into a, y their labels (±1), c the penalty of both classes.
//
// It stops when the largest and smallest projected gradients over the
// active rows are within cfg.eps and no row is shrunk (otherwise it
// reactivates every row and goes on), or after cfg.maxIter outer
// iterations, which is reported as not converged. It returns the context's
// error when ctx is done, checked before every outer iteration.
func solveDualCD(ctx context.Context, a augmented, rows []int, y []int8, c float64, cfg dualCDConfig, rng *rand.Rand) (linearSolution, error) {
	l := len(rows)
	w := make([]float64, a.stride)
	alpha := make([]float64, l)
	qd := make([]float64, l)
	index := make([]int, l)
	// Both classes have penalty c, so D_ii is the same for every row; the
	// upper bound of α is infinite for the L2 loss.
	diag := 0.5 / c
	for i, r := range rows {
		var sq float64
		for _, v := range a.row(r) {
			sq += v * v
		}
		qd[i] = diag + sq
		index[i] = i
	}
	active := l
	// liblinear also tracks the smallest projected gradient of the last
	// pass to shrink rows at the upper bound; the L2 loss has none.
	pgMaxOld := math.Inf(1)
	res := linearSolution{w: w}
	for res.iterations < cfg.maxIter {
		if err := ctx.Err(); err != nil {
			return linearSolution{}, err
		}
		pgMaxNew, pgMinNew := math.Inf(-1), math.Inf(1)
		for i := range active {
			j := i + rng.IntN(active-i)
			index[i], index[j] = index[j], index[i]
		}
		for s := 0; s < active; s++ {
			i := index[s]
			x := a.row(rows[i])
			yi := float64(y[i])
			g := dot(x, w)*yi - 1 + alpha[i]*diag
			pg := 0.0
			if alpha[i] == 0 {
				if g > pgMaxOld {
					// Likely to stay at the bound: set aside until the
					// next full pass.
					active--
					index[s], index[active] = index[active], index[s]
					s--
					continue
				}
				if g < 0 {
					pg = g
				}
			} else {
				pg = g
			}
			pgMaxNew = max(pgMaxNew, pg)
			pgMinNew = min(pgMinNew, pg)
			if math.Abs(pg) > pgZero {
				old := alpha[i]
				alpha[i] = max(alpha[i]-g/qd[i], 0)
				d := (alpha[i] - old) * yi
				for j, v := range x {
					w[j] += d * v
				}
			}
		}
		res.iterations++
		if pgMaxNew-pgMinNew <= cfg.eps {
			if active == l {
				res.converged = true
				break
			}
			active = l
			pgMaxOld = math.Inf(1)
			continue
		}
		pgMaxOld = pgMaxNew
		if pgMaxOld <= 0 {
			pgMaxOld = math.Inf(1)
		}
	}
	return res, nil
}
