package remote

import (
	"context"
	"errors"
	"net/http"

	"github.com/mlopsgo/mlops/training/internal/dvc/cache"
	"github.com/mlopsgo/mlops/training/internal/retry"
)

// Retry says how often and how patiently a failed operation is retried:
// Attempts tries per object operation (default 5), waits from Backoff
// (default 200ms) doubling up to MaxBackoff (default 5s), with jitter.
// Retryable defaults to every error but the permanent ones (a missing or
// corrupt object, a canceled context, an HTTP 401 or 403 answer). The S3
// remote makes exactly one request per attempt (its SDK retryer is off),
// so Attempts is the number of requests an object gets at most.
type Retry = retry.Policy

// permanent reports errors that another try cannot fix.
func permanent(err error) bool {
	return errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) ||
		errors.Is(err, ErrNotFound) || errors.Is(err, cache.ErrCorrupt) || errors.Is(err, cache.ErrMissing) ||
		denied(err)
}

// denied reports an HTTP 401 or 403 answer (wrong or missing credentials,
// no permission, a skewed clock): asking again with the same credentials
// gets the same answer. Other 4xx are left retryable, since S3 answers
// 400 RequestTimeout to an upload that was too slow.
func denied(err error) bool {
	var status interface{ HTTPStatusCode() int }
	if !errors.As(err, &status) {
		return false
	}
	code := status.HTTPStatusCode()
	return code == http.StatusUnauthorized || code == http.StatusForbidden
}

// policy is r with the remote's idea of what is worth retrying.
func policy(r Retry) Retry {
	if r.Retryable == nil {
		r.Retryable = func(err error) bool { return !permanent(err) }
	}
	return r
}
