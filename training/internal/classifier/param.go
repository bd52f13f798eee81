package classifier

import "fmt"

// ParamError is a hyper-parameter with a value its algorithm rejects. Each
// algorithm's New returns one, wrapping the algorithm's ErrConfig, so the
// same check serves a Go caller and params.yaml: training names the key as
// models.<model>.<Key>.
type ParamError struct {
	// Err is the algorithm's ErrConfig.
	Err error
	// Key is the parameter's params.yaml key (e.g. "max_depth"), or the Go
	// field name for a setting params.yaml does not have.
	Key string
	// Problem says what is wrong and what is allowed, e.g. "is 0; it must be
	// at least 1".
	Problem string
}

// Error returns Err's message, the key and the problem, as in
// "svm: invalid config: C is 0; it must be a finite number > 0".
func (e *ParamError) Error() string { return fmt.Sprintf("%v: %s %s", e.Err, e.Key, e.Problem) }

// Unwrap returns Err.
func (e *ParamError) Unwrap() error { return e.Err }

// Invalid returns a *ParamError for key; the problem is formatted as with
// fmt.Sprintf.
func Invalid(errConfig error, key, format string, args ...any) error {
	return &ParamError{Err: errConfig, Key: key, Problem: fmt.Sprintf(format, args...)}
}
