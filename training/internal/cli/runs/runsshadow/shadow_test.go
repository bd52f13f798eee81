package runsshadow_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"math"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/mlopsgo/mlops/app/telemetry"
	"github.com/mlopsgo/mlops/training/internal/cli"
	"github.com/mlopsgo/mlops/training/internal/cli/runs/runsshadow"
	"github.com/mlopsgo/mlops/training/internal/cli/streams"
	"github.com/mlopsgo/mlops/training/internal/tracking/trackingtest"
)

// The recorded answers in testdata/prometheus come from a real Prometheus
// (the Debian package) scraping a real model-api every second, which served
// the repository's Iris models with xgboost, random_forest and
// logistic_regression in shadow (svm the champion) under traffic of
// perturbed Iris rows, then restarted with a one-job queue under batch
// bursts, so that rows were dropped and the counters reset
// (testdata/prometheus/record.sh). Each set holds the answers to the five
// queries Fetch sends, at the time below, over the window below, and
// metrics.txt, model-api's own counters at that moment:
//
//   - all: 5m, after the first traffic, nothing dropped;
//   - drops: 5m, after the restart and the bursts;
//   - quiet: 10s, with no traffic in those 10 seconds.
var recorded = map[string]struct {
	window time.Duration
	promQL string  // the window as the queries spell it
	at     float64 // the time the answers were recorded, in Unix seconds
}{
	"all":   {5 * time.Minute, "5m", 1796623512.793},
	"drops": {5 * time.Minute, "5m", 1796623534.59},
	"quiet": {10 * time.Second, "10s", 1796623550.432},
}

// queries are the queries Fetch must send, with WINDOW for the window,
// and the file of each set holding the answer.
var queries = map[string]string{
	"sum by (model, served_model) (increase(" + telemetry.ShadowPredictionsTotal + "[WINDOW]))":                   "predictions.json",
	"sum by (model, served_model) (increase(" + telemetry.ShadowAgreementsTotal + "[WINDOW]))":                    "agreements.json",
	"sum by (model, served_model) (increase(" + telemetry.ShadowConfidenceTotal + `{side="challenger"}[WINDOW]))`: "confidence_challenger.json",
	"sum by (model, served_model) (increase(" + telemetry.ShadowConfidenceTotal + `{side="served"}[WINDOW]))`:     "confidence_served.json",
	"sum by (model, served_model) (increase(" + telemetry.ShadowDroppedTotal + "[WINDOW]))":                       "dropped.json",
}

// recordedPrometheus is a loopback HTTP server answering Prometheus's
// instant query API from a set of recorded answers. It fails the test on
// any request Fetch should not send: another path or method, a query that
// is not one of the five, or another time.
func recordedPrometheus(t *testing.T, set string) *httptest.Server {
	t.Helper()
	rec := recorded[set]
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost || r.URL.Path != "/api/v1/query" {
			t.Errorf("request %s %s, want POST /api/v1/query", r.Method, r.URL.Path)
			http.NotFound(w, r)
			return
		}
		q, at := r.PostFormValue("query"), r.PostFormValue("time")
		file, ok := queries[strings.Replace(q, "["+rec.promQL+"]", "[WINDOW]", 1)]
		if !ok || at != fmt.Sprintf("%.3f", rec.at) {
			t.Errorf("query %q at %s, want one of %v with window %s at %.3f", q, at, slices.Collect(maps.Keys(queries)), rec.promQL, rec.at)
			http.Error(w, `{"status":"error","errorType":"bad_data","error":"unexpected query"}`, http.StatusBadRequest)
			return
		}
		b, err := os.ReadFile(filepath.Join("testdata", "prometheus", set, file))
		if err != nil {
			t.Error(err)
		}
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write(b)
	}))
	t.Cleanup(srv.Close)
	return srv
}

func at(set string) time.Time {
	sec := recorded[set].at
	return time.UnixMilli(int64(sec*1000 + 0.5))
}

// TestShadowTableFromRecordedPrometheusResponses runs Fetch against a
// loopback server answering with a real Prometheus's recorded answers and
// compares the table with its golden file.
func TestShadowTableFromRecordedPrometheusResponses(t *testing.T) {
	for _, set := range []string{"all", "drops", "quiet"} {
		t.Run(set, func(t *testing.T) {
			srv := recordedPrometheus(t, set)
			r, err := runsshadow.Fetch(t.Context(), runsshadow.Options{URL: srv.URL, Window: recorded[set].window, At: at(set)})
			if err != nil {
				t.Fatal(err)
			}
			r.Prometheus = "http://prometheus.example:9090" // the golden file's, not the test server's port
			var buf bytes.Buffer
			if err := runsshadow.WriteTable(&buf, r); err != nil {
				t.Fatal(err)
			}
			trackingtest.Golden(t, "table_"+set+"_golden.txt", buf.Bytes())
		})
	}
}

