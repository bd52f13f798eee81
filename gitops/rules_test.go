package gitops

import (
	"bufio"
	"bytes"
	"maps"
	"net/url"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"text/template"

	"github.com/prometheus/common/model"
	"github.com/prometheus/prometheus/model/labels"
	"github.com/prometheus/prometheus/promql/parser"

	"github.com/mlopsgo/mlops/app/telemetry"
	"github.com/mlopsgo/mlops/gitops/internal/render"
)

// alerts are the alerts the chart must define, in order, as "name
// severity", each name with a section of docs/runbooks.md. The burn-rate
// alerts come twice: a page for a fast burn, a ticket for a slow one.
var alerts = []string{
	"ModelAPIAvailabilityBudgetBurn page", "ModelAPIAvailabilityBudgetBurn ticket",
	"ModelAPILatencyBudgetBurn page", "ModelAPILatencyBudgetBurn ticket",
	"ModelAPIInputDrift ticket", "ModelAPIUnavailable ticket", "ModelAPIDown page", "ModelAPIRestarting ticket",
}

// sloGroup is the group of the SLI recording rules: one request rate and
// one ratio of bad requests per SLO and window.
const sloGroup = "model-api-slo"

// sloWindows are the windows of the recording rules: the burn-rate
// alerts' long and short windows.
var sloWindows = []string{"5m", "30m", "1h", "2h", "6h", "1d", "3d"}

// recordedNames returns the names the rule file's recording rules define.
func recordedNames(m *render.Manifest) []string {
	var out []string
	for _, g := range m.PrometheusRule.Spec.Groups {
		for _, r := range g.Rules {
			if r.Record != "" && !slices.Contains(out, r.Record) {
				out = append(out, r.Record)
			}
		}
	}
	return out
}

// externalMetrics are the series the rules read that model-api does not
// define in app/telemetry, each with where it comes from.
var externalMetrics = map[string]string{
	"up":                         "Prometheus, one per scrape target",
	"process_start_time_seconds": "client_golang's process collector, in the default registry model-api's main serves",
	"kube_pod_container_status_restarts_total": "kube-state-metrics, which kube-prometheus-stack installs",
	"rollout_info": "Argo Rollouts' controller (controller/metrics/prommetrics.go), scraped through the ServiceMonitor of infra's argo-rollouts release",
}

// externalLabels are the labels of an external series that the rules may
// match or group by besides the target labels.
var externalLabels = map[string][]string{
	"rollout_info": {"name", "phase", "strategy", "traffic_router"},
}

// rolloutAlert is the alert the chart adds with rollout.enabled.
const rolloutAlert = "ModelAPIRolloutAborted ticket"

// histograms are the telemetry metrics exported as histograms, whose
// series carry the _bucket, _sum and _count suffixes.
var histograms = []string{
	telemetry.HTTPRequestDurationSeconds, telemetry.HTTPRequestSizeBytes,
	telemetry.PredictionConfidence, telemetry.InferenceDurationSeconds,
}

// targetLabels are the labels Prometheus (through a ServiceMonitor) or
// kube-state-metrics attach, which the rules may use besides telemetry's.
var targetLabels = []string{"job", "namespace", "pod", "instance", "service", "container", "endpoint", "le"}

// telemetryLabels lists app/telemetry's label constants.
var telemetryLabels = []string{
	telemetry.LabelRoute, telemetry.LabelMethod, telemetry.LabelCode, telemetry.LabelModel, telemetry.LabelClass,
	telemetry.LabelFeature, telemetry.LabelReason, telemetry.LabelResult, telemetry.LabelAlgorithm,
	telemetry.LabelSHA256, telemetry.LabelChampion, telemetry.LabelVersion, telemetry.LabelRevision,
	telemetry.LabelGoVersion, telemetry.LabelDataMD5, telemetry.LabelRange, telemetry.LabelSpecies,
}

