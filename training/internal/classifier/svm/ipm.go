package svm

import (
	"context"
	"math"
)

// qSystem is Q for the interior-point method: products with it, and solves
// with Q + D.
type qSystem interface {
	// mul sets out to Qv.
	mul(v, out []float64)
	// factor prepares solves with Q + diag(d); it reports false when that
	// matrix is not numerically positive definite.
	factor(d []float64) bool
	// solve overwrites b with (Q + diag(d))⁻¹b for the last d factored.
	solve(b []float64)
}

// interiorPoint solves
//
//	min ½αᵀQα − eᵀα  subject to  yᵀα = 0,  0 ≤ α_i ≤ c_i
//
// by Mehrotra's primal-dual predictor-corrector method and returns α, with
// the variables whose bound's multiplier exceeds their distance from it set
// to that bound. It stops as soon as that α meets SMO's stopping rule (a
// maximal violation below eps) and reports false when no iterate came
// within 100·eps of it, or ctx is done. SMO, run from α, finishes the job.
func interiorPoint(ctx context.Context, q qSystem, y []int8, c []float64, eps float64) ([]float64, bool) {
	l := len(y)
	yf := make([]float64, l)
	for i := range l {
		yf[i] = float64(y[i])
	}
	var (
		alpha, t, z, s       = make([]float64, l), make([]float64, l), make([]float64, l), make([]float64, l)
		rd, qa, d, r, mv     = make([]float64, l), make([]float64, l), make([]float64, l), make([]float64, l), make([]float64, l)
		dAlpha, dZ, dS       = make([]float64, l), make([]float64, l), make([]float64, l)
		affAlpha, affZ, affS = make([]float64, l), make([]float64, l), make([]float64, l)
		rc1, rc2             = make([]float64, l), make([]float64, l)
		nu                   float64
		grad                 = make([]float64, l)
		best                 []float64
		bestViolation        = math.Inf(1)
	)
	// Start inside the box, at most a unit of α from 0 (hard-margin
	// solutions on unscaled features are far below C), with every
	// complementarity product 1.
	for i := range l {
		alpha[i] = math.Min(c[i]/2, 1)
		t[i] = c[i] - alpha[i]
		z[i] = 1 / alpha[i]
		s[i] = 1 / t[i]
	}
	// atBounds returns the iterate with the variables at their bounds
	// snapped there.
	atBounds := func() []float64 {
		out := make([]float64, l)
		for i := range l {
			switch {
			case z[i] > alpha[i]:
				out[i] = 0
			case s[i] > t[i]:
				out[i] = c[i]
			default:
				out[i] = alpha[i]
			}
		}
		return out
	}

	const maxIter = 60
	for range maxIter {
		if ctx.Err() != nil {
			return nil, false
		}
		q.mul(alpha, qa)
		rp := dot(yf, alpha)
		var gap float64
		for i := range l {
			rd[i] = qa[i] - 1 + nu*yf[i] - z[i] + s[i]
			gap += alpha[i]*z[i] + t[i]*s[i]
		}
		mu := gap / float64(2*l)
		snapped := atBounds()
		q.mul(snapped, grad)
		v := violation(snapped, grad, y, c)
		if v < bestViolation {
			best, bestViolation = snapped, v
		}
		if v > 100*bestViolation && bestViolation < 1 {
			// Rounding has taken over from convergence.
			break
		}
		if v < eps/2 {
			return best, true
		}

		for i := range l {
			d[i] = z[i]/alpha[i] + s[i]/t[i]
		}
		if !q.factor(d) {
			break
		}
		copy(mv, yf)
		q.solve(mv)
		ymy := dot(yf, mv)
		if !(ymy > 0) {
			break
		}
		// direction solves the Newton system for the complementarity
		// targets rc1 (for α∘z) and rc2 (for t∘s) and returns ν's step.
		direction := func(da, dz, ds []float64) float64 {
			for i := range l {
				r[i] = -rd[i] + rc1[i]/alpha[i] - rc2[i]/t[i]
			}
			q.solve(r)
			dnu := (dot(yf, r) + rp) / ymy
			for i := range l {
				da[i] = r[i] - mv[i]*dnu
				dz[i] = (rc1[i] - z[i]*da[i]) / alpha[i]
				ds[i] = (rc2[i] + s[i]*da[i]) / t[i]
			}
			return dnu
		}

		// Predictor: the affine-scaling direction.
		for i := range l {
			rc1[i] = -alpha[i] * z[i]
			rc2[i] = -t[i] * s[i]
		}
		direction(affAlpha, affZ, affS)
		a := stepLength(alpha, t, z, s, affAlpha, affZ, affS)
		var gapAff float64
		for i := range l {
			gapAff += (alpha[i]+a*affAlpha[i])*(z[i]+a*affZ[i]) + (t[i]-a*affAlpha[i])*(s[i]+a*affS[i])
		}
		ratio := gapAff / gap
		sigma := ratio * ratio * ratio

		// Corrector: centring plus the predictor's second-order term.
		for i := range l {
			rc1[i] = sigma*mu - alpha[i]*z[i] - affAlpha[i]*affZ[i]
			rc2[i] = sigma*mu - t[i]*s[i] + affAlpha[i]*affS[i]
		}
		dnu := direction(dAlpha, dZ, dS)
		a = math.Min(1, 0.995*stepLength(alpha, t, z, s, dAlpha, dZ, dS))
		ok := true
		for i := range l {
			alpha[i] += a * dAlpha[i]
			t[i] = c[i] - alpha[i]
			z[i] += a * dZ[i]
			s[i] += a * dS[i]
			ok = ok && alpha[i] > 0 && t[i] > 0 && z[i] > 0 && s[i] > 0
		}
		nu += a * dnu
		if !ok {
			break
		}
	}
	// Rounding ends the method before SMO's tolerance on some problems; an
	// iterate close to the optimum is still a good start for SMO.
	if bestViolation < 100*eps {
		return best, true
	}
	return nil, false
}

