// Package poll waits, with a bounded deadline, for a condition that real
// programs make true in their own time: a server answering, a series
// appearing in Prometheus, an alert firing.
package poll

import (
	"context"
	"time"
)

// Until calls cond every interval until it returns true, and reports
// whether it did before timeout passed or ctx ended. cond is called at least
// once, and once more at the deadline, so a timeout shorter than interval
// still gives it a last chance.
func Until(ctx context.Context, timeout, interval time.Duration, cond func() bool) bool {
	deadline := time.Now().Add(timeout)
	for {
		if cond() {
			return true
		}
		left := time.Until(deadline)
		if left <= 0 {
			return false
		}
		wait := time.NewTimer(min(interval, left))
		select {
		case <-ctx.Done():
			wait.Stop()
			return false
		case <-wait.C:
		}
	}
}
