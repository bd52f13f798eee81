package metrics

import "errors"

// The functions of this package panic with an error wrapping one of these
// when they are called with inputs that cannot be valid, which is a bug in
// the caller; recover and use errors.Is to tell them apart.
var (
	// ErrLength means two arguments that must have one entry per
	// observation have different lengths.
	ErrLength = errors.New("metrics: length mismatch")
	// ErrLabel means a label is outside [0, classes), or classes < 1.
	ErrLabel = errors.New("metrics: label out of range")
	// ErrShape means a row of probabilities does not have one column per
	// class.
	ErrShape = errors.New("metrics: probability row has the wrong width")
	// ErrEmpty means there are no observations to score.
	ErrEmpty = errors.New("metrics: no observations")
)
