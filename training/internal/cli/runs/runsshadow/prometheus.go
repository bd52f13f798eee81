package runsshadow

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// ErrNotPrometheus is returned when the URL answers, but not as a
// Prometheus HTTP API does.
var ErrNotPrometheus = errors.New("not a Prometheus HTTP API")

// promClient runs instant queries against a Prometheus-compatible HTTP API
// (Prometheus, Thanos, Mimir, VictoriaMetrics).
type promClient struct {
	base *url.URL // the API's base URL, without /api/v1
	http *http.Client
}

// parseBaseURL checks a --prometheus value: an http or https URL with a
// host, and maybe a path prefix (a Prometheus behind a proxy).
func parseBaseURL(raw string) (*url.URL, error) {
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.RawQuery != "" || u.Fragment != "" {
		return nil, fmt.Errorf("--prometheus %q: want Prometheus's base URL, such as http://localhost:9090", raw)
	}
	u.Path = strings.TrimSuffix(u.Path, "/")
	return u, nil
}

// sample is one series of an instant vector.
type sample struct {
	labels map[string]string
	value  float64
}

// apiResponse is the envelope of every Prometheus HTTP API answer.
type apiResponse struct {
	Status    string          `json:"status"`
	Data      json.RawMessage `json:"data"`
	ErrorType string          `json:"errorType"`
	Error     string          `json:"error"`
	Warnings  []string        `json:"warnings"`
}

// query evaluates expr at time at and returns its instant vector.
func (c *promClient) query(ctx context.Context, expr string, at time.Time) ([]sample, error) {
	endpoint := c.base.JoinPath("api", "v1", "query")
	form := url.Values{
		"query": {expr},
		"time":  {strconv.FormatFloat(float64(at.UnixMilli())/1000, 'f', 3, 64)},
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, endpoint.String(), strings.NewReader(form.Encode()))
	if err != nil {
		return nil, fmt.Errorf("query %s: %w", c.base.Redacted(), err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Accept", "application/json")
	resp, err := c.http.Do(req)
	if err != nil {
		if errors.Is(err, context.DeadlineExceeded) {
			return nil, fmt.Errorf("no answer in time from Prometheus at %s: %w", c.base.Redacted(), err)
		}
		return nil, fmt.Errorf("cannot reach Prometheus at %s: %w", c.base.Redacted(), err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, 32<<20))
	if err != nil {
		return nil, fmt.Errorf("read Prometheus's answer from %s: %w", c.base.Redacted(), err)
	}
	var ar apiResponse
	if jerr := json.Unmarshal(body, &ar); jerr != nil || (ar.Status != "success" && ar.Status != "error") {
		ct := resp.Header.Get("Content-Type")
		if mt, _, err := mime.ParseMediaType(ct); err == nil {
			ct = mt
		}
		return nil, fmt.Errorf("%w at %s: POST %s answered %s with %s, not Prometheus's JSON; give Prometheus's base URL, such as http://localhost:9090",
			ErrNotPrometheus, c.base.Redacted(), "/"+strings.TrimPrefix(endpoint.Path, "/"), resp.Status, or(ct, "no Content-Type"))
	}
	if ar.Status == "error" {
		return nil, fmt.Errorf("query rejected by Prometheus at %s: %s: %s (HTTP %s; query %s)", c.base.Redacted(), ar.ErrorType, ar.Error, resp.Status, expr)
	}
	var data struct {
		ResultType string `json:"resultType"`
		Result     []struct {
			Metric map[string]string `json:"metric"`
			Value  [2]any            `json:"value"`
		} `json:"result"`
	}
	if err := json.Unmarshal(ar.Data, &data); err != nil || data.ResultType != "vector" {
		return nil, fmt.Errorf("%w at %s: the query %s gave result type %q, want vector", ErrNotPrometheus, c.base.Redacted(), expr, data.ResultType)
	}
	out := make([]sample, 0, len(data.Result))
	for _, r := range data.Result {
		s, ok := r.Value[1].(string)
		v, err := strconv.ParseFloat(s, 64) // Prometheus writes NaN and ±Inf as strings too
		if !ok || err != nil {
			return nil, fmt.Errorf("%w at %s: the query %s gave the value %v, want a number in a string", ErrNotPrometheus, c.base.Redacted(), expr, r.Value[1])
		}
		out = append(out, sample{labels: r.Metric, value: v})
	}
	return out, nil
}

func or(s, def string) string {
	if s == "" {
		return def
	}
	return s
}
