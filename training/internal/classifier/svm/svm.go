package svm

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/mlopsgo/mlops/training/internal/classifier"
	"github.com/mlopsgo/mlops/training/model"
)

// Trainer fits support vector classifiers with a fixed Config. A Trainer
// whose Config has a nil Src holds no state between fits and is safe for
// concurrent use; one with a Src is not, because fits draw from the shared
// source.
type Trainer struct {
	cfg Config
}

var _ classifier.Trainer = (*Trainer)(nil)

// New returns a Trainer for cfg, or an error wrapping ErrConfig that names
// the first invalid field.
func New(cfg Config) (*Trainer, error) {
	if err := cfg.validate(); err != nil {
		return nil, err
	}
	return &Trainer{cfg: cfg}, nil
}

// Config returns the configuration the Trainer fits with.
func (t *Trainer) Config() Config { return t.cfg }

// Fit trains one binary C-SVC per pair of the classes present in y, with
// Platt scaling for each, as described in the package documentation, on X
// (one row per observation) and labels y in [0, classes), and returns a
// model.SVM. When the Config selects liblinear for len(X) rows (see
// Config.Solver), it fits calibrated one-vs-rest linear SVMs instead and
// returns a model.LinearSVM. X and y are not modified.
//
// With libsvm, Iterations counts the SMO iterations of the final binary
// problems (not those of the Platt cross-validation); Converged is false
// when Config.MaxIter stopped any problem, the Platt ones included. With
// liblinear, Iterations counts the coordinate descent's passes, or the
// primal's Newton steps, summed over every binary problem of every
// calibration fold; Converged is false when Config.LinearMaxIter stopped
// any of them. Neither is an error. History is
// nil.
//
// Fit returns an error wrapping a classifier input error for invalid data,
// the context's error when ctx is done (checked before every binary problem
// and every 1000 solver iterations, or every pass or Newton step of
// liblinear's), ErrSolver when the fitted parameters are not finite, or,
// with liblinear, ErrTooFewRows when a class has fewer than 3 rows.
func (t *Trainer) Fit(ctx context.Context, X [][]float64, y []int, classes int) (*classifier.Fitted, error) {
	if err := classifier.CheckInput(X, y, classes); err != nil {
		return nil, fmt.Errorf("svm: fit: %w", err)
	}
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("svm: fit: %w", err)
	}
	if t.cfg.liblinear(len(X)) {
		m, iterations, converged, err := t.fitLiblinear(ctx, X, y, classes)
		if err != nil {
			return nil, fmt.Errorf("svm: fit %d rows, %d features, %d classes with liblinear: %w", len(X), len(X[0]), classes, err)
		}
		return &classifier.Fitted{Params: model.Params{LinearSVM: m}, Iterations: iterations, Converged: converged}, nil
	}
	m, iterations, converged, err := t.fit(ctx, X, y, classes)
	if err != nil {
		return nil, fmt.Errorf("svm: fit %d rows, %d features, %d classes: %w", len(X), len(X[0]), classes, err)
	}
	return &classifier.Fitted{Params: model.Params{SVM: m}, Iterations: iterations, Converged: converged}, nil
}

