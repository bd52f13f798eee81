package httpretry_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/mlopsgo/mlops/training/internal/export/httpretry"
)

func TestDo(t *testing.T) {
	tests := []struct {
		name      string
		statuses  []int
		after     string
		wantCalls int
		wantErr   int // status of the returned *StatusError, 0: success
		wantWaits []time.Duration
	}{
		{"ok", []int{200}, "", 1, 0, nil},
		{"retry 503 then ok", []int{503, 200}, "", 2, 0, []time.Duration{-1}},
		{"retry-after", []int{429, 200}, "3", 2, 0, []time.Duration{3 * time.Second}},
		{"no retry on 400", []int{400}, "", 1, 400, nil},
		{"give up after attempts", []int{500, 500, 500}, "", 3, 500, []time.Duration{-1, -1}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			calls := 0
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if r.Header.Get("X-Test") != "yes" {
					t.Errorf("header not sent")
				}
				st := tt.statuses[min(calls, len(tt.statuses)-1)]
				calls++
				if tt.after != "" {
					w.Header().Set("Retry-After", tt.after)
				}
				w.WriteHeader(st)
				w.Write([]byte(`{"ok":true}`))
			}))
			defer srv.Close()
			var waits []time.Duration
			c := &httpretry.Client{Attempts: 3, MinWait: 100 * time.Millisecond, Header: http.Header{"X-Test": {"yes"}},
				Sleep: func(_ context.Context, d time.Duration) error { waits = append(waits, d); return nil }}
			body, err := c.Do(t.Context(), http.MethodPost, srv.URL, []byte(`{}`))
			if calls != tt.wantCalls {
				t.Errorf("%d calls, want %d", calls, tt.wantCalls)
			}
			var se *httpretry.StatusError
			switch {
			case tt.wantErr == 0 && (err != nil || string(body) != `{"ok":true}`):
				t.Errorf("Do = %q, %v", body, err)
			case tt.wantErr != 0 && (!errors.As(err, &se) || se.StatusCode != tt.wantErr):
				t.Errorf("error %v, want status %d", err, tt.wantErr)
			}
			if len(waits) != len(tt.wantWaits) {
				t.Fatalf("waits %v, want %d", waits, len(tt.wantWaits))
			}
			for i, w := range tt.wantWaits {
				if w >= 0 && waits[i] != w {
					t.Errorf("wait %d = %v, want %v", i, waits[i], w)
				}
				if w < 0 && (waits[i] <= 0 || waits[i] > 30*time.Second) {
					t.Errorf("backoff wait %d = %v", i, waits[i])
				}
			}
		})
	}
}

// A cancelled context stops the retries.
func TestDoStopsOnCancel(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(503) }))
	defer srv.Close()
	ctx, cancel := context.WithCancel(t.Context())
	c := &httpretry.Client{Attempts: 10, Sleep: func(ctx context.Context, d time.Duration) error { cancel(); return ctx.Err() }}
	if _, err := c.Do(ctx, http.MethodGet, srv.URL, nil); !errors.Is(err, context.Canceled) {
		t.Fatalf("error %v, want context.Canceled", err)
	}
}

// An attempt that times out (the HTTP client's own timeout) is retried;
// the caller's context is not done.
func TestDoRetriesATimedOutAttempt(t *testing.T) {
	var mu sync.Mutex
	calls := 0
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		calls++
		first := calls == 1
		mu.Unlock()
		if first {
			<-r.Context().Done() // hang until the client gives up
			return
		}
		w.Write([]byte(`{}`))
	}))
	defer srv.Close()
	c := &httpretry.Client{Attempts: 2, HTTP: &http.Client{Timeout: 100 * time.Millisecond},
		Sleep: func(context.Context, time.Duration) error { return nil }}
	if body, err := c.Do(t.Context(), http.MethodGet, srv.URL, nil); err != nil || string(body) != `{}` {
		t.Fatalf("Do = %q, %v; want the second attempt's answer", body, err)
	}
	if calls != 2 {
		t.Fatalf("%d calls, want 2", calls)
	}
}
