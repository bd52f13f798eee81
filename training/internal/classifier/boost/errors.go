package boost

import "errors"

var (
	// ErrConfig is returned by New for an invalid Config; the message names
	// the field.
	ErrConfig = errors.New("boost: invalid config")
	// ErrRange is returned by Fit when a feature value is finite as a
	// float64 but too large for float32, the precision trees are grown in.
	ErrRange = errors.New("boost: feature value out of float32 range")
	// ErrValidation is returned by Fit when Config.Validation does not match
	// the training data: rows of another length, non-finite values, or
	// labels out of range.
	ErrValidation = errors.New("boost: invalid validation set")
)
