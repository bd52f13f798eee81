// Package httpretry sends JSON requests to a tracking server with retries
// (through package retry): exponential backoff with jitter on connection
// errors, 429 and 5xx, and the server's Retry-After when it gives one.
package httpretry

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strconv"
	"time"

	"github.com/mlopsgo/mlops/training/internal/retry"
)

// Client sends requests with retries. The zero value of each optional field
// means its default.
type Client struct {
	// HTTP sends the requests. Optional. Default: a client with a 60 s
	// timeout per attempt.
	HTTP *http.Client
	// Attempts bounds tries per request, the first included. Optional.
	// Default: 5.
	Attempts int
	// MinWait is the first backoff; each retry doubles it, up to MaxWait.
	// Optional. Defaults: 1 s and 30 s.
	MinWait, MaxWait time.Duration
	// Sleep waits between attempts; tests replace it. Optional. Default:
	// retry.Sleep, a timer that stops early when ctx is done.
	Sleep func(ctx context.Context, d time.Duration) error
	// Header is added to every request (authentication). Optional.
	Header http.Header
	// Logger receives one line per retry. Optional. Default: discard.
	Logger *slog.Logger
}

// StatusError is a response the server answered with a non-2xx status,
// after any retries.
type StatusError struct {
	Method, URL string
	StatusCode  int
	// Body is the response body, truncated to 4 KiB.
	Body []byte
	// RetryAfter is the wait the server asked for (Retry-After in
	// seconds), 0 when it named none.
	RetryAfter time.Duration
}

func (e *StatusError) Error() string {
	return fmt.Sprintf("%s %s: HTTP %d: %s", e.Method, e.URL, e.StatusCode, bytes.TrimSpace(e.Body))
}

// Retryable reports whether a status is worth retrying: rate limiting and
// server-side failures. MLflow's Python client retries the same set
// (mlflow/utils/request_utils.py, _TRANSIENT_FAILURE_RESPONSE_CODES: 408,
// 429, 500, 502, 503, 504); W&B's core retries 429 and 5xx
// (core/internal/clients, RetryMostFailures).
func Retryable(code int) bool {
	switch code {
	case http.StatusRequestTimeout, http.StatusTooManyRequests, http.StatusInternalServerError,
		http.StatusBadGateway, http.StatusServiceUnavailable, http.StatusGatewayTimeout:
		return true
	}
	return false
}

// Do sends method url with body (nil for none) and returns the 2xx response
// body. Requests are retried while the error is transient (a connection
// error, 408, 429 or 5xx) and attempts remain, waiting the server's
// Retry-After when it gives one; the last error is returned otherwise. A
// non-2xx final answer is a *StatusError.
func (c *Client) Do(ctx context.Context, method, url string, body []byte) ([]byte, error) {
	var data []byte
	err := c.policy(method, url).Do(ctx, func(ctx context.Context) error {
		var err error
		data, err = c.once(ctx, method, url, body)
		return err
	})
	if err != nil {
		return nil, err
	}
	return data, nil
}

// policy is the retry policy for one request.
func (c *Client) policy(method, url string) retry.Policy {
	p := retry.Policy{
		Attempts: c.Attempts, Backoff: c.MinWait, MaxBackoff: c.MaxWait, Sleep: c.Sleep,
		Retryable: transient,
		After: func(err error) time.Duration {
			var se *StatusError
			if errors.As(err, &se) {
				return se.RetryAfter
			}
			return 0
		},
		OnRetry: func(attempt int, wait time.Duration, err error) {
			c.logger().Warn("retrying request", "method", method, "url", url, "attempt", attempt, "wait", wait, "err", err)
		},
	}
	if p.Backoff <= 0 {
		p.Backoff = time.Second
	}
	if p.MaxBackoff <= 0 {
		p.MaxBackoff = 30 * time.Second
	}
	return p
}

// transient reports errors worth another request: a status Retryable
// accepts, or no answer at all (connection refused or reset, an attempt
// that timed out: http.Client's timeout error says DeadlineExceeded too,
// so retry.Transient would give up on it). retry.Policy.Do stops anyway
// once the caller's context is done.
func transient(err error) bool {
	var se *StatusError
	if errors.As(err, &se) {
		return Retryable(se.StatusCode)
	}
	return true
}

func (c *Client) once(ctx context.Context, method, url string, body []byte) ([]byte, error) {
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, method, url, rd)
	if err != nil {
		return nil, err
	}
	for k, vs := range c.Header {
		for _, v := range vs {
			req.Header.Add(k, v)
		}
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	req.Header.Set("Accept", "application/json")
	hc := c.HTTP
	if hc == nil {
		hc = &http.Client{Timeout: 60 * time.Second}
	}
	resp, err := hc.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, 64<<20))
	if err != nil {
		return nil, fmt.Errorf("%s %s: read response: %w", method, url, err)
	}
	if resp.StatusCode/100 != 2 {
		if len(data) > 4096 {
			data = data[:4096]
		}
		return nil, &StatusError{Method: method, URL: url, StatusCode: resp.StatusCode, Body: data,
			RetryAfter: retryAfter(resp.Header.Get("Retry-After"))}
	}
	return data, nil
}

// retryAfter parses a Retry-After header in seconds (the form rate
// limiters send); an HTTP date or garbage yields 0 (use the backoff).
func retryAfter(v string) time.Duration {
	n, err := strconv.Atoi(v)
	if err != nil || n < 0 {
		return 0
	}
	return time.Duration(n) * time.Second
}

func (c *Client) logger() *slog.Logger {
	if c.Logger == nil {
		return slog.New(slog.DiscardHandler)
	}
	return c.Logger
}
