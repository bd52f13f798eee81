package metrics

import "fmt"

// Accuracy returns the fraction of predictions equal to the true label, as
// sklearn.metrics.accuracy_score. It panics if yTrue and yPred differ in
// length or are empty.
func Accuracy(yTrue, yPred []int) float64 {
	checkLengths(len(yTrue), len(yPred), "yPred")
	correct := 0
	for i, t := range yTrue {
		if t == yPred[i] {
			correct++
		}
	}
	return float64(correct) / float64(len(yTrue))
}

// ConfusionMatrix returns the classes×classes matrix whose entry [i][j]
// counts observations of true class i predicted as class j (rows are true
// classes, columns predicted ones), as sklearn.metrics.confusion_matrix
// with labels=range(classes). It panics if yTrue and yPred differ in
// length or a label is outside [0, classes); empty inputs give a matrix of
// zeros.
func ConfusionMatrix(yTrue, yPred []int, classes int) [][]int {
	if len(yTrue) != len(yPred) {
		panic(fmt.Errorf("%w: %d true labels, %d predictions", ErrLength, len(yTrue), len(yPred)))
	}
	checkClasses(classes)
	cells := make([]int, classes*classes)
	m := make([][]int, classes)
	for i := range m {
		m[i] = cells[i*classes : (i+1)*classes : (i+1)*classes]
	}
	for i, t := range yTrue {
		p := yPred[i]
		checkLabel(t, classes, "yTrue", i)
		checkLabel(p, classes, "yPred", i)
		m[t][p]++
	}
	return m
}

// checkLengths panics unless n, the number of true labels, is positive and
// equal to m, the length of the argument called other.
func checkLengths(n, m int, other string) {
	if n != m {
		panic(fmt.Errorf("%w: %d true labels, %d entries in %s", ErrLength, n, m, other))
	}
	if n == 0 {
		panic(ErrEmpty)
	}
}

func checkClasses(classes int) {
	if classes < 1 {
		panic(fmt.Errorf("%w: %d classes", ErrLabel, classes))
	}
}

func checkLabel(label, classes int, arg string, i int) {
	if label < 0 || label >= classes {
		panic(fmt.Errorf("%w: %s[%d] is %d, want [0, %d)", ErrLabel, arg, i, label, classes))
	}
}
