package poll_test

import (
	"context"
	"testing"
	"time"

	"github.com/mlopsgo/mlops/testsupport/poll"
)

func TestUntil(t *testing.T) {
	canceled, cancel := context.WithCancel(context.Background())
	cancel()
	cases := []struct {
		name      string
		ctx       context.Context
		timeout   time.Duration
		trueAt    int // the call that returns true; 0: never
		want      bool
		wantCalls int // -1: at least one, however many the clock allows
	}{
		{name: "true at once", ctx: context.Background(), timeout: time.Hour, trueAt: 1, want: true, wantCalls: 1},
		{name: "true at the third call", ctx: context.Background(), timeout: time.Hour, trueAt: 3, want: true, wantCalls: 3},
		{name: "zero timeout still calls once", ctx: context.Background(), timeout: 0, want: false, wantCalls: 1},
		{name: "never true", ctx: context.Background(), timeout: 5 * time.Millisecond, want: false, wantCalls: -1},
		{name: "context ended", ctx: canceled, timeout: time.Hour, want: false, wantCalls: 1},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			calls := 0
			got := poll.Until(c.ctx, c.timeout, time.Millisecond, func() bool {
				calls++
				return calls == c.trueAt
			})
			if got != c.want {
				t.Errorf("Until = %v, want %v", got, c.want)
			}
			if c.wantCalls >= 0 && calls != c.wantCalls {
				t.Errorf("cond called %d times, want %d", calls, c.wantCalls)
			}
			if calls < 1 {
				t.Errorf("cond never called")
			}
		})
	}
}
