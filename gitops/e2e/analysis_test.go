package e2e

import (
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"sigs.k8s.io/yaml"

	"github.com/mlopsgo/mlops/gitops/internal/render"
	"github.com/mlopsgo/mlops/testsupport/procrun"
)

// Pod template hashes the synthetic series carry, substituted for the
// arguments Argo Rollouts fills in (podTemplateHashValue Latest and
// Stable).
const (
	canaryHash = "c4n4ry"
	stableHash = "5t4bl3"
)

// The promtool test's clock: series get one sample a minute, and every
// query is evaluated half a minute after a sample, so the 5-minute window
// holds 5 samples 4 minutes apart in every Prometheus version (no sample
// sits on the window's edge), and increase() extrapolates those 4 minutes
// to exactly 5: a series growing by k a minute increases by 5k.
const (
	evalTime   = "10m30s"
	sampleRuns = 15
)

// promtoolTest is one test group of a promtool rule test file.
type promtoolTest struct {
	Name        string           `json:"name"`
	Interval    string           `json:"interval"`
	InputSeries []inputSeries    `json:"input_series"`
	ExprTests   []exprTest       `json:"promql_expr_test"`
	AlertTests  []map[string]any `json:"alert_rule_test,omitempty"`
}

type inputSeries struct {
	Series string `json:"series"`
	Values string `json:"values"`
}

type exprTest struct {
	Expr       string      `json:"expr"`
	EvalTime   string      `json:"eval_time"`
	ExpSamples []expSample `json:"exp_samples"`
}

type expSample struct {
	Labels string  `json:"labels"`
	Value  float64 `json:"value"`
}

// counter is a series of the release in model-api-prod growing by perMin
// a minute, from one side's pod.
func counter(name, hash string, perMin float64, lbls ...string) inputSeries {
	l := append([]string{`job="model-api"`, `namespace="model-api-prod"`, fmt.Sprintf("rollouts_pod_template_hash=%q", hash)}, lbls...)
	return inputSeries{Series: name + "{" + strings.Join(l, ",") + "}", Values: fmt.Sprintf("0+%gx%d", perMin, sampleRuns)}
}

// predictions returns one side's model_api_predictions_total, perMin[i]
// rows a minute predicted as class i (no series for a negative count: the
// class never appeared on that side).
func predictions(hash string, perMin ...float64) []inputSeries {
	var out []inputSeries
	for i, n := range perMin {
		if n >= 0 {
			out = append(out, counter("model_api_predictions_total", hash, n, `model="random_forest"`, fmt.Sprintf(`class="class%d"`, i)))
		}
	}
	return out
}

// latencyBuckets are a histogram's bucket bounds for the synthetic series.
var latencyBuckets = []float64{0.005, 0.01, 0.025, 0.05, 0.1, 0.25, math.Inf(1)}

// latency returns one side's request duration histogram on /predict:
// perMin[i] requests a minute in bucket i (between bound i-1 and bound i).
func latency(hash string, perMin ...float64) []inputSeries {
	route := []string{`route="/predict"`, `method="POST"`, `code="200"`}
	var out []inputSeries
	cum := 0.0
	for i, le := range latencyBuckets {
		if i < len(perMin) {
			cum += perMin[i]
		}
		bound := "+Inf"
		if !math.IsInf(le, 1) {
			bound = fmt.Sprint(le)
		}
		out = append(out, counter("model_api_http_request_duration_seconds_bucket", hash, cum, append(route, fmt.Sprintf("le=%q", bound))...))
	}
	return append(out, counter("model_api_http_request_duration_seconds_count", hash, cum, route...))
}

// quantile is histogram_quantile's linear interpolation within a bucket,
// for the synthetic histograms (the first bucket starts at 0).
func quantile(q float64, perMin ...float64) float64 {
	total := 0.0
	for _, n := range perMin {
		total += n
	}
	rank, cum, lower := q*total, 0.0, 0.0
	for i, n := range perMin {
		if cum+n >= rank {
			return lower + (latencyBuckets[i]-lower)*(rank-cum)/n
		}
		cum, lower = cum+n, latencyBuckets[i]
	}
	return math.NaN()
}