// metricSource says where a metric name comes from: "telemetry" for
// model-api's constants, an externalMetrics entry, or "" when unknown.
func metricSource(name string) string {
	if slices.Contains(telemetry.Metrics, name) {
		return "telemetry"
	}
	for _, h := range histograms {
		for _, suffix := range []string{"_bucket", "_sum", "_count"} {
			if name == h+suffix {
				return "telemetry"
			}
		}
	}
	return externalMetrics[name]
}

// selectorName returns a vector selector's metric name, from its name or
// its __name__ matcher.
func selectorName(vs *parser.VectorSelector) string {
	if vs.Name != "" {
		return vs.Name
	}
	for _, m := range vs.LabelMatchers {
		if m.Name == model.MetricNameLabel && m.Type == labels.MatchEqual {
			return m.Value
		}
	}
	return ""
}

func TestAlertMetricsAreTelemetryConstants(t *testing.T) {
	// process_start_time_seconds, which ModelAPIRestarting reads, comes from
	// client_golang's process collector: app/cmd/model-api's
	// TestProcessWithoutModels checks the binary exports it, and make
	// e2e-gitops that a real Prometheus scrapes it.
	p := parser.NewParser(parser.Options{})
	forEachRender(t, func(t *testing.T, c valuesCase, m *render.Manifest) {
		if m.PrometheusRule == nil {
			return
		}
		job := m.Service.Name
		recorded := recordedNames(m)
		allowedLabels := slices.Concat(telemetryLabels, targetLabels, []string{model.MetricNameLabel, "slo"})
		for _, l := range externalLabels {
			allowedLabels = append(allowedLabels, l...)
		}
		for _, g := range m.PrometheusRule.Spec.Groups {
			for _, r := range g.Rules {
				name := r.Alert + r.Record
				expr, err := p.ParseExpr(r.Expr.String())
				if err != nil {
					t.Errorf("%s: expr does not parse: %v\n%s", name, err, r.Expr.String())
					continue
				}
				var selectors int
				parser.Inspect(expr, func(node parser.Node, _ []parser.Node) error {
					switch n := node.(type) {
					case *parser.VectorSelector:
						selectors++
						series := selectorName(n)
						src := metricSource(series)
						if slices.Contains(recorded, series) {
							src = "recorded"
						}
						if src == "" {
							t.Errorf("%s reads %q, which is neither an app/telemetry constant, a series the rules record, nor a listed external series", name, series)
						}
						// Every selector is scoped to this release.
						want := map[string]string{"namespace": c.namespace}
						if src == "telemetry" || src == "recorded" || series == "up" || series == "process_start_time_seconds" {
							want["job"] = job
						}
						for _, lm := range n.LabelMatchers {
							if !slices.Contains(allowedLabels, lm.Name) {
								t.Errorf("%s: matcher on label %q, not a telemetry or target label", name, lm.Name)
							}
							if v, ok := want[lm.Name]; ok && lm.Type == labels.MatchEqual && lm.Value == v {
								delete(want, lm.Name)
							}
						}
						if len(want) > 0 {
							t.Errorf("%s: selector %s lacks %v: it would match other releases' series", name, n, want)
						}
					case *parser.AggregateExpr:
						for _, l := range n.Grouping {
							if !slices.Contains(allowedLabels, l) {
								t.Errorf("%s: groups by %q, not a telemetry or target label", name, l)
							}
						}
					}
					return nil
				})
				if selectors == 0 {
					t.Errorf("%s reads no series", name)
				}
			}
		}
	})
}

