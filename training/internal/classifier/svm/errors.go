package svm

import "errors"

var (
	// ErrConfig is returned by New for an invalid Config; the message names
	// the field.
	ErrConfig = errors.New("svm: invalid config")
	// ErrSolver is returned when a fit produces parameters that are not
	// finite: kernel values that overflow float64 on extreme features.
	ErrSolver = errors.New("svm: solver failed")
	// ErrTooFewRows is returned by the liblinear solver when a class has
	// fewer rows than the folds of its calibration: scikit-learn's
	// CalibratedClassifierCV refuses such data too.
	ErrTooFewRows = errors.New("svm: too few rows of a class to calibrate")
)
