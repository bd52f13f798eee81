package classifiertest

import (
	"context"
	"sync"
	"time"
)

// CancelAfter returns a context whose Err reports nil for the first n calls
// and context.Canceled from then on, and whose Done channel is closed at that
// point. It cancels a fit deterministically in the middle, between
// iterations, without timing.
func CancelAfter(n int) context.Context {
	return &countdown{left: n, done: make(chan struct{})}
}

type countdown struct {
	mu   sync.Mutex
	left int
	done chan struct{}
}

func (c *countdown) Deadline() (time.Time, bool) { return time.Time{}, false }
func (c *countdown) Value(any) any               { return nil }
func (c *countdown) Done() <-chan struct{}       { return c.done }

func (c *countdown) Err() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.left > 0 {
		c.left--
		return nil
	}
	if c.left == 0 {
		close(c.done)
		c.left = -1
	}
	return context.Canceled
}
