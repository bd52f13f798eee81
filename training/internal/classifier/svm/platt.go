package svm

import (
	"context"
	"math"
	"math/rand/v2"
)

// plattFolds is libsvm's nr_fold for the cross-validation behind the Platt
// scaling.
const plattFolds = 5

// binaryProbability is libsvm's svm_binary_svc_probability: it shuffles the
// rows of pr with rng, computes every row's decision value with a model
// fitted on the other four fifths, and fits the sigmoid of Platt (2000) to
// those values and the labels. It returns the sigmoid's A and B.
func binaryProbability(ctx context.Context, pr problem, cfg solverConfig, rng *rand.Rand) (a, b float64, err error) {
	l := len(pr.rows)
	perm := make([]int, l)
	for i := range perm {
		perm[i] = i
	}
	for i := range l {
		j := i + rng.IntN(l-i)
		perm[i], perm[j] = perm[j], perm[i]
	}
	dec := make([]float64, l)
	var neg, pos []int
	for f := range plattFolds {
		begin, end := f*l/plattFolds, (f+1)*l/plattFolds
		// libsvm's svm_train groups the fold's training rows by label,
		// sorted, so label −1 comes first and becomes the sub-model's
		// positive class; its decision values are negated afterwards.
		neg, pos = neg[:0], pos[:0]
		for _, idx := range [2][]int{perm[:begin], perm[end:]} {
			for _, i := range idx {
				if pr.y[i] > 0 {
					pos = append(pos, i)
				} else {
					neg = append(neg, i)
				}
			}
		}
		switch {
		case len(pos) == 0 && len(neg) == 0:
			for _, i := range perm[begin:end] {
				dec[i] = 0
			}
			continue
		case len(neg) == 0:
			for _, i := range perm[begin:end] {
				dec[i] = 1
			}
			continue
		case len(pos) == 0:
			for _, i := range perm[begin:end] {
				dec[i] = -1
			}
			continue
		}
		sub := problem{k: pr.k, cp: pr.cn, cn: pr.cp}
		for _, i := range neg {
			sub.rows = append(sub.rows, pr.rows[i])
			sub.y = append(sub.y, +1)
		}
		for _, i := range pos {
			sub.rows = append(sub.rows, pr.rows[i])
			sub.y = append(sub.y, -1)
		}
		sol, err := solve(ctx, sub, cfg)
		if err != nil {
			return 0, 0, err
		}
		for _, i := range perm[begin:end] {
			x := pr.k.row(pr.rows[i])
			var sum float64
			for s, c := range sol.coef {
				if c != 0 {
					sum += c * pr.k.predict(x, sub.rows[s])
				}
			}
			// label[0] of the sub-model is −1.
			dec[i] = -(sum - sol.rho)
		}
	}
	a, b = sigmoidTrain(dec, pr.y)
	return a, b, nil
}

// sigmoidTrain is libsvm's sigmoid_train, the algorithm of Lin, Lin and
// Weng (2007) for Platt's sigmoid: it minimizes the cross-entropy of
// P(y = +1 | f) = 1/(1 + exp(A·f + B)) against regularized targets
// (N₊+1)/(N₊+2) and 1/(N₋+2) by Newton's method with a backtracking line
// search, from A = 0, B = log((N₋+1)/(N₊+1)), stopping when both gradient
// components are below 1e-5, after 100 iterations, or when the line search
// fails.
func sigmoidTrain(dec []float64, labels []int8) (a, b float64) {
	const (
		maxIter = 100
		minStep = 1e-10
		sigma   = 1e-12 // keeps the Hessian positive definite
		eps     = 1e-5
	)
	var prior1, prior0 float64
	for _, y := range labels {
		if y > 0 {
			prior1++
		} else {
			prior0++
		}
	}
	hiTarget := (prior1 + 1) / (prior1 + 2)
	loTarget := 1 / (prior0 + 2)
	t := make([]float64, len(dec))
	for i, y := range labels {
		if y > 0 {
			t[i] = hiTarget
		} else {
			t[i] = loTarget
		}
	}
	objective := func(a, b float64) float64 {
		var f float64
		for i, d := range dec {
			fApB := d*a + b
			if fApB >= 0 {
				f += t[i]*fApB + math.Log(1+math.Exp(-fApB))
			} else {
				f += (t[i]-1)*fApB + math.Log(1+math.Exp(fApB))
			}
		}
		return f
	}
	a, b = 0, math.Log((prior0+1)/(prior1+1))
	fval := objective(a, b)
	for range maxIter {
		h11, h22, h21, g1, g2 := sigma, sigma, 0.0, 0.0, 0.0
		for i, d := range dec {
			fApB := d*a + b
			var p, q float64
			if fApB >= 0 {
				p = math.Exp(-fApB) / (1 + math.Exp(-fApB))
				q = 1 / (1 + math.Exp(-fApB))
			} else {
				p = 1 / (1 + math.Exp(fApB))
				q = math.Exp(fApB) / (1 + math.Exp(fApB))
			}
			d2 := p * q
			h11 += d * d * d2
			h22 += d2
			h21 += d * d2
			d1 := t[i] - p
			g1 += d * d1
			g2 += d1
		}
		if math.Abs(g1) < eps && math.Abs(g2) < eps {
			break
		}
		det := h11*h22 - h21*h21
		dA := -(h22*g1 - h21*g2) / det
		dB := -(-h21*g1 + h11*g2) / det
		gd := g1*dA + g2*dB
		step := 1.0
		for step >= minStep {
			newA, newB := a+step*dA, b+step*dB
			if newf := objective(newA, newB); newf < fval+0.0001*step*gd {
				a, b, fval = newA, newB, newf
				break
			}
			step /= 2
		}
		if step < minStep {
			break // the line search failed
		}
	}
	return a, b
}
