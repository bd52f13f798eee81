package traffic_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/mlopsgo/mlops/testsupport/traffic"
)

func TestBounded(t *testing.T) {
	cases := []struct {
		name string
		o    traffic.Options
		want int
	}{
		{name: "max steps", o: traffic.Options{Every: time.Millisecond, Max: 5}, want: 5},
		{name: "one step", o: traffic.Options{Every: time.Hour, Max: 1}, want: 1},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var got []int
			g := traffic.Start(t, c.o, func(ctx context.Context, i int) { got = append(got, i) })
			g.Wait()
			// Wait returned: the generator's goroutine is done with got.
			if want := seq(c.want); !slices.Equal(got, want) {
				t.Errorf("steps %v, want %v", got, want)
			}
		})
	}
}

func TestStop(t *testing.T) {
	started := make(chan struct{})
	var steps int
	var stepCtx context.Context
	g := traffic.Start(t, traffic.Options{Every: time.Millisecond, Max: 1 << 30}, func(ctx context.Context, i int) {
		steps++
		if i == 0 {
			stepCtx = ctx
			close(started)
		}
	})
	<-started
	g.Stop()
	g.Stop() // a second Stop returns at once
	if steps >= 1<<30 {
		t.Errorf("%d steps after Stop, want fewer than Max", steps)
	}
	if stepCtx.Err() == nil {
		t.Error("the steps' context is still live after Stop")
	}
}

func TestStopsWithTest(t *testing.T) {
	var g *traffic.Generator
	var steps int
	t.Run("inner", func(t *testing.T) {
		g = traffic.Start(t, traffic.Options{Every: time.Millisecond, Max: 1 << 30}, func(context.Context, int) { steps++ })
	})
	// The inner test's cleanup stopped it: Wait returns.
	g.Wait()
	if steps >= 1<<30 {
		t.Errorf("%d steps, want fewer than Max", steps)
	}
}

func seq(n int) []int {
	s := make([]int, n)
	for i := range s {
		s[i] = i
	}
	return s
}
