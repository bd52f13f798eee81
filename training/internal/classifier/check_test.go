package classifier

import (
	"errors"
	"math"
	"testing"
)

func TestCheckInput(t *testing.T) {
	tests := map[string]struct {
		X       [][]float64
		y       []int
		classes int
		want    error
	}{
		"valid":             {X: [][]float64{{1, 2}, {3, 4}}, y: []int{0, 1}, classes: 2},
		"valid, class gap":  {X: [][]float64{{1}, {2}, {3}}, y: []int{0, 2, 2}, classes: 3},
		"no rows":           {X: nil, y: nil, classes: 2, want: ErrEmpty},
		"no features":       {X: [][]float64{{}, {}}, y: []int{0, 1}, classes: 2, want: ErrEmpty},
		"ragged":            {X: [][]float64{{1, 2}, {3}}, y: []int{0, 1}, classes: 2, want: ErrShape},
		"short y":           {X: [][]float64{{1}, {2}}, y: []int{0}, classes: 2, want: ErrShape},
		"NaN":               {X: [][]float64{{1}, {math.NaN()}}, y: []int{0, 1}, classes: 2, want: ErrNotFinite},
		"+Inf":              {X: [][]float64{{math.Inf(1)}, {2}}, y: []int{0, 1}, classes: 2, want: ErrNotFinite},
		"negative label":    {X: [][]float64{{1}, {2}}, y: []int{-1, 1}, classes: 2, want: ErrLabel},
		"label too large":   {X: [][]float64{{1}, {2}}, y: []int{0, 2}, classes: 2, want: ErrLabel},
		"one class present": {X: [][]float64{{1}, {2}}, y: []int{1, 1}, classes: 2, want: ErrTooFewClasses},
		"one class given":   {X: [][]float64{{1}, {2}}, y: []int{0, 0}, classes: 1, want: ErrTooFewClasses},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			err := CheckInput(tc.X, tc.y, tc.classes)
			if tc.want == nil {
				if err != nil {
					t.Fatalf("CheckInput: got %v, want nil", err)
				}
				return
			}
			if !errors.Is(err, tc.want) {
				t.Fatalf("CheckInput: got %v, want an error wrapping %v", err, tc.want)
			}
		})
	}
}
