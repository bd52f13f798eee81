package train

import (
	"errors"
	"fmt"
)

// ErrAllFailed is returned, with the Result, when every model failed or
// timed out: there is no champion and nothing is written.
var ErrAllFailed = errors.New("train: every model failed")

// panicError is a classifier's panic, recovered so that it fails one model.
// The message is the panic's value; the stack is logged, not recorded.
type panicError struct {
	value any
	stack []byte
}

func (e *panicError) Error() string { return fmt.Sprintf("panic: %v", e.value) }
