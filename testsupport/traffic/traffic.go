// Package traffic drives a server with a steady, bounded stream of
// requests while an end-to-end check watches it: rates and windows in
// Prometheus need traffic during the scrapes, not only before them.
package traffic

import (
	"context"
	"testing"
	"time"
)

// Defaults of [Options]' fields.
const (
	DefaultEvery = 10 * time.Millisecond
	DefaultMax   = 10000
)

// Options bound a [Generator].
type Options struct {
	// Every is the time between the starts of two steps (a step that takes
	// longer delays the next). Optional. Default: DefaultEvery.
	Every time.Duration
	// Max is the number of steps after which it stops by itself, so a
	// check that hangs does not flood a server forever. Optional.
	// Default: DefaultMax.
	Max int
}

// Generator runs a step function on a ticker in its own goroutine.
type Generator struct {
	cancel context.CancelFunc
	done   chan struct{}
}

// Start calls step(ctx, i) for i = 0, 1, ... every o.Every, until o.Max
// steps, Stop, or the end of the test. step runs on one goroutine, one
// call at a time; ctx ends when the generator stops or the test ends (before
// any cleanup runs), so a request in flight is cut short, and a cleanup
// waits for the last step to return.
func Start(t testing.TB, o Options, step func(ctx context.Context, i int)) *Generator {
	if o.Every <= 0 {
		o.Every = DefaultEvery
	}
	if o.Max <= 0 {
		o.Max = DefaultMax
	}
	ctx, cancel := context.WithCancel(t.Context())
	g := &Generator{cancel: cancel, done: make(chan struct{})}
	go func() {
		defer close(g.done)
		tick := time.NewTicker(o.Every)
		defer tick.Stop()
		for i := range o.Max {
			if i > 0 {
				select {
				case <-ctx.Done():
					return
				case <-tick.C:
				}
			}
			if ctx.Err() != nil {
				return
			}
			step(ctx, i)
		}
	}()
	t.Cleanup(g.Stop)
	return g
}

// Stop ends the generator and waits for its last step to return. It may be
// called more than once.
func (g *Generator) Stop() {
	g.cancel()
	<-g.done
}

// Wait waits until the generator has run its Max steps or was stopped.
func (g *Generator) Wait() {
	<-g.done
}
