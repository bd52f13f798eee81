package model

import (
	"fmt"
	"math"
)

// Linear is a multinomial linear model: logits z = Coef·x' + Intercept, where
// x' is x standardized with Mean and Scale when they are set, turned into
// probabilities with a softmax. Logistic regression fits one.
type Linear struct {
	// Coef has one row per class and one column per feature.
	Coef [][]float64 `json:"coef"`
	// Intercept has one value per class.
	Intercept []float64 `json:"intercept"`
	// Mean and Scale standardize inputs before Coef applies: x' = (x-Mean)/Scale.
	// Both are empty when the model was fitted on raw features.
	Mean  []float64 `json:"mean,omitempty"`
	Scale []float64 `json:"scale,omitempty"`
}

func (l *Linear) validate(features, classes int) error {
	if len(l.Coef) != classes || len(l.Intercept) != classes {
		return fmt.Errorf("%d coefficient rows and %d intercepts for %d classes", len(l.Coef), len(l.Intercept), classes)
	}
	for k, row := range l.Coef {
		if len(row) != features {
			return fmt.Errorf("coefficient row %d has %d values for %d features", k, len(row), features)
		}
		if !finite(row...) {
			return fmt.Errorf("coefficient row %d is not finite", k)
		}
	}
	if !finite(l.Intercept...) {
		return fmt.Errorf("intercepts are not finite")
	}
	if len(l.Mean) != len(l.Scale) || (len(l.Mean) != 0 && len(l.Mean) != features) {
		return fmt.Errorf("standardization has %d means and %d scales for %d features", len(l.Mean), len(l.Scale), features)
	}
	for j, s := range l.Scale {
		if !finite(s, l.Mean[j]) || s <= 0 {
			return fmt.Errorf("feature %d: scale %v must be finite and positive", j, s)
		}
	}
	return nil
}

func (l *Linear) predictInto(dst, x []float64) {
	for k, row := range l.Coef {
		z := l.Intercept[k]
		if len(l.Scale) != 0 {
			for j, w := range row {
				z += w * (x[j] - l.Mean[j]) / l.Scale[j]
			}
		} else {
			for j, w := range row {
				z += w * x[j]
			}
		}
		dst[k] = z
	}
	Softmax(dst)
}

// Softmax turns logits into probabilities in place, subtracting the maximum
// first so large logits do not overflow.
func Softmax(z []float64) {
	m := math.Inf(-1)
	for _, v := range z {
		m = math.Max(m, v)
	}
	var sum float64
	for i, v := range z {
		e := math.Exp(v - m)
		z[i] = e
		sum += e
	}
	for i := range z {
		z[i] /= sum
	}
}
