package retry_test

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/mlopsgo/mlops/training/internal/retry"
)

var (
	errTransient = errors.New("transient")
	errPermanent = errors.New("permanent")
	errSlowDown  = errors.New("slow down")
)

func TestDo(t *testing.T) {
	tests := []struct {
		name string
		// results are op's answers in order; the last repeats.
		results   []error
		policy    retry.Policy
		wantCalls int
		wantErr   error
		wantWaits []time.Duration
		// defaultRetryable keeps Policy.Retryable nil; otherwise every
		// error but errPermanent is retryable.
		defaultRetryable bool
	}{
		{"success", []error{nil}, retry.Policy{}, 1, nil, nil, false},
		{"retry then success", []error{errTransient, errTransient, nil}, retry.Policy{}, 3, nil,
			[]time.Duration{200 * time.Millisecond, 400 * time.Millisecond}, false},
		{"attempts bound the calls", []error{errTransient}, retry.Policy{Attempts: 3}, 3, errTransient,
			[]time.Duration{200 * time.Millisecond, 400 * time.Millisecond}, false},
		{"one attempt: no retry", []error{errTransient}, retry.Policy{Attempts: 1}, 1, errTransient, nil, false},
		{"default attempts", []error{errTransient}, retry.Policy{}, retry.DefaultAttempts, errTransient,
			[]time.Duration{200 * time.Millisecond, 400 * time.Millisecond, 800 * time.Millisecond, 1600 * time.Millisecond}, false},
		{"backoff capped", []error{errTransient}, retry.Policy{Attempts: 4, Backoff: time.Second, MaxBackoff: 1500 * time.Millisecond}, 4, errTransient,
			[]time.Duration{time.Second, 1500 * time.Millisecond, 1500 * time.Millisecond}, false},
		{"not retryable", []error{errPermanent}, retry.Policy{}, 1, errPermanent, nil, false},
		{"retryable until not", []error{errTransient, errPermanent}, retry.Policy{}, 2, errPermanent, []time.Duration{200 * time.Millisecond}, false},
		{"context errors are not retried by default", []error{context.DeadlineExceeded}, retry.Policy{}, 1, context.DeadlineExceeded, nil, true},
		{"other errors are retried by default", []error{errPermanent, nil}, retry.Policy{}, 2, nil, []time.Duration{200 * time.Millisecond}, true},
		{"the error's own wait", []error{errSlowDown, nil}, retry.Policy{}, 2, nil, []time.Duration{3 * time.Second}, false},
		{"the error's own wait is capped", []error{errSlowDown, nil}, retry.Policy{MaxBackoff: time.Second}, 2, nil, []time.Duration{time.Second}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var waits, logged []time.Duration
			p := tt.policy
			if !tt.defaultRetryable {
				p.Retryable = func(err error) bool { return !errors.Is(err, errPermanent) }
			}
			p.After = func(err error) time.Duration {
				if errors.Is(err, errSlowDown) {
					return 3 * time.Second
				}
				return 0
			}
			// The largest jitter: each wait is the full backoff.
			p.Jitter = func(n time.Duration) time.Duration { return n }
			p.Sleep = func(_ context.Context, d time.Duration) error { waits = append(waits, d); return nil }
			p.OnRetry = func(attempt int, d time.Duration, err error) {
				if attempt != len(logged)+1 || err == nil {
					t.Errorf("OnRetry(%d, %v, %v) after %d retries", attempt, d, err, len(logged))
				}
				logged = append(logged, d)
			}
			calls := 0
			err := p.Do(t.Context(), func(context.Context) error {
				e := tt.results[min(calls, len(tt.results)-1)]
				calls++
				return e
			})
			if calls != tt.wantCalls {
				t.Errorf("%d calls, want %d", calls, tt.wantCalls)
			}
			if !errors.Is(err, tt.wantErr) || (tt.wantErr == nil && err != nil) {
				t.Errorf("error %v, want %v", err, tt.wantErr)
			}
			if !slices.Equal(waits, tt.wantWaits) || !slices.Equal(logged, tt.wantWaits) {
				t.Errorf("waits %v (logged %v), want %v", waits, logged, tt.wantWaits)
			}
		})
	}
}

// The jitter draws each wait between half the backoff and all of it.
func TestDoJitter(t *testing.T) {
	tests := []struct {
		name   string
		jitter func(time.Duration) time.Duration
		want   []time.Duration
	}{
		{"none", func(time.Duration) time.Duration { return 0 }, []time.Duration{50 * time.Millisecond, 100 * time.Millisecond}},
		{"full", func(n time.Duration) time.Duration { return n }, []time.Duration{100 * time.Millisecond, 200 * time.Millisecond}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var waits []time.Duration
			p := retry.Policy{Attempts: 3, Backoff: 100 * time.Millisecond, Jitter: tt.jitter,
				Sleep: func(_ context.Context, d time.Duration) error { waits = append(waits, d); return nil }}
			_ = p.Do(t.Context(), func(context.Context) error { return errTransient })
			if !slices.Equal(waits, tt.want) {
				t.Errorf("waits %v, want %v", waits, tt.want)
			}
		})
	}
	// The default jitter stays within the bounds.
	var waits []time.Duration
	p := retry.Policy{Attempts: 50, Backoff: 10 * time.Millisecond, MaxBackoff: 10 * time.Millisecond,
		Sleep: func(_ context.Context, d time.Duration) error { waits = append(waits, d); return nil }}
	_ = p.Do(t.Context(), func(context.Context) error { return errTransient })
	for _, d := range waits {
		if d < 5*time.Millisecond || d > 10*time.Millisecond {
			t.Fatalf("wait %v outside [5ms, 10ms]", d)
		}
	}
}

// A context that ends stops the retries: during the wait, or before it.
func TestDoStopsWhenContextEnds(t *testing.T) {
	t.Run("while waiting", func(t *testing.T) {
		ctx, cancel := context.WithCancel(t.Context())
		calls := 0
		p := retry.Policy{Attempts: 10, Sleep: func(ctx context.Context, _ time.Duration) error { cancel(); return ctx.Err() }}
		err := p.Do(ctx, func(context.Context) error { calls++; return errTransient })
		if calls != 1 || !errors.Is(err, context.Canceled) || !errors.Is(err, errTransient) {
			t.Fatalf("%d calls, error %v; want 1 call and an error wrapping both", calls, err)
		}
	})
	t.Run("with the real sleep", func(t *testing.T) {
		ctx, cancel := context.WithCancel(t.Context())
		calls := 0
		p := retry.Policy{Attempts: 10, Backoff: time.Hour, MaxBackoff: time.Hour}
		err := p.Do(ctx, func(context.Context) error { calls++; cancel(); return errTransient })
		if calls != 1 || !errors.Is(err, context.Canceled) {
			t.Fatalf("%d calls, error %v; want 1 call and context.Canceled", calls, err)
		}
	})
}

func TestSleep(t *testing.T) {
	if err := retry.Sleep(t.Context(), time.Nanosecond); err != nil {
		t.Fatalf("Sleep: %v", err)
	}
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	if err := retry.Sleep(ctx, time.Hour); !errors.Is(err, context.Canceled) {
		t.Fatalf("Sleep after cancel: %v, want context.Canceled", err)
	}
}
