package loadtest

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

func TestPacedSendsAtTheRate(t *testing.T) {
	var got atomic.Int64
	var body atomic.Value
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		body.Store(string(b))
		if got.Add(1)%10 == 0 {
			time.Sleep(2 * time.Millisecond) // a slow answer now and then
		}
		w.Header().Set("Content-Type", "application/json")
		_, _ = io.WriteString(w, `{"ok":true}`)
	}))
	defer srv.Close()

	// 400 requests a second over 4 connections for half a second: 200
	// requests due, each connection's 50 sent one after the other.
	f, err := paced(t.Context(), srv.URL+"/predict", `{"x":1}`, 400, 4, 500*time.Millisecond)
	if err != nil {
		t.Fatal(err)
	}
	if f.Sent != 200 || f.Failed != 0 || got.Load() != 200 {
		t.Errorf("sent %d, failed %d, server saw %d; want 200 sent and seen", f.Sent, f.Failed, got.Load())
	}
	if body.Load() != `{"x":1}` {
		t.Errorf("server got body %q", body.Load())
	}
	if f.P50 <= 0 || f.P99 < f.P50 || f.P99 < 2*time.Millisecond {
		t.Errorf("p50 %s, p99 %s: want 0 < p50 <= p99 and p99 at least the 2 ms of the slow tenth", f.P50, f.P99)
	}
}

func TestPacedCountsFailures(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Content-Length") == "" {
			t.Error("request without Content-Length")
		}
		http.Error(w, `{"detail":"no"}`, http.StatusUnprocessableEntity)
	}))
	defer srv.Close()
	f, err := paced(t.Context(), srv.URL+"/predict", `{}`, 100, 1, 100*time.Millisecond)
	if err == nil || !strings.Contains(err.Error(), "no request answered 200") {
		t.Fatalf("err = %v, want no request answered 200", err)
	}
	if f.Failed != 10 {
		t.Errorf("failed %d, want the 10 requests due", f.Failed)
	}
}

func TestPacedRefusesBadInput(t *testing.T) {
	for _, tc := range []struct {
		name, url string
		rate      float64
		conns     int
	}{
		{"zero rate", "http://127.0.0.1:1/predict", 0, 1},
		{"no connections", "http://127.0.0.1:1/predict", 10, 0},
		{"not http", "https://127.0.0.1:1/predict", 10, 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := paced(t.Context(), tc.url, "{}", tc.rate, tc.conns, time.Second); err == nil {
				t.Error("no error")
			}
		})
	}
}

func TestShadowCounts(t *testing.T) {
	// What model-api exposes, trimmed: two challengers compared with two
	// served models, one drop reason each.
	const exposition = `# HELP model_api_shadow_predictions_total Rows scored in shadow.
# TYPE model_api_shadow_predictions_total counter
model_api_shadow_predictions_total{model="xgboost",served_model="random_forest"} 120
model_api_shadow_predictions_total{model="xgboost",served_model="svm"} 3
model_api_shadow_predictions_total{model="decision_tree",served_model="random_forest"} 118
# HELP model_api_shadow_dropped_total Rows not scored.
# TYPE model_api_shadow_dropped_total counter
model_api_shadow_dropped_total{model="decision_tree",reason="queue_full",served_model="random_forest"} 2
model_api_shadow_dropped_total{model="decision_tree",reason="shutdown",served_model="random_forest"} 1
# HELP model_api_shadow_queue_length Jobs waiting.
# TYPE model_api_shadow_queue_length gauge
model_api_shadow_queue_length 4
`
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		_, _ = io.WriteString(w, exposition)
	}))
	defer srv.Close()
	got, err := shadowCounts(srv.URL, []string{"xgboost", "decision_tree"})
	if err != nil {
		t.Fatal(err)
	}
	if got.scored["xgboost"] != 123 || got.scored["decision_tree"] != 118 || got.dropped["decision_tree"] != 3 || got.dropped["xgboost"] != 0 || got.queue != 4 {
		t.Errorf("got %+v", got)
	}
	if _, err := shadowCounts(srv.URL, []string{"logistic_regression"}); err == nil || !strings.Contains(err.Error(), "is it scored in shadow") {
		t.Errorf("a challenger without series: err = %v", err)
	}
}
