package server

import (
	"context"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"

	"github.com/mlopsgo/mlops/app/internal/modeltest"
	"github.com/mlopsgo/mlops/app/telemetry"
)

// TestMetricsListener checks Options.MetricsAddr end to end on loopback:
// /metrics and /admin/* answer only on the second listener, everything
// else (the original's /metrics/summary and / included) only on the main
// one, and the main listener's OpenAPI document no longer lists what moved.
func TestMetricsListener(t *testing.T) {
	ctx, cancel := context.WithCancel(t.Context())
	opts := testOptions(modeltest.Dir(t))
	opts.MetricsAddr = "127.0.0.1:0"
	s, _ := newTestServer(t, opts)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	mln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- s.ServeWithMetrics(ctx, ln, mln) }()
	main, metrics := "http://"+ln.Addr().String(), "http://"+mln.Addr().String()
	waitReady(t, main)

	do := func(method, url string) (int, string) {
		t.Helper()
		req, err := http.NewRequestWithContext(ctx, method, url, nil)
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("Authorization", "Bearer s3cret")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatalf("%s %s: %v", method, url, err)
		}
		defer resp.Body.Close()
		body, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(body)
	}
	tests := []struct {
		method, url string
		status      int
		contains    string
	}{
		{"GET", metrics + "/metrics", 200, telemetry.BuildInfo},
		{"POST", metrics + "/admin/reload", 200, ""},
		{"GET", main + "/metrics", 404, ""},
		{"POST", main + "/admin/reload", 404, ""},
		{"GET", main + "/metrics/summary", 200, ""},
		{"GET", main + "/", 200, "/metrics"},
		{"GET", main + "/predict", 405, ""},
		{"GET", metrics + "/health", 404, ""},
	}
	for _, tt := range tests {
		status, body := do(tt.method, tt.url)
		if status != tt.status || !strings.Contains(body, tt.contains) {
			t.Errorf("%s %s: %d %.200q, want %d containing %q", tt.method, tt.url, status, body, tt.status, tt.contains)
		}
	}
	_, doc := do("GET", main+"/openapi.json")
	if strings.Contains(doc, `"/metrics"`) || strings.Contains(doc, `"/admin/reload"`) || !strings.Contains(doc, `"/metrics/summary"`) {
		t.Errorf("the main listener's OpenAPI document should list /metrics/summary but not /metrics or /admin/reload")
	}
	cancel()
	if err := <-done; err != nil {
		t.Errorf("ServeWithMetrics: %v", err)
	}
	if _, err := net.Dial("tcp", mln.Addr().String()); err == nil {
		t.Error("the metrics listener still accepts after the server stopped")
	}
}

func TestServeNeedsTheMetricsListener(t *testing.T) {
	opts := testOptions(modeltest.Dir(t))
	opts.MetricsAddr = "127.0.0.1:0"
	s, _ := newTestServer(t, opts)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	if err := s.Serve(t.Context(), ln); err == nil || !strings.Contains(err.Error(), "MetricsAddr") {
		t.Errorf("Serve without the metrics listener: %v, want an error naming MetricsAddr", err)
	}
}

func TestOptionsMetricsAddr(t *testing.T) {
	tests := []struct {
		addr, metrics, want string
	}{
		{":8080", ":9091", ""},
		{":8080", "", ""},
		{"127.0.0.1:0", "127.0.0.1:0", ""},
		{":8080", ":8080", "a port other than Addr's"},
		{"", ":8080", "a port other than Addr's"},
		{":8080", "nope", "host:port"},
	}
	for _, tt := range tests {
		err := Options{Addr: tt.addr, MetricsAddr: tt.metrics, ModelDir: "m"}.Validate()
		if (tt.want == "") != (err == nil) || (err != nil && !strings.Contains(err.Error(), tt.want)) {
			t.Errorf("Addr %q, MetricsAddr %q: %v, want %q", tt.addr, tt.metrics, err, tt.want)
		}
	}
}