// psi is the population stability index of the canary's class counts
// against the stable pods', each share smoothed by adding a to every
// class's count: the definition the class-psi query implements, written
// out plainly as the oracle.
func psi(canary, stable []float64, a float64) float64 {
	var ct, st float64
	for i := range canary {
		ct += max(canary[i], 0)
		st += max(stable[i], 0)
	}
	k := float64(len(canary))
	out := 0.0
	for i := range canary {
		c := (max(canary[i], 0) + a) / (ct + k*a)
		s := (max(stable[i], 0) + a) / (st + k*a)
		out += (c - s) * math.Log(c/s)
	}
	return out
}

// times5 turns per-minute counts into what increase() finds over the
// 5-minute window (see evalTime).
func times5(perMin []float64) []float64 {
	out := make([]float64, len(perMin))
	for i, n := range perMin {
		out[i] = 5 * n
		if n < 0 {
			out[i] = n
		}
	}
	return out
}

// TestE2EAnalysisQueries proves the canary analysis's formulas, not just
// their rendering: promtool evaluates prod's rendered queries (the canary
// and stable hashes filled in as Argo Rollouts fills them) on synthetic
// series and compares each answer with a value worked out here: the p99
// ratio to max(1.5 x stable, stable + 5 ms), either side of that limit;
// the PSI of the predicted classes, equal, shifted, and with a class one
// side never predicted (smoothing keeps it finite); the 5xx ratio with no
// 5xx series at all (0, not "no data"); and NaN, which the conditions read
// as Inconclusive, below each sample floor.
func TestE2EAnalysisQueries(t *testing.T) {
	requireE2E(t)
	promtool := procrun.Program(t, "PROMTOOL", "install the Debian package prometheus (make e2e-deps)")
	m := renderChart(t, render.Options{Release: "model-api", Namespace: "model-api-prod", ValueFiles: []string{filepath.Join(chartDir, "values-prod.yaml")}})
	queries := map[string]string{}
	for _, at := range m.AnalysisTemplates {
		for _, mt := range at.Spec.Metrics {
			if mt.Provider.Prometheus != nil {
				q := strings.NewReplacer("{{args.canary-hash}}", canaryHash, "{{args.stable-hash}}", stableHash).Replace(mt.Provider.Prometheus.Query)
				queries[mt.Name] = q
			}
		}
	}
	for _, name := range []string{"error-ratio", "latency", "class-psi"} {
		if queries[name] == "" {
			t.Fatalf("prod renders no %s query", name)
		}
	}
	// Prod's values (values.yaml's defaults): smoothing 0.5, the latency
	// limit max(1.5 x stable, stable + 0.005 s), floors of 200 predicted
	// rows a side, 300 requests a side and 100 requests.
	const smoothing, multiplier, slack = 0.5, 1.5, 0.005

	// value compares a query's answer, rounded to 6 decimals so that the
	// expected value is exact; inconclusive checks it answers NaN.
	value := func(q string, want float64) exprTest {
		return exprTest{Expr: fmt.Sprintf("round((%s) * 1e6) / 1e6", q), EvalTime: evalTime, ExpSamples: []expSample{{Labels: "{}", Value: math.Round(want*1e6) / 1e6}}}
	}
	inconclusive := func(q string) exprTest {
		return exprTest{Expr: fmt.Sprintf("count((%s) != (%s))", q, q), EvalTime: evalTime, ExpSamples: []expSample{{Labels: "{}", Value: 1}}}
	}
	psiCase := func(name string, canary, stable []float64) promtoolTest {
		want := psi(times5(canary), times5(stable), smoothing)
		t.Logf("class-psi, %s: canary %v, stable %v a minute: PSI %.6f", name, canary, stable, want)
		return promtoolTest{
			Name: "class-psi: " + name, Interval: "1m",
			InputSeries: append(predictions(canaryHash, canary...), predictions(stableHash, stable...)...),
			ExprTests:   []exprTest{value(queries["class-psi"], want)},
		}
	}
	latencyCase := func(name string, canary, stable []float64) promtoolTest {
		c, s := quantile(0.99, canary...), quantile(0.99, stable...)
		want := c / max(multiplier*s, s+slack)
		t.Logf("latency, %s: canary p99 %.5f s, stable p99 %.5f s: %.6f of the limit", name, c, s, want)
		return promtoolTest{
			Name: "latency: " + name, Interval: "1m",
			InputSeries: append(latency(canaryHash, canary...), latency(stableHash, stable...)...),
			ExprTests:   []exprTest{value(queries["latency"], want)},
		}
	}
	requests := func(hash, route, code string, perMin float64) inputSeries {
		return counter("model_api_http_requests_total", hash, perMin, fmt.Sprintf("route=%q", route), `method="POST"`, fmt.Sprintf("code=%q", code))
	}
	tests := []promtoolTest{
		psiCase("the same distribution", []float64{20, 20, 20}, []float64{60, 60, 60}),
		psiCase("a shifted distribution", []float64{40, 10, 10}, []float64{60, 60, 60}),
		psiCase("a class the canary never predicted", []float64{30, 30, -1}, []float64{60, 60, 60}),
		psiCase("a class the stable pods never predicted", []float64{30, 30, 10}, []float64{60, 60, -1}),
		{
			Name: "class-psi: too few canary rows", Interval: "1m",
			InputSeries: append(predictions(canaryHash, 10, 10, 10), predictions(stableHash, 60, 60, 60)...),
			ExprTests:   []exprTest{inconclusive(queries["class-psi"])},
		},
		// A fast stable side: the 5 ms slack sets the limit, and a canary
		// 1.9 times slower passes.
		latencyCase("the slack sets the limit", []float64{90, 10}, []float64{100}),
		// A slow stable side: 1.5 times its p99 sets the limit, and a
		// canary 2.5 times slower fails.
		latencyCase("the multiplier sets the limit", []float64{0, 0, 0, 0, 0, 100}, []float64{0, 0, 0, 0, 100}),
		// The same slow stable side and a canary 1.26 times slower: more
		// than stable + 5 ms, within 1.5 times, so it passes.
		latencyCase("a canary within 1.5 times", []float64{0, 0, 0, 0, 494, 6}, []float64{0, 0, 0, 0, 100}),
		{
			Name: "latency: too few canary requests", Interval: "1m",
			InputSeries: append(latency(canaryHash, 50), latency(stableHash, 100)...),
			ExprTests:   []exprTest{inconclusive(queries["latency"])},
		},
		{
			Name: "error-ratio: no 5xx series at all", Interval: "1m",
			InputSeries: []inputSeries{requests(canaryHash, "/predict", "200", 100)},
			ExprTests:   []exprTest{value(queries["error-ratio"], 0)},
		},
		{
			Name: "error-ratio: 2% of user requests, probes left out", Interval: "1m",
			InputSeries: []inputSeries{
				requests(canaryHash, "/predict", "200", 98), requests(canaryHash, "/predict", "503", 2),
				requests(canaryHash, "/readyz", "503", 50), requests(stableHash, "/predict", "500", 100),
			},
			ExprTests: []exprTest{value(queries["error-ratio"], 0.02)},
		},
		{
			Name: "error-ratio: probes only", Interval: "1m",
			InputSeries: []inputSeries{requests(canaryHash, "/healthz", "200", 100)},
			ExprTests:   []exprTest{inconclusive(queries["error-ratio"])},
		},
	}
	file := map[string]any{"rule_files": []string{"rules.yaml"}, "evaluation_interval": "1m", "tests": tests}
	b, err := yaml.Marshal(file)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	for name, content := range map[string][]byte{"rules.yaml": []byte("groups: []\n"), "analysis_test.yaml": b} {
		if err := os.WriteFile(filepath.Join(dir, name), content, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	out := run(t, dir, promtool, "test", "rules", "analysis_test.yaml")
	t.Log(strings.TrimSpace(out))
}
