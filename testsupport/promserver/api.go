package promserver

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/mlopsgo/mlops/testsupport/poll"
)

// DefaultStep is Query.Step's default.
const DefaultStep = time.Second

// Query is a PromQL expression evaluated now: an instant query, or with
// Range set, a range query over the last Range.
type Query struct {
	// Expr is the PromQL expression. Required.
	Expr string
	// Range makes it a range query over [now-Range, now]. Optional.
	// Default: 0, an instant query.
	Range time.Duration
	// Step is a range query's resolution. Optional. Default: DefaultStep.
	Step time.Duration
}

// Series is one series of a query's answer: its labels and its values, one
// for an instant query and one a step for a range query. A value Prometheus
// gives as NaN or ±Inf is kept as such.
type Series struct {
	Metric map[string]string
	Values []float64
}

// HasNumber reports whether any of the series' values is a number (not NaN
// or infinite): a graph would draw something.
func (s Series) HasNumber() bool {
	return slices.ContainsFunc(s.Values, func(v float64) bool { return !math.IsNaN(v) && !math.IsInf(v, 0) })
}

// HasData reports whether any series has a number.
func HasData(res []Series) bool {
	return slices.ContainsFunc(res, Series.HasNumber)
}

// Query runs an instant query of expr.
func (s *Server) Query(ctx context.Context, expr string) ([]Series, error) {
	return s.Run(ctx, Query{Expr: expr})
}

// Run runs q.
func (s *Server) Run(ctx context.Context, q Query) ([]Series, error) {
	now := time.Now()
	form := url.Values{"query": {q.Expr}}
	path := "/api/v1/query"
	if q.Range > 0 {
		step := q.Step
		if step <= 0 {
			step = DefaultStep
		}
		path = "/api/v1/query_range"
		form.Set("start", timestamp(now.Add(-q.Range)))
		form.Set("end", timestamp(now))
		form.Set("step", strconv.FormatFloat(step.Seconds(), 'f', -1, 64))
	} else {
		form.Set("time", timestamp(now))
	}
	var data queryData
	if err := s.call(ctx, http.MethodPost, path, form, &data); err != nil {
		return nil, fmt.Errorf("promserver: query %s: %w", q.Expr, err)
	}
	res, err := data.series()
	if err != nil {
		return nil, fmt.Errorf("promserver: query %s: %w", q.Expr, err)
	}
	return res, nil
}

// WaitForData runs q every 250ms until one of its series has a number
// ([HasData]), and returns that answer. Past timeout (or when ctx ends) it
// returns the last answer and an error that says what it got.
func (s *Server) WaitForData(ctx context.Context, q Query, timeout time.Duration) ([]Series, error) {
	var (
		res []Series
		err error
	)
	if poll.Until(ctx, timeout, 250*time.Millisecond, func() bool {
		res, err = s.Run(ctx, q)
		return err == nil && HasData(res)
	}) {
		return res, nil
	}
	if err != nil {
		return res, fmt.Errorf("promserver: no data for %s within %v: %w", q.Expr, timeout, err)
	}
	return res, fmt.Errorf("promserver: no data for %s within %v: last answer %v", q.Expr, timeout, res)
}

// LabelValues returns the values of label over the series that match
// selects in the last window: what Grafana runs for label_values(match,
// label).
func (s *Server) LabelValues(ctx context.Context, label, match string, window time.Duration) ([]string, error) {
	now := time.Now()
	v := url.Values{"match[]": {match}, "start": {timestamp(now.Add(-window))}, "end": {timestamp(now)}}
	var values []string
	if err := s.call(ctx, http.MethodGet, "/api/v1/label/"+url.PathEscape(label)+"/values", v, &values); err != nil {
		return nil, fmt.Errorf("promserver: label values of %s over %s: %w", label, match, err)
	}
	return values, nil
}

// Alert is one pending or firing alert.
type Alert struct {
	Labels      map[string]string `json:"labels"`
	Annotations map[string]string `json:"annotations"`
	State       string            `json:"state"`
	Value       string            `json:"value"`
}

// Alerts returns the pending and firing alerts.
func (s *Server) Alerts(ctx context.Context) ([]Alert, error) {
	var data struct {
		Alerts []Alert `json:"alerts"`
	}
	if err := s.call(ctx, http.MethodGet, "/api/v1/alerts", nil, &data); err != nil {
		return nil, fmt.Errorf("promserver: alerts: %w", err)
	}
	return data.Alerts, nil
}

// call sends a request to the HTTP API and decodes the data of a
// successful answer into data.
func (s *Server) call(ctx context.Context, method, path string, params url.Values, data any) error {
	var body io.Reader
	target := s.url + path
	if method == http.MethodPost {
		body = strings.NewReader(params.Encode())
	} else if len(params) > 0 {
		target += "?" + params.Encode()
	}
	req, err := http.NewRequestWithContext(ctx, method, target, body)
	if err != nil {
		return err
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	resp, err := s.client.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return err
	}
	var out struct {
		Status    string          `json:"status"`
		ErrorType string          `json:"errorType"`
		Error     string          `json:"error"`
		Data      json.RawMessage `json:"data"`
	}
	if err := json.Unmarshal(b, &out); err != nil {
		return fmt.Errorf("%s: %s", resp.Status, b)
	}
	if out.Status != "success" {
		return fmt.Errorf("%s: %s", out.ErrorType, out.Error)
	}
	return json.Unmarshal(out.Data, data)
}

// queryData is the data of a query's answer, of any result type.
type queryData struct {
	ResultType string          `json:"resultType"`
	Result     json.RawMessage `json:"result"`
}

// sample is a [timestamp, "value"] pair.
type sample [2]any

func (p sample) value() (float64, error) {
	s, ok := p[1].(string)
	if !ok {
		return 0, fmt.Errorf("sample value %v is not a string", p[1])
	}
	return strconv.ParseFloat(s, 64)
}

// series decodes the result: one series per vector element or matrix row,
// and a scalar as one series without labels.
func (d queryData) series() ([]Series, error) {
	var res []Series
	switch d.ResultType {
	case "vector":
		var vec []struct {
			Metric map[string]string `json:"metric"`
			Value  sample            `json:"value"`
		}
		if err := json.Unmarshal(d.Result, &vec); err != nil {
			return nil, err
		}
		for _, e := range vec {
			v, err := e.Value.value()
			if err != nil {
				return nil, err
			}
			res = append(res, Series{Metric: e.Metric, Values: []float64{v}})
		}
	case "matrix":
		var mat []struct {
			Metric map[string]string `json:"metric"`
			Values []sample          `json:"values"`
		}
		if err := json.Unmarshal(d.Result, &mat); err != nil {
			return nil, err
		}
		for _, e := range mat {
			s := Series{Metric: e.Metric}
			for _, p := range e.Values {
				v, err := p.value()
				if err != nil {
					return nil, err
				}
				s.Values = append(s.Values, v)
			}
			res = append(res, s)
		}
	case "scalar":
		var p sample
		if err := json.Unmarshal(d.Result, &p); err != nil {
			return nil, err
		}
		v, err := p.value()
		if err != nil {
			return nil, err
		}
		res = append(res, Series{Metric: map[string]string{}, Values: []float64{v}})
	default:
		return nil, errors.New("result type " + strconv.Quote(d.ResultType) + " is not vector, matrix or scalar")
	}
	return res, nil
}

// timestamp renders t as the API's Unix seconds with milliseconds.
func timestamp(t time.Time) string {
	return strconv.FormatFloat(float64(t.UnixMilli())/1000, 'f', 3, 64)
}
