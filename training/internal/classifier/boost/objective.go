package boost

import (
	"math"

	"github.com/mlopsgo/mlops/training/internal/classifier"
)

// minHessian is XGBoost's floor on the softmax hessian, so a row whose
// probability has saturated still has a positive weight.
const minHessian = 1e-16

// fltMin is C's FLT_MIN, the smallest normal float32.
const fltMin = 0x1p-126

// maxLogLoss caps one row's log loss where its probability is below 1e-16,
// as XGBoost's mlogloss clips it.
var maxLogLoss = -math.Log(1e-16)

// expf is float32 exp: the exponential computed in float64 and rounded once.
func expf(x float32) float32 { return float32(math.Exp(float64(x))) }

// softmaxSums computes, as XGBoost 1.7's softmax objective does, the shift
// w = max(FLT_MIN, max_k m_k), each exp(m_k − w) in float32 (into exps) and
// their sum in float64. XGBoost starts the maximum at FLT_MIN rather than
// −Inf; that is mirrored so the exponentials round the same.
func softmaxSums(m, exps []float32) (wmax float32, wsum float64) {
	wmax = fltMin
	for _, v := range m {
		wmax = max(wmax, v)
	}
	for k, v := range m {
		// exp(0) is exactly 1: the largest margin's term needs no
		// exponential (a third of them with three classes).
		e := float32(1)
		if d := v - wmax; d != 0 {
			e = expf(d)
		}
		exps[k] = e
		wsum += float64(e)
	}
	return wmax, wsum
}

// lossOfRow returns −log p_label from softmaxSums' results, capped as
// XGBoost's mlogloss caps it.
func lossOfRow(m []float32, label int, wmax float32, wsum float64) float64 {
	return min(math.Log(wsum)-float64(m[label]-wmax), maxLogLoss)
}

// softmaxGradients computes the gradients and hessians of the softmax
// cross-entropy at the margins (n rows × classes, row-major) for labels y,
// as XGBoost 1.7's multi:softprob objective does, in float32:
//
//	p_k = exp(m_k − w) / Σ_j exp(m_j − w)
//	g_k = p_k − [y = k],  h_k = max(2 p_k (1 − p_k), 1e-16)
//
// It writes them class-major (grad[k*n+i]), so each class's tree reads a
// contiguous slice. It returns the mean log loss at the margins: the
// training loss the previous round reached. Rows are independent, so they
// are computed in blocks on up to workers goroutines; each row's loss goes
// to rowLoss (scratch of length n) and the losses are summed in row order,
// so the result does not depend on workers. A nil rowLoss skips the loss
// (the logarithms), and the result is 0.
func softmaxGradients(margin []float32, y []int, classes int, grad, hess []float32, rowLoss []float64, workers int) float64 {
	n := len(y)
	const block = 4096
	classifier.Parallel(workers, (n+block-1)/block, func(b int) {
		exps := make([]float32, classes)
		for i := b * block; i < min(n, (b+1)*block); i++ {
			label := y[i]
			m := margin[i*classes : (i+1)*classes]
			wmax, wsum := softmaxSums(m, exps)
			sum := float32(wsum)
			for k, e := range exps {
				p := e / sum
				h := max(2*p*(1-p), minHessian)
				g := p
				if k == label {
					g = p - 1
				}
				grad[k*n+i] = g
				hess[k*n+i] = h
			}
			if rowLoss != nil {
				rowLoss[i] = lossOfRow(m, label, wmax, wsum)
			}
		}
	})
	if rowLoss == nil {
		return 0
	}
	var loss float64
	for _, l := range rowLoss[:n] {
		loss += l
	}
	return loss / float64(n)
}

// logLoss returns the mean log loss at the margins (rows × classes,
// row-major) for labels y, computed as softmaxGradients computes it.
func logLoss(margin []float32, y []int, classes int, exps []float32) float64 {
	var loss float64
	for i, label := range y {
		m := margin[i*classes : (i+1)*classes]
		wmax, wsum := softmaxSums(m, exps)
		loss += lossOfRow(m, label, wmax, wsum)
	}
	return loss / float64(len(y))
}
