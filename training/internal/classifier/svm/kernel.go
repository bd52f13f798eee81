package svm

import "math"

// kernel evaluates the kernel between the training rows of one fit, stored
// contiguously, as libsvm's Kernel class does.
type kernel struct {
	rbf   bool
	gamma float64
	d     int
	x     []float64 // row i is x[i*d : (i+1)*d]
	sq    []float64 // ‖row i‖², for the RBF kernel
}

func newKernel(X [][]float64, rbf bool, gamma float64) *kernel {
	d := len(X[0])
	k := &kernel{rbf: rbf, gamma: gamma, d: d, x: make([]float64, 0, len(X)*d)}
	for _, row := range X {
		k.x = append(k.x, row...)
	}
	if rbf {
		k.sq = make([]float64, len(X))
		for i := range X {
			k.sq[i] = dot(k.row(i), k.row(i))
		}
	}
	return k
}

func (k *kernel) row(i int) []float64 { return k.x[i*k.d : (i+1)*k.d : (i+1)*k.d] }

// eval is libsvm's kernel_function(i, j) on two training rows; the RBF
// kernel goes through the precomputed norms, as libsvm's kernel_rbf.
func (k *kernel) eval(i, j int) float64 {
	if !k.rbf {
		return dot(k.row(i), k.row(j))
	}
	return math.Exp(-k.gamma * (k.sq[i] + k.sq[j] - 2*dot(k.row(i), k.row(j))))
}

// predict is libsvm's k_function between an observation and a training
// row: the RBF kernel takes the squared distance directly, as prediction
// from a model.SVM does.
func (k *kernel) predict(x []float64, j int) float64 {
	v := k.row(j)
	if !k.rbf {
		return dot(x, v)
	}
	var sum float64
	for i, a := range x {
		d := a - v[i]
		sum += d * d
	}
	return math.Exp(-k.gamma * sum)
}

func dot(a, b []float64) float64 {
	var sum float64
	b = b[:len(a)]
	for i, v := range a {
		sum += v * b[i]
	}
	return sum
}
