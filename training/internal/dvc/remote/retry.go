package remote

import (
	"context"
	"errors"

	"github.com/mlopsgo/mlops/training/internal/dvc/cache"
	"github.com/mlopsgo/mlops/training/internal/retry"
)

// Retry says how often and how patiently a failed operation is retried:
// Attempts tries per object operation (default 5), waits from Backoff
// (default 200ms) doubling up to MaxBackoff (default 5s), with jitter.
// Retryable defaults to every error but the permanent ones (a missing or
// corrupt object, a canceled context). The S3 remote makes exactly one
// request per attempt (its SDK retryer is off), so Attempts is the number
// of requests an object gets at most.
type Retry = retry.Policy

// permanent reports errors that another try cannot fix.
func permanent(err error) bool {
	return errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) ||
		errors.Is(err, ErrNotFound) || errors.Is(err, cache.ErrCorrupt) || errors.Is(err, cache.ErrMissing)
}

// policy is r with the remote's idea of what is worth retrying.
func policy(r Retry) Retry {
	if r.Retryable == nil {
		r.Retryable = func(err error) bool { return !permanent(err) }
	}
	return r
}
