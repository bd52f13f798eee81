package tracking

import "errors"

var (
	// ErrNotFound is returned for a run id (or prefix) that matches no run.
	ErrNotFound = errors.New("tracking: no such run")
	// ErrAmbiguous is returned for an id prefix that matches several runs.
	ErrAmbiguous = errors.New("tracking: ambiguous run id")
	// ErrNotEnded is returned when an operation needs a finished or failed
	// run and the run is still running.
	ErrNotEnded = errors.New("tracking: run has not ended")
)

// ErrMixedKinds is returned when an operation needs runs of one kind
// (all training runs or all tuning runs) and was given both.
var ErrMixedKinds = errors.New("tracking: runs of different kinds")