// runbookAnchors returns the anchors GitHub gives the headings of a
// Markdown file: lower case, spaces to hyphens, other punctuation dropped.
func runbookAnchors(t *testing.T, path string) []string {
	t.Helper()
	var anchors []string
	drop := regexp.MustCompile(`[^a-z0-9 _-]`)
	sc := bufio.NewScanner(bytes.NewReader(readFile(t, path)))
	for sc.Scan() {
		line := sc.Text()
		if !strings.HasPrefix(line, "#") {
			continue
		}
		title := strings.TrimSpace(strings.TrimLeft(line, "#"))
		anchors = append(anchors, strings.ReplaceAll(drop.ReplaceAllString(strings.ToLower(title), ""), " ", "-"))
	}
	return anchors
}

// promTemplateFuncs stands in for Prometheus's template functions, enough
// to parse the annotations (promtool check rules, in make e2e-gitops,
// checks them against the real ones).
var promTemplateFuncs = template.FuncMap{
	"humanize": fmtAny, "humanizePercentage": fmtAny, "humanizeDuration": fmtAny, "humanize1024": fmtAny,
}

func fmtAny(v any) string { return "" }

// promTemplateDefs is what Prometheus prepends to every annotation
// template (rules/alerting.go), defining $labels and $value.
const promTemplateDefs = "{{$labels := .Labels}}{{$externalLabels := .ExternalLabels}}{{$externalURL := .ExternalURL}}{{$value := .Value}}"

func TestAlertRules(t *testing.T) {
	anchors := runbookAnchors(t, filepath.Join(repoRoot, "docs/runbooks.md"))
	forEachRender(t, func(t *testing.T, c valuesCase, m *render.Manifest) {
		pr := m.PrometheusRule
		if pr == nil {
			if c.name != "minimal" {
				t.Fatal("no PrometheusRule")
			}
			return
		}
		var got, records []string
		for _, g := range pr.Spec.Groups {
			alertSeen := false
			for _, r := range g.Rules {
				if r.Record != "" {
					if g.Name != sloGroup || r.Alert != "" {
						t.Errorf("recording rule %s in group %s: want recording rules in %s only", r.Record, g.Name, sloGroup)
					}
					// An alert before a recording rule of its group would
					// read that rule's value from the last evaluation.
					if alertSeen {
						t.Errorf("recording rule %s comes after an alert in %s: want every recording rule first", r.Record, sloGroup)
					}
					records = append(records, r.Record+" "+r.Labels["slo"])
					continue
				}
				alertSeen = true
				if g.Name == sloGroup && !strings.HasSuffix(r.Alert, "BudgetBurn") {
					t.Errorf("alert %s in the recording rules' group: only the burn-rate alerts, which read its ratios, belong there", r.Alert)
				}
				sev := r.Labels["severity"]
				got = append(got, r.Alert+" "+sev)
				if sev != "page" && sev != "ticket" {
					t.Errorf("%s: severity %q, want page or ticket", r.Alert, sev)
				}
				if r.For == nil {
					t.Errorf("%s: no for: one bad evaluation would page", r.Alert)
				} else if _, err := model.ParseDuration(string(*r.For)); err != nil {
					t.Errorf("%s: for %q: %v", r.Alert, *r.For, err)
				}
				for _, a := range []string{"summary", "description", "runbook_url"} {
					if strings.TrimSpace(r.Annotations[a]) == "" {
						t.Errorf("%s: annotation %s is empty", r.Alert, a)
					}
				}
				for _, a := range []string{"summary", "description"} {
					if _, err := template.New(a).Funcs(promTemplateFuncs).Parse(promTemplateDefs + r.Annotations[a]); err != nil {
						t.Errorf("%s: annotation %s is not a valid template: %v", r.Alert, a, err)
					}
				}
				u, err := url.Parse(r.Annotations["runbook_url"])
				if err != nil || u.Scheme != "https" || !strings.HasSuffix(u.Path, "/docs/runbooks.md") {
					t.Errorf("%s: runbook_url %q: want https://.../docs/runbooks.md#<section>", r.Alert, r.Annotations["runbook_url"])
					continue
				}
				if want := strings.ToLower(r.Alert); u.Fragment != want || !slices.Contains(anchors, u.Fragment) {
					t.Errorf("%s: runbook_url anchor %q, want %q, a heading of docs/runbooks.md (it has %v)", r.Alert, u.Fragment, want, anchors)
				}
			}
		}
		want := alerts
		if m.Rollout != nil {
			want = append(slices.Clone(alerts), rolloutAlert)
		}
		if !slices.Equal(got, want) {
			t.Errorf("alerts %v, want %v", got, want)
		}
		want = nil
		for _, w := range sloWindows {
			for _, slo := range []string{"availability", "latency"} {
				want = append(want, "model_api:slo_requests:rate"+w+" "+slo, "model_api:slo_errors:ratio_rate"+w+" "+slo)
			}
		}
		if slices.Sort(records); !slices.Equal(records, slices.Sorted(slices.Values(want))) {
			t.Errorf("recording rules %v, want %v", records, want)
		}
	})
}

