package remote

import "errors"

// ErrNotFound is returned by Get for a key the remote does not hold.
var ErrNotFound = errors.New("remote: object not found")

// ObjectError is the failure of one object in a transfer; Result.Failed
// holds them, so a caller can tell which outputs an object belongs to.
type ObjectError struct {
	// Op is what was attempted: "check", "upload", "download" or "read
	// manifest".
	Op string
	// Oid names the object; URL is where it is (or would be) on the
	// remote.
	Oid, URL string
	// Err is the cause.
	Err error
}

func (e *ObjectError) Error() string { return e.Op + " " + e.URL + ": " + e.Err.Error() }

// Unwrap returns the cause.
func (e *ObjectError) Unwrap() error { return e.Err }
