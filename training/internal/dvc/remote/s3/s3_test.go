package s3_test

import (
	"context"
	"crypto/md5"
	"encoding/hex"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mlopsgo/mlops/training/internal/dvc/cache"
	"github.com/mlopsgo/mlops/training/internal/dvc/remote"
	"github.com/mlopsgo/mlops/training/internal/dvc/remote/s3"
	"github.com/mlopsgo/mlops/training/internal/retry"
)

// failingS3 answers every request with the status its method is given
// (200 for the others) and counts the requests per method and object.
type failingS3 struct {
	status map[string]int
	mu     sync.Mutex
	calls  map[string]int // "METHOD /bucket/key"
}

func (f *failingS3) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	f.calls[r.Method+" "+r.URL.Path]++
	f.mu.Unlock()
	code, ok := f.status[r.Method]
	if !ok {
		code = http.StatusOK
	}
	w.Header().Set("Content-Type", "application/xml")
	w.WriteHeader(code)
	if r.Method != http.MethodHead && code >= 400 {
		errCode := "InternalError"
		if code == http.StatusNotFound {
			errCode = "NoSuchKey"
		}
		w.Write([]byte(`<?xml version="1.0" encoding="UTF-8"?><Error><Code>` + errCode + `</Code><Message>test</Message></Error>`))
	}
}

// newCache returns a cache holding n small files, and their oids.
func newCache(t *testing.T, n int) (*cache.Cache, []string) {
	t.Helper()
	dir := t.TempDir()
	c := cache.New(filepath.Join(dir, "cache"))
	var oids []string
	for i := range n {
		content := []byte(strings.Repeat("x", i+1))
		sum := md5.Sum(content)
		oid := hex.EncodeToString(sum[:])
		src := filepath.Join(dir, oid)
		if err := os.WriteFile(src, content, 0o644); err != nil {
			t.Fatal(err)
		}
		if err := c.AddFile(src, oid); err != nil {
			t.Fatal(err)
		}
		oids = append(oids, oid)
	}
	return c, oids
}

// Every object operation makes exactly as many requests as remote.Retry
// allows: the SDK's own retryer is off, even when AWS_MAX_ATTEMPTS asks
// for more, so retries do not multiply (5 of ours x 3 of the SDK's).
func TestRequestsPerObjectEqualAttempts(t *testing.T) {
	t.Setenv("AWS_CONFIG_FILE", filepath.Join(t.TempDir(), "none"))
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", filepath.Join(t.TempDir(), "none"))
	t.Setenv("AWS_MAX_ATTEMPTS", "7")
	tests := []struct {
		name     string
		status   map[string]int
		fetch    bool   // Fetch into an empty cache instead of Push
		method   string // the requests counted
		attempts int
		want     int // requests per object
	}{
		{"exists fails", map[string]int{"HEAD": 500}, false, "HEAD", 3, 3},
		{"put fails", map[string]int{"HEAD": 404, "PUT": 500}, false, "PUT", 3, 3},
		{"put throttled", map[string]int{"HEAD": 404, "PUT": 503}, false, "PUT", 2, 2},
		{"get fails", map[string]int{"GET": 500}, true, "GET", 4, 4},
		{"default attempts", map[string]int{"GET": 500}, true, "GET", 0, retry.DefaultAttempts},
		{"one attempt", map[string]int{"GET": 500}, true, "GET", 1, 1},
		{"missing object is not retried", map[string]int{"GET": 404}, true, "GET", 3, 1},
		{"forbidden check is not retried", map[string]int{"HEAD": 403}, false, "HEAD", 3, 1},
		{"forbidden download is not retried", map[string]int{"GET": 403}, true, "GET", 3, 1},
		{"unauthorized upload is not retried", map[string]int{"HEAD": 404, "PUT": 401}, false, "PUT", 3, 1},
		{"bad request is retried", map[string]int{"GET": 400}, true, "GET", 3, 3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fake := &failingS3{status: tt.status, calls: map[string]int{}}
			srv := httptest.NewServer(fake)
			t.Cleanup(srv.Close)
			r, err := s3.New(t.Context(), s3.Options{
				URL: "s3://bucket/store", Endpoint: srv.URL, Region: "us-east-1",
				AccessKeyID: "test", SecretAccessKey: "test",
			})
			if err != nil {
				t.Fatal(err)
			}
			opts := remote.Options{Jobs: 2, Retry: remote.Retry{
				Attempts: tt.attempts,
				Sleep:    func(context.Context, time.Duration) error { return nil },
			}}
			c, oids := newCache(t, 3)
			if tt.fetch {
				_, _, err = remote.Fetch(t.Context(), cache.New(t.TempDir()), r, oids, opts)
			} else {
				_, err = remote.Push(t.Context(), c, r, oids, opts)
			}
			if err == nil {
				t.Fatal("the transfer succeeded against a failing server")
			}
			for _, oid := range oids {
				key := tt.method + " /bucket/store/" + cache.Key(oid)
				if got := fake.calls[key]; got != tt.want {
					t.Errorf("%s: %d requests, want %d (all requests: %v)", key, got, tt.want, fake.calls)
				}
			}
		})
	}
}
