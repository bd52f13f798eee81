package model

import (
	"errors"
	"strconv"
)

var (
	// ErrNotBundle is returned when a JSON document has no "format" field or
	// names a format that is not a model bundle.
	ErrNotBundle = errors.New("model: not a model bundle")
	// ErrFormatVersion is returned for a bundle written in a format version
	// this code cannot read.
	ErrFormatVersion = errors.New("model: unsupported bundle format version")
	// ErrChecksum is returned when the recorded sha256 does not match the
	// bundle's canonical content: the file was edited or damaged.
	ErrChecksum = errors.New("model: checksum mismatch")
	// ErrMalformed is returned when the bytes are not a well-formed bundle
	// document (truncated, not JSON, wrong types, unknown fields).
	ErrMalformed = errors.New("model: malformed bundle")
	// ErrInvalid is returned when a well-formed bundle is inconsistent: shapes
	// that do not match, indices out of range, non-finite parameters.
	ErrInvalid = errors.New("model: invalid bundle")
	// ErrIndex is returned for a malformed or inconsistent models/index.json.
	ErrIndex = errors.New("model: invalid index")
	// ErrMissingValue is wrapped by a *MissingValueError: an input value
	// is missing for a feature that has no impute value.
	ErrMissingValue = errors.New("model: missing value")
)

// MissingValueError says which feature's input value is missing when the
// bundle has no value to fill it with.
type MissingValueError struct {
	// Feature is the feature's name.
	Feature string
}

func (e *MissingValueError) Error() string {
	return "model: feature " + strconv.Quote(e.Feature) +
		" is missing and the model has no value to impute it with (it was trained with data.missing: error)"
}

// Unwrap returns ErrMissingValue.
func (e *MissingValueError) Unwrap() error { return ErrMissingValue }