// violation is SMO's measure of optimality at alpha with gradient g − e
// (g = Qα): the largest −y_i∇f_i over the variables that may move up
// plus the largest y_j∇f_j over those that may move down, as
// selectWorkingSet computes gmax + gmax2. It is +Inf when alpha or the
// gradient is not finite.
func violation(alpha, qa []float64, y []int8, c []float64) float64 {
	up, down := math.Inf(-1), math.Inf(-1)
	for i, a := range alpha {
		g := qa[i] - 1
		if math.IsNaN(a) || math.IsNaN(g) || math.IsInf(a, 0) || math.IsInf(g, 0) {
			return math.Inf(1) // no point to give SMO
		}
		if y[i] > 0 {
			if a < c[i] {
				up = math.Max(up, -g)
			}
			if a > 0 {
				down = math.Max(down, g)
			}
		} else {
			if a > 0 {
				up = math.Max(up, g)
			}
			if a < c[i] {
				down = math.Max(down, -g)
			}
		}
	}
	return up + down
}

// stepLength is the largest a such that α + aΔα, c − α − aΔα, z + aΔz and
// s + aΔs stay non-negative, capped at 1/0.995 so that the step taken,
// 0.995 of it, is at most 1.
func stepLength(alpha, t, z, s, da, dz, ds []float64) float64 {
	a := 1 / 0.995
	for i := range alpha {
		if da[i] < 0 {
			a = math.Min(a, -alpha[i]/da[i])
		} else if da[i] > 0 {
			a = math.Min(a, t[i]/da[i])
		}
		if dz[i] < 0 {
			a = math.Min(a, -z[i]/dz[i])
		}
		if ds[i] < 0 {
			a = math.Min(a, -s[i]/ds[i])
		}
	}
	return a
}

// denseQ is Q as an l × l matrix, solved with by Cholesky factorization.
type denseQ struct {
	l    int
	q, m []float64 // Q; the factor of Q + D
}

// newDenseQ returns Q = q; the factor's l² entries are allocated by the
// first factor, as the jump with the low-rank Q only multiplies by it.
func newDenseQ(q []float64, l int) *denseQ {
	return &denseQ{l: l, q: q}
}

func (dq *denseQ) mul(v, out []float64) {
	for i := range dq.l {
		out[i] = dot(dq.q[i*dq.l:(i+1)*dq.l], v)
	}
}

func (dq *denseQ) factor(d []float64) bool {
	if dq.m == nil {
		dq.m = make([]float64, dq.l*dq.l)
	}
	copy(dq.m, dq.q)
	for i, v := range d {
		dq.m[i*dq.l+i] += v
	}
	return cholesky(dq.m, dq.l)
}

func (dq *denseQ) solve(b []float64) { cholSolve(dq.m, dq.l, b) }

// lowRankQ is Q = ZZᵀ for the linear kernel, Z (l × p) the rows times
// their labels. Solves with Q + D use Woodbury's identity,
//
//	(D + ZZᵀ)⁻¹ = D⁻¹ − D⁻¹Z(I + ZᵀD⁻¹Z)⁻¹ZᵀD⁻¹,
//
// which needs a p × p factorization instead of an l × l one. Z is kept by
// column (zt, p × l), so that its products are sums over l contiguous
// values, four of them at once (dots4): one sum's additions wait for each
// other, four sums' do not. Each sum adds its terms in the order the
// products row by row did, so the results are the same to the bit.
type lowRankQ struct {
	l, p int
	zt   []float64 // p × l: column a of Z is zt[a*l : (a+1)*l]
	dinv []float64
	m    []float64 // the factor of I + ZᵀD⁻¹Z
	w    []float64 // p
	v    []float64 // l
}