// The burn-rate alerts use the SRE workbook's windows and factors over the
// recorded ratios, each pair gated by the minimum request rate over its
// long window, and the latency SLI counts the threshold's bucket of the
// routes it covers.
func TestBurnRateAlerts(t *testing.T) {
	m := renderCase(t, valuesCase{name: "prod", release: "model-api", namespace: "model-api-prod", files: []string{testImage, filepath.Join(chartDir, "values-prod.yaml")}})
	pairs := map[string][]string{
		"page":   {"ratio_rate1h", "ratio_rate5m", "> 14.4 * (1 - %s)", "rate1h{", "ratio_rate6h", "ratio_rate30m", "> 6 * (1 - %s)", "rate6h{"},
		"ticket": {"ratio_rate1d", "ratio_rate2h", "> 3 * (1 - %s)", "rate1d{", "ratio_rate3d", "ratio_rate6h", "> 1 * (1 - %s)", "rate3d{"},
	}
	objectives := map[string]string{"ModelAPIAvailabilityBudgetBurn": "0.999", "ModelAPILatencyBudgetBurn": "0.99"}
	var seen int
	for _, g := range m.PrometheusRule.Spec.Groups {
		for _, r := range g.Rules {
			objective, ok := objectives[r.Alert]
			if !ok {
				if r.Record == "model_api:slo_errors:ratio_rate5m" && r.Labels["slo"] == "latency" {
					if e := r.Expr.String(); !strings.Contains(e, `le="0.25"`) || !strings.Contains(e, `route=~"/predict|/v2/models/.+/infer"`) {
						t.Errorf("latency SLI %s: want the 0.25s bucket of /predict and the v2 infer routes", e)
					}
				}
				continue
			}
			seen++
			e := r.Expr.String()
			for _, part := range pairs[r.Labels["severity"]] {
				if strings.Contains(part, "%s") {
					part = strings.ReplaceAll(part, "%s", objective)
				}
				if !strings.Contains(e, part) {
					t.Errorf("%s %s: expr lacks %q:\n%s", r.Alert, r.Labels["severity"], part, e)
				}
			}
			if n := strings.Count(e, ">= 0.1"); n != 2 {
				t.Errorf("%s %s: %d request-rate floors, want one per window pair:\n%s", r.Alert, r.Labels["severity"], n, e)
			}
		}
	}
	if seen != 4 {
		t.Errorf("%d burn-rate alerts, want 4", seen)
	}
}

// TestExternalMetricsAreDocumented keeps the list of non-telemetry series
// short and explained.
func TestExternalMetricsAreDocumented(t *testing.T) {
	for _, name := range slices.Sorted(maps.Keys(externalMetrics)) {
		if slices.Contains(telemetry.Metrics, name) {
			t.Errorf("%s is a telemetry constant; drop it from externalMetrics", name)
		}
		if strings.HasPrefix(name, telemetry.Namespace+"_") {
			t.Errorf("%s has model-api's prefix: add it to app/telemetry instead", name)
		}
	}
}
