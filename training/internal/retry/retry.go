// Package retry runs an operation again after a transient failure, with
// exponential backoff and jitter, a bounded number of times, and stops
// as soon as its context is done. The DVC remotes (dvc/remote) and the
// tracking-server exporters (export/httpretry) both retry through it.
package retry

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"time"
)

// Policy says how often and how patiently an operation is retried. The
// zero value of each field means its default. A Policy is safe for
// concurrent use when its functions are.
type Policy struct {
	// Attempts bounds the tries, the first included. Optional. Default: 5.
	Attempts int
	// Backoff is the wait before the second try; it doubles after each
	// retry, up to MaxBackoff. The actual wait is drawn between half of it
	// and all of it (jitter), so clients that failed together do not come
	// back together. Optional. Default: 200ms.
	Backoff time.Duration
	// MaxBackoff caps every wait, After's included. Optional. Default: 5s.
	MaxBackoff time.Duration
	// Retryable reports whether err is worth another try. Optional.
	// Default: every error but the context's own (canceled, deadline).
	Retryable func(err error) bool
	// After returns the wait err asks for (an HTTP Retry-After), or 0 to
	// use the backoff. Optional. Default: always 0.
	After func(err error) time.Duration
	// Jitter returns a duration in [0, n]; it must be safe for concurrent
	// use. Optional. Default: uniform, from math/rand/v2.
	Jitter func(n time.Duration) time.Duration
	// Sleep waits d, returning early with ctx's error when ctx is done.
	// Optional. Default: a timer.
	Sleep func(ctx context.Context, d time.Duration) error
	// OnRetry is called before each wait with the attempt that failed
	// (1 for the first), the wait and the error, to log it. Optional.
	OnRetry func(attempt int, wait time.Duration, err error)
}

// Defaults of Policy's fields.
const (
	DefaultAttempts   = 5
	DefaultBackoff    = 200 * time.Millisecond
	DefaultMaxBackoff = 5 * time.Second
)

// Do runs op until it succeeds, fails with an error Retryable rejects,
// has run Attempts times, or ctx is done; it returns op's last error.
// When ctx ends while Do waits to retry, the error wraps both op's last
// error and ctx's.
func (p Policy) Do(ctx context.Context, op func(ctx context.Context) error) error {
	p = p.withDefaults()
	wait := p.Backoff
	for attempt := 1; ; attempt++ {
		err := op(ctx)
		if err == nil || !p.Retryable(err) || attempt >= p.Attempts {
			return err
		}
		if ctxErr := ctx.Err(); ctxErr != nil {
			return stopped(err, ctxErr)
		}
		d := p.After(err)
		if d <= 0 {
			d = wait/2 + p.Jitter(wait-wait/2)
		}
		d = min(d, p.MaxBackoff)
		p.OnRetry(attempt, d, err)
		if serr := p.Sleep(ctx, d); serr != nil {
			return stopped(err, serr)
		}
		wait = min(2*wait, p.MaxBackoff)
	}
}

func stopped(err, why error) error {
	if errors.Is(err, why) {
		return err
	}
	return fmt.Errorf("%w (gave up waiting to retry: %w)", err, why)
}

func (p Policy) withDefaults() Policy {
	if p.Attempts <= 0 {
		p.Attempts = DefaultAttempts
	}
	if p.Backoff <= 0 {
		p.Backoff = DefaultBackoff
	}
	if p.MaxBackoff <= 0 {
		p.MaxBackoff = DefaultMaxBackoff
	}
	if p.Retryable == nil {
		p.Retryable = Transient
	}
	if p.After == nil {
		p.After = func(error) time.Duration { return 0 }
	}
	if p.Jitter == nil {
		p.Jitter = func(n time.Duration) time.Duration { return rand.N(n + 1) }
	}
	if p.Sleep == nil {
		p.Sleep = Sleep
	}
	if p.OnRetry == nil {
		p.OnRetry = func(int, time.Duration, error) {}
	}
	return p
}

// Transient is the default Retryable: every error but a canceled or
// expired context.
func Transient(err error) bool {
	return !errors.Is(err, context.Canceled) && !errors.Is(err, context.DeadlineExceeded)
}

// Sleep waits d, or until ctx is done (then it returns ctx's error).
func Sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}
