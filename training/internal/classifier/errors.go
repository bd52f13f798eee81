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

// InputError is the error CheckInput returns: what is wrong with a training
// set and where. Err is one of ErrEmpty, ErrShape, ErrNotFinite, ErrLabel or
// ErrTooFewClasses, so errors.Is(err, ErrNotFinite) and the like work on it;
// a caller that needs the position gets it with errors.As.
type InputError struct {
	// Err is the sentinel error that says what is wrong.
	Err error
	// Row is the index in X and y of the offending observation, or -1 when
	// the problem is not in one row (no rows or features, as many labels as
	// rows, too few classes).
	Row int
	// Feature is the index of the offending feature for ErrNotFinite, or -1.
	Feature int
	// Value is the offending feature value (NaN or ±Inf) for ErrNotFinite,
	// or 0.
	Value float64
	// Label is the offending label for ErrLabel, or, for ErrTooFewClasses
	// with enough classes declared, the one label every row has; else 0.
	Label int

	detail string // the message after Err's, naming the row, feature or label
}

// Error returns Err's message followed by the details, as in
// "classifier: feature value is not finite: row 3, feature 1 is NaN".
func (e *InputError) Error() string { return e.Err.Error() + ": " + e.detail }

// Unwrap returns Err.
func (e *InputError) Unwrap() error { return e.Err }