// TestShadowRecordedValues checks the rows of the recorded "all" set, in
// which one model-api process served all the traffic, against its own
// counters at the time: increase() extrapolates each counter by the same
// factor (same scrapes, all starting at 0), so agreement and mean
// confidence difference are the counters' own ratios.
func TestShadowRecordedValues(t *testing.T) {
	srv := recordedPrometheus(t, "all")
	r, err := runsshadow.Fetch(t.Context(), runsshadow.Options{URL: srv.URL, Window: 5 * time.Minute, At: at("all")})
	if err != nil {
		t.Fatal(err)
	}
	counters := readCounters(t, filepath.Join("testdata", "prometheus", "all", "metrics.txt"))
	if len(r.Rows) != 5 || r.Idle != 7 {
		t.Errorf("%d rows and %d idle pairs, want 5 (the pairs with traffic) and 7", len(r.Rows), r.Idle)
	}
	const tol = 1e-9 // Prometheus's extrapolation factor, applied then divided out
	for _, row := range r.Rows {
		pair := `model="` + row.Challenger + `",served_model="` + row.ServedModel + `"`
		scored := counters[telemetry.ShadowPredictionsTotal+"{"+pair+"}"]
		wantAgreement := counters[telemetry.ShadowAgreementsTotal+"{"+pair+"}"] / scored
		wantDiff := (counters[telemetry.ShadowConfidenceTotal+"{"+pair+`,side="challenger"}`] - counters[telemetry.ShadowConfidenceTotal+"{"+pair+`,side="served"}`]) / scored
		if scored == 0 || row.Agreement == nil || row.MeanConfidenceDifference == nil ||
			math.Abs(*row.Agreement-wantAgreement) > tol || math.Abs(*row.MeanConfidenceDifference-wantDiff) > tol {
			t.Errorf("%s: agreement %v, mean difference %v; model-api's counters give %v, %v", pair, deref(row.Agreement), deref(row.MeanConfidenceDifference), wantAgreement, wantDiff)
		}
		if row.Scored < scored || row.Dropped != 0 {
			t.Errorf("%s: scored %v, dropped %v; want at least the %v rows model-api counted (increase() extrapolates), none dropped", pair, row.Scored, row.Dropped, scored)
		}
	}
}

func deref(p *float64) any {
	if p == nil {
		return nil
	}
	return *p
}

// readCounters reads exposition lines "name{labels} value".
func readCounters(t *testing.T, path string) map[string]float64 {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]float64{}
	for line := range strings.Lines(string(b)) {
		series, value, ok := strings.Cut(strings.TrimSpace(line), " ")
		v, err := strconv.ParseFloat(value, 64)
		if !ok || err != nil {
			t.Fatalf("%s: bad line %q", path, line)
		}
		out[series] = v
	}
	return out
}

