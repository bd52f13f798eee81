package metrics

import (
	"fmt"
	"math"
)

// LogLossEps is how far LogLoss keeps probabilities from 0 and 1. It is
// float64's machine epsilon, the default (eps="auto", that is
// np.finfo(np.float64).eps) of sklearn.metrics.log_loss since
// scikit-learn 1.2; earlier releases used 1e-15.
const LogLossEps = 0x1p-52 // 2.220446049250313e-16

// LogLoss returns the mean negative log-likelihood of the true labels
// under proba, as sklearn.metrics.log_loss with labels=range(classes) in
// scikit-learn 1.2: every probability is first clipped to
// [LogLossEps, 1-LogLossEps], then each row is divided by its sum, and the
// loss of a row is -ln of its true class's entry. The natural logarithm is
// used. proba holds one row per observation with one column per class,
// and is not modified.
//
// It panics if yTrue and proba differ in length or are empty, a row of
// proba does not have classes entries, or a label is outside
// [0, classes).
func LogLoss(yTrue []int, proba [][]float64, classes int) float64 {
	checkLengths(len(yTrue), len(proba), "proba")
	checkClasses(classes)
	total := 0.0
	for i, t := range yTrue {
		row := proba[i]
		checkRow(row, classes, i)
		checkLabel(t, classes, "yTrue", i)
		sum := 0.0
		for _, p := range row {
			sum += clip(p)
		}
		total += -math.Log(clip(row[t]) / sum)
	}
	return total / float64(len(yTrue))
}

// clip returns p limited to [LogLossEps, 1-LogLossEps], as np.clip does
// (NaN stays NaN).
func clip(p float64) float64 {
	if p < LogLossEps {
		return LogLossEps
	}
	if p > 1-LogLossEps {
		return 1 - LogLossEps
	}
	return p
}

func checkRow(row []float64, classes, i int) {
	if len(row) != classes {
		panic(fmt.Errorf("%w: proba[%d] has %d entries, want %d classes", ErrShape, i, len(row), classes))
	}
}
