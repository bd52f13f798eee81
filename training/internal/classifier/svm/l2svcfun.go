package svm

// l2svcFun is liblinear's l2r_l2_svc_fun: the primal LinearSVC objective
//
//	f(w) = ½‖w‖² + C·Σ_i max(0, 1 − y_i·w·x_i)²
//
// over the augmented rows (the bias feature included, so the intercept is
// regularized as liblinear's is), with its gradient and Hessian-vector
// product for the trust-region Newton method. As liblinear's, it keeps
// state between calls: fun stores the margins y_i·w·x_i of the w it was
// given, grad must follow a fun call on the same w and records the rows
// whose margin is below 1 (the set I), and Hv uses the I of the last grad
// call. It is not safe for concurrent use.
type l2svcFun struct {
	a    augmented
	rows []int  // indices into a
	y    []int8 // labels of rows, ±1
	c    float64
	z    []float64 // margins after fun; grad overwrites the first |I|
	sub  []int     // I: positions in rows with margin < 1, ascending
}

// newL2svcFun returns the objective of the binary problem rows (indices
// into a) with labels y and penalty c for both classes.
func newL2svcFun(a augmented, rows []int, y []int8, c float64) *l2svcFun {
	return &l2svcFun{a: a, rows: rows, y: y, c: c, z: make([]float64, len(rows)), sub: make([]int, 0, len(rows))}
}

// size is the number of variables, the augmented row's length.
func (o *l2svcFun) size() int { return o.a.stride }

// fun returns f(w) and stores the margins of w.
func (o *l2svcFun) fun(w []float64) float64 {
	f := dot(w, w) / 2
	for i, r := range o.rows {
		o.z[i] = float64(o.y[i]) * dot(o.a.row(r), w)
		if d := 1 - o.z[i]; d > 0 {
			f += o.c * d * d
		}
	}
	return f
}

// grad writes ∇f(w) = w + 2·Σ_{i∈I} C·y_i·(z_i − 1)·x_i into g, where z
// holds the margins of w from the last fun call, and records I.
func (o *l2svcFun) grad(w, g []float64) {
	o.sub = o.sub[:0]
	clear(g)
	for i, r := range o.rows {
		if o.z[i] < 1 {
			// liblinear compacts the coefficients into z's first |I|
			// entries and then forms Xᵀ_I·z row by row; accumulating in
			// the same pass adds the same terms in the same order.
			v := o.c * float64(o.y[i]) * (o.z[i] - 1)
			o.z[len(o.sub)] = v
			o.sub = append(o.sub, i)
			for j, x := range o.a.row(r) {
				g[j] += v * x
			}
		}
	}
	for j := range g {
		g[j] = w[j] + 2*g[j]
	}
}

// hv writes the generalized Hessian times s, s + 2·C·X_Iᵀ·X_I·s, into hs.
func (o *l2svcFun) hv(s, hs []float64) {
	clear(hs)
	for _, i := range o.sub {
		x := o.a.row(o.rows[i])
		v := o.c * dot(x, s)
		for j, xj := range x {
			hs[j] += v * xj
		}
	}
	for j := range hs {
		hs[j] = s[j] + 2*hs[j]
	}
}
