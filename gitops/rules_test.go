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

// alertNames are the five alerts the chart must define, each with a
// section of docs/runbooks.md.
var alertNames = []string{
	"ModelAPIHighErrorRate", "ModelAPIHighLatency", "ModelAPIInputDrift", "ModelAPIUnavailable", "ModelAPIRestarting",
}

// externalMetrics are the series the rules read that model-api does not
// define in app/telemetry, each with where it comes from.
var externalMetrics = map[string]string{
	"up":                         "Prometheus, one per scrape target",
	"process_start_time_seconds": "client_golang's process collector, in the default registry model-api's main serves",
	"kube_pod_container_status_restarts_total": "kube-state-metrics, which kube-prometheus-stack installs",
}

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
		allowedLabels := slices.Concat(telemetryLabels, targetLabels, []string{model.MetricNameLabel})
		for _, g := range m.PrometheusRule.Spec.Groups {
			for _, r := range g.Rules {
				expr, err := p.ParseExpr(r.Expr.String())
				if err != nil {
					t.Errorf("%s: expr does not parse: %v\n%s", r.Alert, err, r.Expr.String())
					continue
				}
				var selectors int
				parser.Inspect(expr, func(node parser.Node, _ []parser.Node) error {
					switch n := node.(type) {
					case *parser.VectorSelector:
						selectors++
						name := selectorName(n)
						src := metricSource(name)
						if src == "" {
							t.Errorf("%s reads %q, which is neither an app/telemetry constant nor a listed external series", r.Alert, name)
						}
						// Every selector is scoped to this release.
						want := map[string]string{"namespace": c.namespace}
						if src == "telemetry" || name == "up" || name == "process_start_time_seconds" {
							want["job"] = job
						}
						for _, lm := range n.LabelMatchers {
							if !slices.Contains(allowedLabels, lm.Name) {
								t.Errorf("%s: matcher on label %q, not a telemetry or target label", r.Alert, lm.Name)
							}
							if v, ok := want[lm.Name]; ok && lm.Type == labels.MatchEqual && lm.Value == v {
								delete(want, lm.Name)
							}
						}
						if len(want) > 0 {
							t.Errorf("%s: selector %s lacks %v: it would match other releases' series", r.Alert, n, want)
						}
					case *parser.AggregateExpr:
						for _, l := range n.Grouping {
							if !slices.Contains(allowedLabels, l) {
								t.Errorf("%s: groups by %q, not a telemetry or target label", r.Alert, l)
							}
						}
					}
					return nil
				})
				if selectors == 0 {
					t.Errorf("%s reads no series", r.Alert)
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
		var got []string
		for _, g := range pr.Spec.Groups {
			for _, r := range g.Rules {
				got = append(got, r.Alert)
				if r.Record != "" || r.Alert == "" {
					t.Errorf("rule %+v: want alerts only", r)
					continue
				}
				if sev := r.Labels["severity"]; sev != "critical" && sev != "warning" {
					t.Errorf("%s: severity %q, want critical or warning", r.Alert, sev)
				}
				if r.For == nil {
					t.Errorf("%s: no for: one bad scrape would page", r.Alert)
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
		if !slices.Equal(got, alertNames) {
			t.Errorf("alerts %v, want %v", got, alertNames)
		}
	})
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
