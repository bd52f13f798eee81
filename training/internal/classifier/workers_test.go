package classifier

import (
	"errors"
	"fmt"
	"sync/atomic"
	"testing"
)

func TestRunCallsEveryIndexOnce(t *testing.T) {
	for _, tc := range []struct{ workers, n int }{{1, 5}, {4, 5}, {8, 3}, {3, 0}, {2, 1000}} {
		t.Run(fmt.Sprintf("%d workers, %d indices", tc.workers, tc.n), func(t *testing.T) {
			calls := make([]atomic.Int32, tc.n)
			var badWorker atomic.Bool
			err := Run(tc.workers, tc.n, func(w, i int) error {
				if w < 0 || w >= max(1, min(tc.workers, tc.n)) {
					badWorker.Store(true)
				}
				calls[i].Add(1)
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			for i := range calls {
				if c := calls[i].Load(); c != 1 {
					t.Errorf("index %d called %d times", i, c)
				}
			}
			if badWorker.Load() {
				t.Error("a call got a worker index outside [0, min(workers, n))")
			}
		})
	}
}

// TestRunStopsAtTheFirstError requires the first error to be returned
// and, with one worker, no index after the failing one to be handed out.
// With several, others may be running when it fails, so only the error is
// checked.
func TestRunStopsAtTheFirstError(t *testing.T) {
	boom := errors.New("boom")
	for _, workers := range []int{1, 3} {
		t.Run(fmt.Sprintf("%d workers", workers), func(t *testing.T) {
			var calls atomic.Int32
			err := Run(workers, 100, func(_, i int) error {
				calls.Add(1)
				if i == 10 {
					return boom
				}
				return nil
			})
			if !errors.Is(err, boom) {
				t.Fatalf("err = %v, want boom", err)
			}
			if c := calls.Load(); workers == 1 && c != 11 {
				t.Errorf("%d calls with one worker and an error at index 10, want 11", c)
			}
		})
	}
}