// TestShadowErrors: every way the URL can fail says what is wrong.
func TestShadowErrors(t *testing.T) {
	serve := func(status int, contentType, body string) string {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", contentType)
			w.WriteHeader(status)
			_, _ = io.WriteString(w, body)
		}))
		t.Cleanup(srv.Close)
		return srv.URL
	}
	recordedFile := func(name string) string {
		b, err := os.ReadFile(filepath.Join("testdata", "prometheus", name))
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	// A port nothing listens on: one that was free a moment ago.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	closed := "http://" + ln.Addr().String()
	ln.Close()
	// A server that does not answer before the test ends. (It reads the
	// body first: only then does net/http notice the client hanging up.)
	stop := make(chan struct{})
	hang := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		select {
		case <-r.Context().Done():
		case <-stop:
		}
	}))
	t.Cleanup(func() {
		close(stop)
		hang.Close()
	})

	tests := []struct {
		name     string
		opts     runsshadow.Options
		is       error
		contains string
	}{
		{"unreachable", runsshadow.Options{URL: closed}, nil, "cannot reach Prometheus at " + closed + ": "},
		{"an HTML page", runsshadow.Options{URL: serve(200, "text/html; charset=utf-8", "<html><body>Grafana</body></html>")},
			runsshadow.ErrNotPrometheus, "POST /api/v1/query answered 200 OK with text/html, not Prometheus's JSON; give Prometheus's base URL"},
		// model-api's own answer to an unknown path.
		{"another JSON API", runsshadow.Options{URL: serve(404, "application/json", `{"detail":"Not Found"}`)},
			runsshadow.ErrNotPrometheus, "answered 404 Not Found with application/json"},
		{"query rejected (recorded)", runsshadow.Options{URL: serve(400, "application/json", recordedFile("error.json")), Selector: "namespace=prod"},
			nil, `query rejected by Prometheus at http://127.0.0.1:`},
		{"no series (recorded)", runsshadow.Options{URL: serve(200, "application/json", recordedFile("empty.json")), Selector: `namespace="staging"`},
			runsshadow.ErrNoShadowSeries, `no shadow scoring series matching namespace="staging" in Prometheus at http://127.0.0.1:`},
		{"no answer in time", runsshadow.Options{URL: hang.URL, Timeout: 50 * time.Millisecond}, context.DeadlineExceeded, "no answer in time from Prometheus at " + hang.URL},
		{"not a URL", runsshadow.Options{URL: "localhost:9090"}, nil, `--prometheus "localhost:9090": want Prometheus's base URL, such as http://localhost:9090`},
		{"braces in the selector", runsshadow.Options{URL: "http://localhost:9090", Selector: `{namespace="prod"}`}, nil, "want label matchers without braces"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := runsshadow.Fetch(t.Context(), tt.opts)
			if err == nil || !strings.Contains(err.Error(), tt.contains) || (tt.is != nil && !errors.Is(err, tt.is)) {
				t.Fatalf("Fetch error\n%v\nwant one containing %q (is %v)", err, tt.contains, tt.is)
			}
		})
	}
}

// TestShadowCommand runs `mlops runs shadow` through the whole CLI: the
// table, --json, and a missing --prometheus as a usage error (exit 2).
func TestShadowCommand(t *testing.T) {
	// The command asks at the current time: answer any time with the
	// recorded set.
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		q := r.PostFormValue("query")
		file, ok := queries[strings.Replace(q, "[2h]", "[WINDOW]", 1)]
		if !ok {
			t.Errorf("unexpected query %q", q)
			http.NotFound(w, r)
			return
		}
		b, err := os.ReadFile(filepath.Join("testdata", "prometheus", "all", file))
		if err != nil {
			t.Error(err)
		}
		_, _ = w.Write(b)
	}))
	t.Cleanup(srv.Close)

	tests := []struct {
		name     string
		args     []string
		code     int
		stdout   []string
		stderr   string
		jsonRows int
	}{
		{"table", []string{"runs", "shadow", "--prometheus", srv.URL, "--window", "2h"}, 0,
			[]string{"CHALLENGER           SERVED BY      SCORED  AGREEMENT  MEAN CONF DIFF  DROPPED\n", "logistic_regression  svm            12351   0.9766     -0.0254         0\n",
				"over the last 2h up to "}, "", 0},
		{"json", []string{"runs", "shadow", "--prometheus", srv.URL, "--window", "2h", "--json"}, 0, []string{`"window": "2h"`}, "", 5},
		{"no url", []string{"runs", "shadow"}, 2, nil, `mlops: required flag(s) "prometheus" not set` + "\nRun 'mlops runs shadow --help' for usage.\n", 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out, errOut bytes.Buffer
			code := cli.Main(t.Context(), tt.args, streams.Streams{Out: &out, ErrOut: &errOut})
			if code != tt.code || errOut.String() != tt.stderr {
				t.Fatalf("exit %d, stderr %q; want %d, %q", code, errOut.String(), tt.code, tt.stderr)
			}
			for _, want := range tt.stdout {
				if !strings.Contains(out.String(), want) {
					t.Errorf("stdout lacks %q:\n%s", want, out.String())
				}
			}
			if tt.jsonRows > 0 {
				var r runsshadow.Report
				if err := json.Unmarshal(out.Bytes(), &r); err != nil || len(r.Rows) != tt.jsonRows {
					t.Errorf("--json: %d rows (%v), want %d:\n%s", len(r.Rows), err, tt.jsonRows, out.String())
				}
			}
		})
	}
}

// A reader that goes away (`mlops runs shadow ... | head -1`) is an error,
// not silence.
func TestWriteTableClosedPipe(t *testing.T) {
	srv := recordedPrometheus(t, "all")
	r, err := runsshadow.Fetch(t.Context(), runsshadow.Options{URL: srv.URL, Window: 5 * time.Minute, At: at("all")})
	if err != nil {
		t.Fatal(err)
	}
	trackingtest.CheckClosedPipe(t, func(w io.Writer) error { return runsshadow.WriteTable(w, r) })
}