// newLowRankQ returns Q = ZZᵀ for Z given row by row (l × p).
func newLowRankQ(z []float64, l, p int) *lowRankQ {
	zt := make([]float64, p*l)
	for i := range l {
		for a := range p {
			zt[a*l+i] = z[i*p+a]
		}
	}
	return &lowRankQ{l: l, p: p, zt: zt, dinv: make([]float64, l), m: make([]float64, p*p), w: make([]float64, p), v: make([]float64, l)}
}

func (lq *lowRankQ) col(a int) []float64 { return lq.zt[a*lq.l : (a+1)*lq.l] }

// dotsZ sets out[j] to the product of v with column j of Z, for j below
// len(out).
func (lq *lowRankQ) dotsZ(v, out []float64) {
	j := 0
	for ; j+4 <= len(out); j += 4 {
		out[j], out[j+1], out[j+2], out[j+3] = dots4(v, lq.col(j), lq.col(j+1), lq.col(j+2), lq.col(j+3))
	}
	for ; j < len(out); j++ {
		out[j] = dot(lq.col(j), v)
	}
}

// dots4 returns the products of x with a, b, c and d, each summed in
// index order as dot sums.
func dots4(x, a, b, c, d []float64) (sa, sb, sc, sd float64) {
	a, b, c, d = a[:len(x)], b[:len(x)], c[:len(x)], d[:len(x)]
	for i, v := range x {
		sa += a[i] * v
		sb += b[i] * v
		sc += c[i] * v
		sd += d[i] * v
	}
	return sa, sb, sc, sd
}

// mulZ sets out to Z·w, each out[i] summed over the columns in order,
// four columns a pass.
func (lq *lowRankQ) mulZ(w, out []float64) {
	clear(out)
	a := 0
	for ; a+4 <= len(w); a += 4 {
		c0, c1, c2, c3 := lq.col(a), lq.col(a+1), lq.col(a+2), lq.col(a+3)
		c0, c1, c2, c3 = c0[:len(out)], c1[:len(out)], c2[:len(out)], c3[:len(out)]
		w0, w1, w2, w3 := w[a], w[a+1], w[a+2], w[a+3]
		for i, o := range out {
			o += c0[i] * w0
			o += c1[i] * w1
			o += c2[i] * w2
			o += c3[i] * w3
			out[i] = o
		}
	}
	for ; a < len(w); a++ {
		for i, x := range lq.col(a) {
			out[i] += x * w[a]
		}
	}
}

func (lq *lowRankQ) mul(v, out []float64) {
	lq.dotsZ(v, lq.w)
	lq.mulZ(lq.w, out)
}

func (lq *lowRankQ) factor(d []float64) bool {
	p := lq.p
	for i, di := range d {
		if !(di > 0) {
			return false
		}
		lq.dinv[i] = 1 / di
	}
	scaled := lq.v
	for a := range p {
		for i, x := range lq.col(a) {
			scaled[i] = x * lq.dinv[i]
		}
		// Row a's lower triangle: (z_ia·d_i⁻¹)·z_ib summed over i.
		lq.dotsZ(scaled, lq.m[a*p:a*p+a+1])
	}
	for a := range p {
		lq.m[a*p+a]++
		for b := 0; b < a; b++ {
			lq.m[b*p+a] = lq.m[a*p+b]
		}
	}
	return cholesky(lq.m, p)
}

func (lq *lowRankQ) solve(b []float64) {
	// w = ZᵀD⁻¹b
	for i := range lq.l {
		lq.v[i] = lq.dinv[i] * b[i]
	}
	lq.dotsZ(lq.v, lq.w)
	cholSolve(lq.m, lq.p, lq.w)
	lq.mulZ(lq.w, lq.v)
	for i := range lq.l {
		b[i] = lq.dinv[i] * (b[i] - lq.v[i])
	}
}

// cholesky factors the symmetric positive definite l × l matrix a in place
// into L with a = LLᵀ, L in the lower triangle. It reports false when a is
// not numerically positive definite.
func cholesky(a []float64, l int) bool {
	for j := range l {
		rowJ := a[j*l : j*l+j]
		d := a[j*l+j] - dot(rowJ, rowJ)
		if !(d > 0) {
			return false
		}
		d = math.Sqrt(d)
		a[j*l+j] = d
		for i := j + 1; i < l; i++ {
			a[i*l+j] = (a[i*l+j] - dot(a[i*l:i*l+j], rowJ)) / d
		}
	}
	return true
}

// cholSolve solves LLᵀx = b in place of b for the factor cholesky left in
// a's lower triangle.
func cholSolve(a []float64, l int, b []float64) {
	for i := range l {
		b[i] = (b[i] - dot(a[i*l:i*l+i], b[:i])) / a[i*l+i]
	}
	for i := l - 1; i >= 0; i-- {
		v := b[i]
		for j := i + 1; j < l; j++ {
			v -= a[j*l+i] * b[j]
		}
		b[i] = v / a[i*l+i]
	}
}
