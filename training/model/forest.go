package model

import "fmt"

// Forest is an ensemble of decision trees whose class probabilities are
// averaged, as scikit-learn's RandomForestClassifier.predict_proba: each tree
// contributes its leaf's distribution with equal weight.
type Forest struct {
	// Trees are the fitted trees, in the order they were grown.
	Trees []Tree `json:"trees"`
}

func (f *Forest) validate(features, classes int) error {
	if len(f.Trees) == 0 {
		return fmt.Errorf("no trees")
	}
	for i := range f.Trees {
		if err := f.Trees[i].validate(features, classes); err != nil {
			return fmt.Errorf("tree %d: %w", i, err)
		}
	}
	return nil
}

// predictInto sums the trees' leaf distributions in tree order and divides
// by their number, the order and arithmetic of scikit-learn's averaging.
func (f *Forest) predictInto(dst, x []float64) {
	clear(dst)
	for i := range f.Trees {
		t := &f.Trees[i]
		for k, p := range t.Value[t.Leaf(x)] {
			dst[k] += p
		}
	}
	n := float64(len(f.Trees))
	for k := range dst {
		dst[k] /= n
	}
}
