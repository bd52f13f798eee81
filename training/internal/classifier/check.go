package classifier

import (
	"fmt"
	"math"
)

// CheckInput validates a training set: X has at least one row and one
// column, every row has the same length, every value is finite, y has one
// label per row, every label lies in [0, classes), and at least two distinct
// classes are present. Its errors are *InputError, wrapping ErrEmpty,
// ErrShape, ErrNotFinite, ErrLabel or ErrTooFewClasses, and name the
// offending row, feature or label both in the message and in fields.
func CheckInput(X [][]float64, y []int, classes int) error {
	if len(X) == 0 {
		return &InputError{Err: ErrEmpty, Row: -1, Feature: -1, detail: "X has no rows"}
	}
	features := len(X[0])
	if features == 0 {
		return &InputError{Err: ErrEmpty, Row: -1, Feature: -1, detail: "X has no features"}
	}
	if len(y) != len(X) {
		return &InputError{Err: ErrShape, Row: -1, Feature: -1, detail: fmt.Sprintf("%d labels for %d rows", len(y), len(X))}
	}
	if classes < 2 {
		return &InputError{Err: ErrTooFewClasses, Row: -1, Feature: -1, detail: fmt.Sprintf("%d classes declared", classes)}
	}
	for i, row := range X {
		if len(row) != features {
			return &InputError{Err: ErrShape, Row: i, Feature: -1, detail: fmt.Sprintf("row %d has %d values, row 0 has %d", i, len(row), features)}
		}
		for j, v := range row {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				return &InputError{Err: ErrNotFinite, Row: i, Feature: j, Value: v, detail: fmt.Sprintf("row %d, feature %d is %v", i, j, v)}
			}
		}
	}
	first := -1
	present := 1
	for i, label := range y {
		if label < 0 || label >= classes {
			return &InputError{Err: ErrLabel, Row: i, Feature: -1, Label: label, detail: fmt.Sprintf("row %d has label %d, want [0, %d)", i, label, classes)}
		}
		switch {
		case first < 0:
			first = label
		case label != first:
			present = 2
		}
	}
	if present < 2 {
		return &InputError{Err: ErrTooFewClasses, Row: -1, Feature: -1, Label: first, detail: fmt.Sprintf("every row has label %d", first)}
	}
	return nil
}
