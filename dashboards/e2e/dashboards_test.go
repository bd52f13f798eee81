package e2e

import (
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/mlopsgo/mlops/app/telemetry"
	"github.com/mlopsgo/mlops/dashboards"
	"github.com/mlopsgo/mlops/dashboards/queries"
	"github.com/mlopsgo/mlops/testsupport/modelapi"
	"github.com/mlopsgo/mlops/testsupport/procrun"
	"github.com/mlopsgo/mlops/testsupport/promserver"
)

// The Kubernetes labels the scrape config gives the two model-api
// processes, standing in for two pods of one Deployment.
const namespace = "mlops-e2e"

var pods = []string{"model-api-e2e-0", "model-api-e2e-1"}

// Grafana's macros, as Grafana would set them for a 1s scrape interval:
// $__rate_interval is max(4 x scrape interval, $__interval + scrape
// interval) = 4s, given 5s for scrape jitter.
var macros = map[string]string{"__rate_interval": "5s", "__interval": "1s", "__range": "1m"}

const (
	window = 30 * time.Second // each range query covers the last 30s
	step   = time.Second
)

// TestE2EDashboardQueries runs every committed dashboard's queries against
// a real Prometheus scraping two real model-api processes under traffic
// (drifted inputs included; every challenger scored in shadow), with the template variables substituted as
// Grafana would with "All" picked, and fails unless each query over the
// app's own metrics returns a number. Queries over kube-prometheus-stack's
// cluster series are skipped by name: nothing here runs cAdvisor or
// kube-state-metrics.
func TestE2EDashboardQueries(t *testing.T) {
	procrun.RequireE2E(t, "make e2e-dashboards")
	modelsDir := procrun.Program(t, "MODELS_DIR", "make e2e-dashboards trains it")
	boards := readDashboards(t)
	set := readModels(t, modelsDir)

	// Each target gets the namespace and pod labels that
	// prometheus-operator's ServiceMonitor would give it in the cluster, so
	// the dashboards' $namespace and $pod matchers match.
	var apis []*modelapi.Server
	job := promserver.Job{Name: "model-api"}
	// Every challenger is scored in shadow, so the shadow row has data.
	shadowEnv := []string{"SHADOW_MODELS=" + strings.Join(set.challengers(), ",")}
	for _, pod := range pods {
		api := modelapi.Start(t, modelapi.Options{ModelDir: modelsDir, Env: shadowEnv})
		apis = append(apis, api)
		job.Targets = append(job.Targets, promserver.Target{Addr: api.Addr(), Labels: map[string]string{"namespace": namespace, "pod": pod}})
	}

	// Fill every model's drift window (default 1000 inputs) on every pod
	// with drifted rows, in batches of the largest size accepted.
	const driftWindow = 1000
	rng := newRand()
	for _, api := range apis {
		for _, m := range set.names {
			if code, body := api.Post(t.Context(), "/predict/batch", set.batch(m, driftWindow, rng)); code != http.StatusOK {
				t.Fatalf("/predict/batch of %d drifted rows for %s: %d %s", driftWindow, m, code, body)
			}
		}
	}
	// A reload on one pod, so the reload counter moves.
	if err := apis[0].Signal(syscall.SIGHUP); err != nil {
		t.Fatal(err)
	}

	prom := promserver.Start(t, promserver.Options{Config: promserver.Config{Jobs: []promserver.Job{job}}})
	driveTraffic(t, apis, set, 40000)

	vars := map[string]string{
		dashboards.VarDatasource: "prometheus",
		dashboards.VarNamespace:  namespace,
		// A multi-value variable with "All" picked, as Grafana formats it
		// for a regex matcher.
		dashboards.VarPod:   "(" + strings.Join(pods, "|") + ")",
		dashboards.VarModel: "(" + strings.Join(set.names, "|") + ")",
	}
	for k, v := range macros {
		vars[k] = v
	}

	// Wait for enough scrapes that every rate window holds samples.
	untilData(t, prom, fmt.Sprintf(`count(up{job="model-api"} == 1) == %d`, len(pods)), true, time.Now().Add(30*time.Second))
	time.Sleep(8 * time.Second)

	deadline := time.Now().Add(90 * time.Second)
	var passed, skipped []string
	for _, d := range boards {
		for _, tg := range d.Targets {
			t.Run(tg.Name(), func(t *testing.T) {
				if cluster := clusterSeries(t, tg.Expr); len(cluster) > 0 {
					skipped = append(skipped, tg.Name())
					t.Skipf("reads kube-prometheus-stack series %v, which no local Prometheus has", cluster)
				}
				expr := queries.Expand(tg.Expr, vars)
				if left := queries.Vars(expr); len(left) > 0 {
					t.Fatalf("variables left unexpanded: %v in %s", left, expr)
				}
				res := untilData(t, prom, expr, tg.Instant, deadline)
				for _, l := range queries.LegendLabels(tg.Legend) {
					if !slices.ContainsFunc(res, func(s promserver.Series) bool { return s.Metric[l] != "" }) {
						t.Errorf("legend %q shows label %s, which no result series has: %v", tg.Legend, l, res)
					}
				}
				t.Logf("%d series", len(res))
				passed = append(passed, tg.Name())
			})
		}
		for _, v := range d.Variables {
			if v.Type != "query" {
				continue
			}
			t.Run(d.Title+" / variable "+v.Name, func(t *testing.T) {
				checkVariable(t, prom, v, vars, set)
			})
		}
	}

	// The traffic registers as drift: PSI over the major threshold, over
	// full windows.
	t.Run("drift registered", func(t *testing.T) {
		untilData(t, prom, fmt.Sprintf(`max(%s{namespace=%q}) > %v`, telemetry.InputDriftScore, namespace, dashboards.DriftMajor), true, deadline)
		untilData(t, prom, fmt.Sprintf(`min(%s{namespace=%q}) == %d`, telemetry.InputDriftWindowObservations, namespace, driftWindow), true, deadline)
	})

	// Every challenger is scored against the models that served, on both
	// pods.
	t.Run("shadow scored", func(t *testing.T) {
		for _, c := range set.challengers() {
			untilData(t, prom, fmt.Sprintf(`count(sum by (pod) (%s{namespace=%q, model=%q}) > 0) == %d`, telemetry.ShadowPredictionsTotal, namespace, c, len(pods)), true, deadline)
		}
	})

	t.Logf("%d queries over model-api's metrics (and Prometheus's up) returned data", len(passed))
	t.Logf("%d queries over cluster series skipped:\n  %s", len(skipped), strings.Join(skipped, "\n  "))
	if len(passed) == 0 {
		t.Error("no query returned data")
	}
}