// fit is libsvm's svm_train for C_SVC with probability estimates.
func (t *Trainer) fit(ctx context.Context, X [][]float64, y []int, classes int) (*model.SVM, int, bool, error) {
	cfg := t.cfg
	solverCfg := solverConfig{eps: cfg.Tol, shrinking: cfg.Shrinking, maxIter: cfg.MaxIter, cacheSize: cfg.CacheSize}
	if solverCfg.cacheSize == 0 {
		solverCfg.cacheSize = DefaultCacheSize
	}
	src := cfg.Src
	if src == nil {
		src = rand.NewPCG(0, 0)
	}
	rng := rand.New(src)

	// svm_group_classes: the classes present, ascending, and the rows of
	// each in their original order.
	byClass := make([][]int, classes)
	for i, c := range y {
		byClass[c] = append(byClass[c], i)
	}
	var labels []int
	var grouped [][]float64
	var start, count []int
	for c, rows := range byClass {
		if len(rows) == 0 {
			continue
		}
		labels = append(labels, c)
		start = append(start, len(grouped))
		count = append(count, len(rows))
		for _, i := range rows {
			grouped = append(grouped, X[i])
		}
	}
	gamma := 0.0
	if cfg.Kernel == RBF {
		gamma = cfg.gamma(X)
	}
	k := newKernel(grouped, cfg.Kernel == RBF, gamma)

	nk := len(labels)
	pairs := nk * (nk - 1) / 2
	m := &model.SVM{
		Kernel:    cfg.Kernel,
		Gamma:     gamma,
		Labels:    labels,
		NSupport:  make([]int, nk),
		DualCoef:  make([][]float64, nk-1),
		Intercept: make([]float64, pairs),
		ProbA:     make([]float64, pairs),
		ProbB:     make([]float64, pairs),
	}
	coefs := make([][]float64, pairs) // per pair, one per row of the pair
	nonzero := make([]bool, len(grouped))
	iterations, converged := 0, true
	p := 0
	for i := range nk {
		for j := i + 1; j < nk; j++ {
			pr := problem{k: k, cp: cfg.C, cn: cfg.C}
			for r := range count[i] {
				pr.rows = append(pr.rows, start[i]+r)
				pr.y = append(pr.y, +1)
			}
			for r := range count[j] {
				pr.rows = append(pr.rows, start[j]+r)
				pr.y = append(pr.y, -1)
			}
			a, b, err := binaryProbability(ctx, pr, solverCfg, rng)
			if err != nil {
				return nil, 0, false, err
			}
			sol, err := solve(ctx, pr, solverCfg)
			if err != nil {
				return nil, 0, false, err
			}
			m.ProbA[p], m.ProbB[p] = a, b
			m.Intercept[p] = -sol.rho
			iterations += sol.iterations
			converged = converged && sol.converged
			for r, c := range sol.coef {
				if c != 0 {
					nonzero[pr.rows[r]] = true
				}
			}
			coefs[p] = sol.coef
			p++
		}
	}

	// The support vectors are the rows with a non-zero coefficient in any
	// pair, in grouped order; position maps a grouped row to its index
	// among them.
	position := make([]int, len(grouped))
	for c := range nk {
		for r := start[c]; r < start[c]+count[c]; r++ {
			if nonzero[r] {
				position[r] = len(m.SupportVectors)
				m.SupportVectors = append(m.SupportVectors, append([]float64(nil), grouped[r]...))
				m.NSupport[c]++
			}
		}
	}
	for r := range m.DualCoef {
		m.DualCoef[r] = make([]float64, len(m.SupportVectors))
	}
	// libsvm's layout: pair (i, j) puts the coefficients of class i's
	// vectors in row j−1 and those of class j's vectors in row i.
	p = 0
	for i := range nk {
		for j := i + 1; j < nk; j++ {
			for r, c := range coefs[p][:count[i]] {
				if row := start[i] + r; nonzero[row] {
					m.DualCoef[j-1][position[row]] = c
				}
			}
			for r, c := range coefs[p][count[i]:] {
				if row := start[j] + r; nonzero[row] {
					m.DualCoef[i][position[row]] = c
				}
			}
			p++
		}
	}
	if !finiteModel(m) {
		return nil, 0, false, fmt.Errorf("%w: the fitted coefficients are not finite (features too large for the kernel?)", ErrSolver)
	}
	return m, iterations, converged, nil
}

// finite reports whether every value of vs is finite.
func finite(vs []float64) bool {
	for _, v := range vs {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return false
		}
	}
	return true
}

func finiteModel(m *model.SVM) bool {
	ok := finite
	for _, row := range m.DualCoef {
		if !ok(row) {
			return false
		}
	}
	return ok(m.Intercept) && ok(m.ProbA) && ok(m.ProbB) && ok([]float64{m.Gamma})
}
