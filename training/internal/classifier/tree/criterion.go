package tree

import "math"

// impurity computes a node's impurity from its weighted class counts and
// their sum, as scikit-learn's ClassificationCriterion does.
type impurity func(counts []float64, total float64) float64

func criterion(name string) impurity {
	if name == Gini {
		return gini
	}
	return entropy
}

// gini returns 1 − Σ (c_k/total)².
func gini(counts []float64, total float64) float64 {
	var sq float64
	for _, c := range counts {
		sq += c * c
	}
	return 1 - sq/(total*total)
}

// entropy returns −Σ p_k log₂ p_k over the classes present.
func entropy(counts []float64, total float64) float64 {
	var h float64
	for _, c := range counts {
		if c > 0 {
			p := c / total
			h -= p * math.Log2(p)
		}
	}
	return h
}
