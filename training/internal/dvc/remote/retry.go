package remote

import (
	"context"
	"errors"
	"math/rand/v2"
	"time"

	"github.com/mlopsgo/mlops/training/internal/dvc/cache"
)

// Retry says how often and how patiently a failed operation is retried.
type Retry struct {
	// Attempts is the total number of tries. Optional. Default: 5.
	Attempts int
	// Backoff is the wait before the second try; it doubles each time,
	// with up to 50% random jitter, capped at MaxBackoff. Optional.
	// Default: 200ms.
	Backoff time.Duration
	// MaxBackoff caps the wait. Optional. Default: 5s.
	MaxBackoff time.Duration
}

func (r Retry) withDefaults() Retry {
	if r.Attempts <= 0 {
		r.Attempts = 5
	}
	if r.Backoff <= 0 {
		r.Backoff = 200 * time.Millisecond
	}
	if r.MaxBackoff <= 0 {
		r.MaxBackoff = 5 * time.Second
	}
	return r
}

// permanent reports errors that another try cannot fix.
func permanent(err error) bool {
	return errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) ||
		errors.Is(err, ErrNotFound) || errors.Is(err, cache.ErrCorrupt) || errors.Is(err, cache.ErrMissing)
}

// do runs op until it succeeds, fails permanently, or runs out of tries.
func (r Retry) do(ctx context.Context, op func() error) error {
	r = r.withDefaults()
	wait := r.Backoff
	var err error
	for attempt := 1; ; attempt++ {
		if err = op(); err == nil || permanent(err) || attempt >= r.Attempts {
			return err
		}
		d := wait/2 + rand.N(wait/2+1)
		select {
		case <-ctx.Done():
			return errors.Join(err, ctx.Err())
		case <-time.After(d):
		}
		wait = min(2*wait, r.MaxBackoff)
	}
}
