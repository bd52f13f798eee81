package metrics

// Report holds the scores of one set of predictions. The per-class slices
// are indexed by class.
type Report struct {
	// Accuracy is the fraction of correct predictions.
	Accuracy float64 `json:"accuracy"`
	// Precision is, per class, the fraction of the predictions of that
	// class that are right; 0 if the class was never predicted.
	Precision []float64 `json:"precision"`
	// Recall is, per class, the fraction of its members predicted as it;
	// 0 if the class has no members.
	Recall []float64 `json:"recall"`
	// F1 is, per class, the harmonic mean of Precision and Recall; 0 if
	// both are 0.
	F1 []float64 `json:"f1"`
	// Support is, per class, the number of observations of that class.
	Support []int `json:"support"`
	// PrecisionMacro is the unweighted mean of Precision over the classes
	// that occur in the true or predicted labels.
	PrecisionMacro float64 `json:"precision_macro"`
	// RecallMacro is the unweighted mean of Recall over the classes that
	// occur in the true or predicted labels.
	RecallMacro float64 `json:"recall_macro"`
	// F1Macro is the unweighted mean of F1 over the classes that occur in
	// the true or predicted labels.
	F1Macro float64 `json:"f1_macro"`
	// PrecisionWeighted is the mean of Precision weighted by Support.
	PrecisionWeighted float64 `json:"precision_weighted"`
	// RecallWeighted is the mean of Recall weighted by Support.
	RecallWeighted float64 `json:"recall_weighted"`
	// F1Weighted is the mean of F1 weighted by Support.
	F1Weighted float64 `json:"f1_weighted"`
	// LogLoss is the mean negative log-likelihood of the true classes; see
	// LogLoss.
	LogLoss float64 `json:"log_loss"`
	// Confusion is the confusion matrix: rows are true classes, columns
	// predicted ones.
	Confusion [][]int `json:"confusion"`
}

// Evaluate scores predicted class probabilities against the true labels.
// proba holds one row per observation with one column per class; the
// predicted class of a row is the column with the largest probability,
// the first one on ties (as numpy's argmax). Precision, recall and F1 are
// computed as sklearn.metrics.precision_recall_fscore_support does with
// its default zero_division, the log loss as LogLoss. proba is not
// modified.
//
// It panics if yTrue and proba differ in length or are empty, a row of
// proba does not have classes entries, or a label is outside
// [0, classes).
func Evaluate(yTrue []int, proba [][]float64, classes int) Report {
	checkLengths(len(yTrue), len(proba), "proba")
	checkClasses(classes)
	yPred := make([]int, len(proba))
	for i, row := range proba {
		checkRow(row, classes, i)
		yPred[i] = argmax(row)
	}
	cm := ConfusionMatrix(yTrue, yPred, classes)

	r := Report{
		Precision: make([]float64, classes),
		Recall:    make([]float64, classes),
		F1:        make([]float64, classes),
		Support:   make([]int, classes),
		LogLoss:   LogLoss(yTrue, proba, classes),
		Confusion: cm,
	}
	correct, present := 0, 0
	for k := range classes {
		tp, predicted := cm[k][k], 0
		for i := range classes {
			r.Support[k] += cm[k][i]
			predicted += cm[i][k]
		}
		correct += tp
		r.Precision[k] = ratio(tp, predicted)
		r.Recall[k] = ratio(tp, r.Support[k])
		p, rc := r.Precision[k], r.Recall[k]
		if p+rc > 0 {
			// Same operation order as scikit-learn:
			// (1 + beta²) * precision * recall / (beta² * precision + recall).
			r.F1[k] = 2 * p * rc / (p + rc)
		}
		if r.Support[k] > 0 || predicted > 0 {
			present++
			r.PrecisionMacro += r.Precision[k]
			r.RecallMacro += r.Recall[k]
			r.F1Macro += r.F1[k]
		}
		s := float64(r.Support[k])
		r.PrecisionWeighted += r.Precision[k] * s
		r.RecallWeighted += r.Recall[k] * s
		r.F1Weighted += r.F1[k] * s
	}
	n := float64(len(yTrue))
	r.Accuracy = float64(correct) / n
	r.PrecisionMacro /= float64(present)
	r.RecallMacro /= float64(present)
	r.F1Macro /= float64(present)
	r.PrecisionWeighted /= n
	r.RecallWeighted /= n
	r.F1Weighted /= n
	return r
}

// ratio returns num/den, or 0 when den is 0 (scikit-learn's zero_division
// default).
func ratio(num, den int) float64 {
	if den == 0 {
		return 0
	}
	return float64(num) / float64(den)
}

// argmax returns the index of the largest entry of row, the first on ties.
func argmax(row []float64) int {
	best := 0
	for i, v := range row {
		if v > row[best] {
			best = i
		}
	}
	return best
}
