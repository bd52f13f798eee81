package classifier

import "errors"

var (
	// ErrEmpty is returned when there are no observations or no features.
	ErrEmpty = errors.New("classifier: no data")
	// ErrShape is returned when the rows of X differ in length or y does not
	// have one label per row.
	ErrShape = errors.New("classifier: inconsistent shape")
	// ErrNotFinite is returned when a feature value is NaN or infinite.
	ErrNotFinite = errors.New("classifier: feature value is not finite")
	// ErrLabel is returned when a label is outside [0, classes).
	ErrLabel = errors.New("classifier: label out of range")
	// ErrTooFewClasses is returned when fewer than two classes are declared or
	// present in y: there is nothing to discriminate.
	ErrTooFewClasses = errors.New("classifier: fewer than two classes")
)