// readDashboards reads the committed dashboards (the unit tests tie them
// to the code).
func readDashboards(t *testing.T) []queries.Dashboard {
	t.Helper()
	paths, err := filepath.Glob(filepath.Join("..", dashboards.GeneratedDir, "*.json"))
	if err != nil || len(paths) == 0 {
		t.Fatalf("no dashboards in generated/ (%v): run make dashboards", err)
	}
	var out []queries.Dashboard
	for _, p := range paths {
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		d, err := queries.Read(b)
		if err != nil {
			t.Fatalf("%s: %v", p, err)
		}
		out = append(out, d)
	}
	return out
}

// clusterSeries lists the kube-prometheus-stack series a query reads.
func clusterSeries(t *testing.T, expr string) []string {
	t.Helper()
	metrics, err := queries.Metrics(queries.Expand(expr, macros))
	if err != nil {
		t.Fatalf("%s: %v", expr, err)
	}
	var out []string
	for _, m := range metrics {
		if slices.Contains(dashboards.ClusterSeries, m) {
			out = append(out, m)
		}
	}
	return out
}

// untilData runs a query, an instant one or one over the last window as a
// graph would, until one of its series has a number, and fails the test if
// none has by the deadline.
func untilData(t *testing.T, prom *promserver.Server, expr string, instant bool, deadline time.Time) []promserver.Series {
	t.Helper()
	q := promserver.Query{Expr: expr}
	if !instant {
		q.Range, q.Step = window, step
	}
	res, err := prom.WaitForData(t.Context(), q, time.Until(deadline))
	if err != nil {
		t.Fatal(err)
	}
	return res
}

// checkVariable runs a variable's label_values(selector, label) as Grafana
// does and checks it lists what the scrape config and the models give.
func checkVariable(t *testing.T, prom *promserver.Server, v queries.Variable, vars map[string]string, set modelSet) {
	t.Helper()
	want := map[string][]string{
		dashboards.VarNamespace: {namespace},
		dashboards.VarPod:       pods,
		dashboards.VarModel:     set.names,
	}[v.Name]
	if want == nil {
		t.Fatalf("variable %s: no expected values", v.Name)
	}
	sel := queries.Expand(v.Selector, vars)
	got, err := prom.LabelValues(t.Context(), v.Label, sel, window)
	if err != nil {
		t.Fatalf("label_values(%s, %s): %v", sel, v.Label, err)
	}
	for _, w := range want {
		if !slices.Contains(got, w) {
			t.Errorf("label_values(%s, %s) = %v, want %s among them", sel, v.Label, got, w)
		}
	}
}
