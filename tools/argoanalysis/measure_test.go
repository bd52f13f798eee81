package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/argoproj/argo-rollouts/pkg/apis/rollouts/v1alpha1"
	"golang.org/x/mod/modfile"
)

// template is an AnalysisTemplate shaped like the chart's: an argument in
// the query, NaN below a floor read as Inconclusive by both conditions,
// and a Job metric that is left out.
const template = `apiVersion: argoproj.io/v1alpha1
kind: AnalysisTemplate
metadata:
  name: model-api-http
  namespace: model-api-prod
spec:
  args:
    - name: canary-hash
  metrics:
    - name: error-ratio
      count: 3
      interval: 60s
      successCondition: "!isNaN(result[0]) && result[0] <= 0.01"
      failureCondition: "!isNaN(result[0]) && result[0] > 0.01"
      provider:
        prometheus:
          address: http://prometheus.monitoring.svc:9090
          timeout: 30
          query: ratio{rollouts_pod_template_hash="{{args.canary-hash}}"}
    - name: load
      provider:
        job:
          spec:
            template:
              spec:
                restartPolicy: Never
                containers:
                  - name: load
                    image: grafana/k6
`

// fakePrometheus answers every instant query with value as a one-sample
// vector (or with status code, when not 200) and records the queries.
func fakePrometheus(t *testing.T, value string, code int, queries *[]string) *httptest.Server {
	t.Helper()
	s := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/api/v1/query" {
			http.NotFound(w, r)
			return
		}
		*queries = append(*queries, r.FormValue("query"))
		w.Header().Set("Content-Type", "application/json")
		if code != http.StatusOK {
			w.WriteHeader(code)
			fmt.Fprint(w, `{"status":"error","errorType":"bad_data","error":"parse error"}`)
			return
		}
		fmt.Fprintf(w, `{"status":"success","data":{"resultType":"vector","result":[{"metric":{},"value":[1700000000,%q]}]}}`, value)
	}))
	t.Cleanup(s.Close)
	return s
}

func TestMeasure(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "http.yaml")
	if err := os.WriteFile(file, []byte(template), 0o644); err != nil {
		t.Fatal(err)
	}
	tests := map[string]struct {
		value string
		code  int
		want  v1alpha1.AnalysisPhase
	}{
		"below the limit":   {value: "0.005", code: http.StatusOK, want: v1alpha1.AnalysisPhaseSuccessful},
		"above the limit":   {value: "0.02", code: http.StatusOK, want: v1alpha1.AnalysisPhaseFailed},
		"below the floor":   {value: "NaN", code: http.StatusOK, want: v1alpha1.AnalysisPhaseInconclusive},
		"a rejected query":  {code: http.StatusBadRequest, want: v1alpha1.AnalysisPhaseError},
		"exactly the limit": {value: "0.01", code: http.StatusOK, want: v1alpha1.AnalysisPhaseSuccessful},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			var queries []string
			prom := fakePrometheus(t, tc.value, tc.code, &queries)
			var out bytes.Buffer
			o := Options{Prometheus: prom.URL, Args: map[string]string{"canary-hash": "c4n4ry"}, Files: []string{file}}
			if err := Measure(t.Context(), o, &out); err != nil {
				t.Fatalf("Measure: %v", err)
			}
			lines := strings.Split(strings.TrimSpace(out.String()), "\n")
			if len(lines) != 1 {
				t.Fatalf("%d results, want 1 (the Job metric left out):\n%s", len(lines), out.String())
			}
			var r Result
			if err := json.Unmarshal([]byte(lines[0]), &r); err != nil {
				t.Fatal(err)
			}
			if r.Template != "model-api-http" || r.Metric != "error-ratio" || r.Phase != tc.want {
				t.Errorf("got %s/%s %s (value %q, %s), want model-api-http/error-ratio %s", r.Template, r.Metric, r.Phase, r.Value, r.Message, tc.want)
			}
			wantQuery := `ratio{rollouts_pod_template_hash="c4n4ry"}`
			if len(queries) != 1 || queries[0] != wantQuery || r.Query != wantQuery {
				t.Errorf("queries sent %q, reported %q; want one, %q", queries, r.Query, wantQuery)
			}
		})
	}
}

func TestMeasureRejects(t *testing.T) {
	dir := t.TempDir()
	good := filepath.Join(dir, "good.yaml")
	unknown := filepath.Join(dir, "unknown.yaml")
	if err := os.WriteFile(good, []byte(template), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(unknown, []byte(strings.Replace(template, "  args:", "  argz: []\n  args:", 1)), 0o644); err != nil {
		t.Fatal(err)
	}
	tests := map[string]struct {
		o    Options
		want string
	}{
		"no Prometheus":      {o: Options{Files: []string{good}}, want: "Options.Prometheus is required"},
		"no files":           {o: Options{Prometheus: "http://127.0.0.1:1"}, want: "Options.Files is required"},
		"a missing argument": {o: Options{Prometheus: "http://127.0.0.1:1", Files: []string{good}}, want: "canary-hash"},
		"an unknown field":   {o: Options{Prometheus: "http://127.0.0.1:1", Args: map[string]string{"canary-hash": "x"}, Files: []string{unknown}}, want: "argz"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			err := Measure(t.Context(), tc.o, &bytes.Buffer{})
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("Measure: got %v, want an error naming %q", err, tc.want)
			}
		})
	}
}

// TestPinnedWithGitops checks that this module measures with the
// argo-rollouts version the gitops module decodes the chart's objects
// with (and infra's chart pin follows).
func TestPinnedWithGitops(t *testing.T) {
	version := func(path string) string {
		t.Helper()
		b, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		f, err := modfile.ParseLax(path, b, nil)
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range f.Require {
			if r.Mod.Path == "github.com/argoproj/argo-rollouts" {
				return r.Mod.Version
			}
		}
		t.Fatalf("%s requires no argo-rollouts", path)
		return ""
	}
	if got, want := version("go.mod"), version("../../gitops/go.mod"); got != want {
		t.Errorf("argo-rollouts %s here, %s in gitops/go.mod: pin both at one version", got, want)
	}
}
