package svm

import "errors"

var (
	// ErrConfig is returned by New for an invalid Config; the message names
	// the field.
	ErrConfig = errors.New("svm: invalid config")
	// ErrSolver is returned when a fit produces parameters that are not
	// finite: kernel values that overflow float64 on extreme features.
	ErrSolver = errors.New("svm: solver failed")
)
