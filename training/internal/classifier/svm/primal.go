package svm

import "context"

// solvePrimal is liblinear's train_one for L2R_L2LOSS_SVC, scikit-learn's
// LinearSVC(dual=False): TRON on the primal objective (see l2svcFun) of
// the binary problem rows (indices into a), labels y (±1) and penalty c
// for both classes. As liblinear, it scales the tolerance by the smaller
// class's share of the rows, eps·max(min(pos, neg), 1)/l, so that an
// unbalanced one-vs-rest problem is not stopped early. It is deterministic
// and single-threaded; it returns the context's error when ctx is done.
func solvePrimal(ctx context.Context, a augmented, rows []int, y []int8, c float64, cfg tronConfig) (linearSolution, error) {
	pos := 0
	for _, v := range y {
		if v > 0 {
			pos++
		}
	}
	l := len(y)
	tol := cfg.eps * float64(max(min(pos, l-pos), 1)) / float64(l)
	w := make([]float64, a.stride)
	res, err := solveTRON(ctx, newL2svcFun(a, rows, y, c), w, tronConfig{eps: tol, maxIter: cfg.maxIter})
	if err != nil {
		return linearSolution{}, err
	}
	return linearSolution{w: w, iterations: res.iterations, converged: res.converged}, nil
}
