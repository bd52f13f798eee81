package classifier

import (
	"fmt"
	"math"
)

// CheckInput validates a training set: X has at least one row and one
// column, every row has the same length, every value is finite, y has one
// label per row, every label lies in [0, classes), and at least two distinct
// classes are present. Errors wrap ErrEmpty, ErrShape, ErrNotFinite,
// ErrLabel or ErrTooFewClasses and name the offending row, feature or label.
func CheckInput(X [][]float64, y []int, classes int) error {
	if len(X) == 0 {
		return fmt.Errorf("%w: X has no rows", ErrEmpty)
	}
	features := len(X[0])
	if features == 0 {
		return fmt.Errorf("%w: X has no features", ErrEmpty)
	}
	if len(y) != len(X) {
		return fmt.Errorf("%w: %d labels for %d rows", ErrShape, len(y), len(X))
	}
	if classes < 2 {
		return fmt.Errorf("%w: %d classes declared", ErrTooFewClasses, classes)
	}
	for i, row := range X {
		if len(row) != features {
			return fmt.Errorf("%w: row %d has %d values, row 0 has %d", ErrShape, i, len(row), features)
		}
		for j, v := range row {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				return fmt.Errorf("%w: row %d, feature %d is %v", ErrNotFinite, i, j, v)
			}
		}
	}
	first := -1
	present := 1
	for i, label := range y {
		if label < 0 || label >= classes {
			return fmt.Errorf("%w: row %d has label %d, want [0, %d)", ErrLabel, i, label, classes)
		}
		switch {
		case first < 0:
			first = label
		case label != first:
			present = 2
		}
	}
	if present < 2 {
		return fmt.Errorf("%w: every row has label %d", ErrTooFewClasses, first)
	}
	return nil
}
