package classifier

import (
	"errors"
	"math"
	"testing"
)

func TestCheckInput(t *testing.T) {
	// want is the error CheckInput must return; its message is the one
	// every trainer has reported since before InputError existed.
	tests := map[string]struct {
		X       [][]float64
		y       []int
		classes int
		want    *InputError
		msg     string
	}{
		"valid":            {X: [][]float64{{1, 2}, {3, 4}}, y: []int{0, 1}, classes: 2},
		"valid, class gap": {X: [][]float64{{1}, {2}, {3}}, y: []int{0, 2, 2}, classes: 3},
		"no rows": {
			X: nil, y: nil, classes: 2,
			want: &InputError{Err: ErrEmpty, Row: -1, Feature: -1},
			msg:  "classifier: no data: X has no rows",
		},
		"no features": {
			X: [][]float64{{}, {}}, y: []int{0, 1}, classes: 2,
			want: &InputError{Err: ErrEmpty, Row: -1, Feature: -1},
			msg:  "classifier: no data: X has no features",
		},
		"ragged": {
			X: [][]float64{{1, 2}, {3, 4}, {3}}, y: []int{0, 1, 0}, classes: 2,
			want: &InputError{Err: ErrShape, Row: 2, Feature: -1},
			msg:  "classifier: inconsistent shape: row 2 has 1 values, row 0 has 2",
		},
		"short y": {
			X: [][]float64{{1}, {2}}, y: []int{0}, classes: 2,
			want: &InputError{Err: ErrShape, Row: -1, Feature: -1},
			msg:  "classifier: inconsistent shape: 1 labels for 2 rows",
		},
		"NaN": {
			X: [][]float64{{1, 2}, {3, math.NaN()}}, y: []int{0, 1}, classes: 2,
			want: &InputError{Err: ErrNotFinite, Row: 1, Feature: 1, Value: math.NaN()},
			msg:  "classifier: feature value is not finite: row 1, feature 1 is NaN",
		},
		"+Inf": {
			X: [][]float64{{math.Inf(1)}, {2}}, y: []int{0, 1}, classes: 2,
			want: &InputError{Err: ErrNotFinite, Row: 0, Feature: 0, Value: math.Inf(1)},
			msg:  "classifier: feature value is not finite: row 0, feature 0 is +Inf",
		},
		"negative label": {
			X: [][]float64{{1}, {2}}, y: []int{-1, 1}, classes: 2,
			want: &InputError{Err: ErrLabel, Row: 0, Feature: -1, Label: -1},
			msg:  "classifier: label out of range: row 0 has label -1, want [0, 2)",
		},
		"label too large": {
			X: [][]float64{{1}, {2}}, y: []int{0, 2}, classes: 2,
			want: &InputError{Err: ErrLabel, Row: 1, Feature: -1, Label: 2},
			msg:  "classifier: label out of range: row 1 has label 2, want [0, 2)",
		},
		"one class present": {
			X: [][]float64{{1}, {2}}, y: []int{1, 1}, classes: 2,
			want: &InputError{Err: ErrTooFewClasses, Row: -1, Feature: -1, Label: 1},
			msg:  "classifier: fewer than two classes: every row has label 1",
		},
		"one class given": {
			X: [][]float64{{1}, {2}}, y: []int{0, 0}, classes: 1,
			want: &InputError{Err: ErrTooFewClasses, Row: -1, Feature: -1},
			msg:  "classifier: fewer than two classes: 1 classes declared",
		},
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
			if !errors.Is(err, tc.want.Err) {
				t.Fatalf("CheckInput: got %v, want an error wrapping %v", err, tc.want.Err)
			}
			var got *InputError
			if !errors.As(err, &got) {
				t.Fatalf("CheckInput: got %T %v, want an *InputError", err, err)
			}
			if got.Row != tc.want.Row || got.Feature != tc.want.Feature || got.Label != tc.want.Label ||
				!sameValue(got.Value, tc.want.Value) {
				t.Errorf("CheckInput: got row %d, feature %d, value %v, label %d; want %d, %d, %v, %d",
					got.Row, got.Feature, got.Value, got.Label, tc.want.Row, tc.want.Feature, tc.want.Value, tc.want.Label)
			}
			if err.Error() != tc.msg {
				t.Errorf("CheckInput: got message %q, want %q", err.Error(), tc.msg)
			}
		})
	}
}

// sameValue reports whether a and b are the same feature value, NaN
// included; the values are copied, not computed, so == is exact.
func sameValue(a, b float64) bool { return a == b || math.IsNaN(a) && math.IsNaN(b) }
