package gitops

// The canary (rollout.enabled): the Rollout's steps and traffic routing,
// one scrape per pod, the AnalysisTemplates' queries and conditions, and
// dev's load Job. The verdicts come from Argo Rollouts' own condition
// evaluator (utils/evaluate), at the version of the controller infra
// installs.

import (
	"encoding/csv"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	rolloutsv1alpha1 "github.com/argoproj/argo-rollouts/pkg/apis/rollouts/v1alpha1"
	"github.com/argoproj/argo-rollouts/utils/evaluate"
	monitoringv1 "github.com/prometheus-operator/prometheus-operator/pkg/apis/monitoring/v1"
	"github.com/prometheus/prometheus/model/labels"
	"github.com/prometheus/prometheus/promql/parser"
	"github.com/sirupsen/logrus"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	k8slabels "k8s.io/apimachinery/pkg/labels"
	"sigs.k8s.io/yaml"

	"github.com/mlopsgo/mlops/gitops/internal/render"
)

// Arguments the Rollout passes to every AnalysisTemplate, and the pod
// label (as Prometheus names it) their values select.
const (
	canaryArg = "{{args.canary-hash}}"
	stableArg = "{{args.stable-hash}}"
	hashLabel = "rollouts_pod_template_hash"
)

// analysisTemplates are the templates every analysis step runs, and the
// metrics of each, in order.
var analysisTemplates = map[string][]string{
	"http":          {"error-ratio", "latency"},
	"predictions":   {"prediction-error-ratio"},
	"model-quality": {"class-psi", "mean-confidence"},
}

// rolloutValues is the part of values.yaml the tests read back to compare
// with what the chart rendered.
type rolloutValues struct {
	Steps []struct {
		SetWeight    int32 `json:"setWeight"`
		PauseSeconds int   `json:"pauseSeconds"`
	} `json:"steps"`
	AlbTrafficRouting bool `json:"albTrafficRouting"`
	Analysis          struct {
		WindowSeconds       int `json:"windowSeconds"`
		InitialDelaySeconds int `json:"initialDelaySeconds"`
		Count               int `json:"count"`
		IntervalSeconds     int `json:"intervalSeconds"`
		FailureLimit        int `json:"failureLimit"`
		InconclusiveLimit   int `json:"inconclusiveLimit"`
		ErrorRatio          struct {
			Max        float64 `json:"max"`
			MinSamples float64 `json:"minSamples"`
		} `json:"errorRatio"`
		Latency struct {
			Quantile     float64 `json:"quantile"`
			Multiplier   float64 `json:"multiplier"`
			SlackSeconds float64 `json:"slackSeconds"`
			MinSamples   float64 `json:"minSamples"`
		} `json:"latency"`
		PredictionErrorRatio struct {
			Max        float64 `json:"max"`
			MinSamples float64 `json:"minSamples"`
		} `json:"predictionErrorRatio"`
		ClassDistribution struct {
			MaxPSI     float64 `json:"maxPSI"`
			Smoothing  float64 `json:"smoothing"`
			MinSamples float64 `json:"minSamples"`
		} `json:"classDistribution"`
		Confidence struct {
			MinMean    float64 `json:"minMean"`
			MinSamples float64 `json:"minSamples"`
		} `json:"confidence"`
	} `json:"analysis"`
	Load struct {
		Enabled         bool `json:"enabled"`
		Rate            int  `json:"rate"`
		DurationSeconds int  `json:"durationSeconds"`
		Requests        []struct {
			Features map[string]float64 `json:"features"`
		} `json:"requests"`
	} `json:"load"`
}

// loadRolloutValues merges the case's value files as Helm does and
// returns its rollout section.
func loadRolloutValues(t *testing.T, c valuesCase) rolloutValues {
	t.Helper()
	vals := map[string]any{}
	for _, f := range append([]string{filepath.Join(chartDir, "values.yaml")}, c.files...) {
		var v map[string]any
		if err := json.Unmarshal(yamlToJSON(t, readFile(t, f)), &v); err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		vals = render.MergeValues(vals, v)
	}
	b, err := json.Marshal(vals["rollout"])
	if err != nil {
		t.Fatal(err)
	}
	var r rolloutValues
	if err := json.Unmarshal(b, &r); err != nil {
		t.Fatal(err)
	}
	return r
}

// environmentCases returns dev's and prod's values cases.
func environmentCases(t *testing.T) []valuesCase {
	t.Helper()
	var out []valuesCase
	for _, c := range valuesCases(t) {
		if c.name == "dev" || c.name == "prod" {
			out = append(out, c)
		}
	}
	if len(out) != 2 {
		t.Fatalf("found %d environments, want dev and prod", len(out))
	}
	return out
}

func TestRolloutSteps(t *testing.T) {
	for _, c := range environmentCases(t) {
		t.Run(c.name, func(t *testing.T) {
			m := renderCase(t, c)
			v := loadRolloutValues(t, c)
			if m.Rollout == nil || m.Deployment != nil {
				t.Fatalf("%s: want a Rollout and no Deployment", c.name)
			}
			canary := m.Rollout.Spec.Strategy.Canary
			if canary == nil {
				t.Fatal("the Rollout has no canary strategy")
			}
			// Each step of the values: its weight, its pause when it has
			// one, then the analysis.
			var want []string
			for _, s := range v.Steps {
				want = append(want, fmt.Sprintf("setWeight %d", s.SetWeight))
				if s.PauseSeconds > 0 {
					want = append(want, fmt.Sprintf("pause %ds", s.PauseSeconds))
				}
				want = append(want, "analysis")
			}
			var got []string
			for i, s := range canary.Steps {
				switch {
				case s.SetWeight != nil:
					got = append(got, fmt.Sprintf("setWeight %d", *s.SetWeight))
				case s.Pause != nil && s.Pause.Duration != nil:
					got = append(got, "pause "+s.Pause.Duration.String())
				case s.Analysis != nil:
					got = append(got, "analysis")
					checkAnalysisStep(t, m, i, s.Analysis, v.Load.Enabled)
				default:
					got = append(got, fmt.Sprintf("step %d: %+v", i, s))
				}
			}
			if !slices.Equal(got, want) {
				t.Errorf("steps %v, want %v", got, want)
			}
			if c.name == "prod" && !slices.Equal(got, []string{"setWeight 10", "pause 300s", "analysis", "setWeight 50", "analysis"}) {
				t.Errorf("prod's steps %v: want 10%%, a pause and an analysis, then 50%% and an analysis", got)
			}
			// The Services the Rollout rewrites exist and reach the API.
			for _, name := range []string{canary.CanaryService, canary.StableService} {
				if svc := service(m, name); svc == nil || len(svc.Spec.Ports) != 1 || svc.Spec.Ports[0].Name != "http" || svc.Spec.Ports[0].TargetPort.StrVal != "http" {
					t.Errorf("Service %q: want one the chart renders, with the http port alone", name)
				}
			}
			checkTrafficRouting(t, c.name, m, v)
		})
	}
}

// service returns the rendered Service of that name, or nil.
func service(m *render.Manifest, name string) *corev1.Service {
	for _, s := range m.Services {
		if s.Name == name {
			return s
		}
	}
	return nil
}

// checkAnalysisStep checks one analysis step: every template rendered,
// and the two pod template hashes passed as the arguments they declare.
func checkAnalysisStep(t *testing.T, m *render.Manifest, step int, a *rolloutsv1alpha1.RolloutAnalysis, load bool) {
	t.Helper()
	var names []string
	for _, ref := range a.Templates {
		at := m.AnalysisTemplate(ref.TemplateName)
		if at == nil || ref.ClusterScope != nil && *ref.ClusterScope {
			t.Errorf("step %d runs AnalysisTemplate %q, which the chart does not render", step, ref.TemplateName)
			continue
		}
		names = append(names, strings.TrimPrefix(ref.TemplateName, m.Rollout.Name+"-"))
		for _, arg := range at.Spec.Args {
			if !slices.ContainsFunc(a.Args, func(x rolloutsv1alpha1.AnalysisRunArgument) bool { return x.Name == arg.Name }) {
				t.Errorf("step %d: %s declares argument %s, which the step does not pass", step, at.Name, arg.Name)
			}
		}
	}
	want := []string{"http", "predictions", "model-quality"}
	if load {
		want = append([]string{"load"}, want...)
	}
	if !slices.Equal(names, want) {
		t.Errorf("step %d runs templates %v, want %v", step, names, want)
	}
	hashes := map[string]rolloutsv1alpha1.ValueFromPodTemplateHash{}
	for _, arg := range a.Args {
		if arg.ValueFrom == nil || arg.ValueFrom.PodTemplateHashValue == nil || arg.Value != "" {
			t.Errorf("step %d: argument %s is not a pod template hash", step, arg.Name)
			continue
		}
		hashes[arg.Name] = *arg.ValueFrom.PodTemplateHashValue
	}
	if hashes["canary-hash"] != rolloutsv1alpha1.Latest || hashes["stable-hash"] != rolloutsv1alpha1.Stable || len(hashes) != 2 {
		t.Errorf("step %d: arguments %v, want canary-hash from the Latest and stable-hash from the Stable ReplicaSet", step, hashes)
	}
}

// checkTrafficRouting: prod splits the ALB's traffic between the canary
// and stable target groups through the Ingress's root Service; dev has no
// traffic router (its canary's share is its share of the pods).
func checkTrafficRouting(t *testing.T, env string, m *render.Manifest, v rolloutValues) {
	t.Helper()
	tr := m.Rollout.Spec.Strategy.Canary.TrafficRouting
	if (env == "prod") != v.AlbTrafficRouting {
		t.Errorf("%s: rollout.albTrafficRouting %v; want it in prod only", env, v.AlbTrafficRouting)
	}
	if !v.AlbTrafficRouting {
		if tr != nil {
			t.Errorf("%s: trafficRouting %+v, want none", env, tr)
		}
		return
	}
	if tr == nil || tr.ALB == nil || tr.Istio != nil || tr.Nginx != nil || tr.SMI != nil || len(tr.Plugins) != 0 {
		t.Fatalf("%s: trafficRouting %+v, want alb alone", env, tr)
	}
	alb := tr.ALB
	if m.Ingress == nil || alb.Ingress != m.Ingress.Name || len(alb.Ingresses) != 0 {
		t.Errorf("alb.ingress %q, want the chart's Ingress", alb.Ingress)
	}
	if alb.RootService != m.Service.Name || alb.ServicePort != m.Service.Spec.Ports[0].Port {
		t.Errorf("alb rootService %q port %d, want the main Service %s port %d", alb.RootService, alb.ServicePort, m.Service.Name, m.Service.Spec.Ports[0].Port)
	}
	for _, name := range []string{m.Rollout.Spec.Strategy.Canary.CanaryService, m.Rollout.Spec.Strategy.Canary.StableService} {
		if svc := service(m, name); svc == nil || svc.Spec.Ports[0].Port != alb.ServicePort {
			t.Errorf("Service %s does not listen on alb.servicePort %d", name, alb.ServicePort)
		}
	}
	be := m.Ingress.Spec.Rules[0].HTTP.Paths[0].Backend.Service
	if be.Name != alb.RootService || be.Port.Name != "use-annotation" {
		t.Errorf("Ingress backend %+v: want the root Service %s with port use-annotation", be, alb.RootService)
	}
}

// scrapeTargets returns how many scrape targets the ServiceMonitors (and
// PodMonitors, should the chart render any) give one pod: for each
// endpoint of each monitor, each Service it selects in the pod's namespace
// that selects the pod and has the endpoint's port.
func scrapeTargets(t *testing.T, m *render.Manifest, pod *corev1.PodTemplateSpec, namespace string) int {
	t.Helper()
	n := 0
	for _, o := range m.Objects {
		switch mon := o.Value.(type) {
		case *monitoringv1.ServiceMonitor:
			if !mon.Spec.NamespaceSelector.Any && !slices.Contains(mon.Spec.NamespaceSelector.MatchNames, namespace) {
				continue
			}
			for _, svc := range m.Services {
				if !matches(t, &mon.Spec.Selector, svc.Labels) || !k8slabels.SelectorFromSet(svc.Spec.Selector).Matches(k8slabels.Set(pod.Labels)) {
					continue
				}
				for _, ep := range mon.Spec.Endpoints {
					if slices.ContainsFunc(svc.Spec.Ports, func(p corev1.ServicePort) bool { return p.Name == ep.Port }) {
						n++
					}
				}
			}
		case *monitoringv1.PodMonitor:
			if matches(t, &mon.Spec.Selector, pod.Labels) {
				n += len(mon.Spec.PodMetricsEndpoints)
			}
		}
	}
	return n
}

// TestOneScrapePerPod: every pod is scraped exactly once, although the
// canary and stable Services select it too (which would double every
// series and every rate the alerts and analyses compute), and its series
// carry its ReplicaSet's hash when a Rollout owns it.
func TestOneScrapePerPod(t *testing.T) {
	forEachRender(t, func(t *testing.T, c valuesCase, m *render.Manifest) {
		if m.ServiceMonitor == nil {
			return
		}
		pod := m.PodTemplate().DeepCopy()
		// Argo Rollouts labels each ReplicaSet's pods with its hash and
		// adds it to the canary and stable Services' selectors: a pod of
		// either side still matches them all.
		pod.Labels["rollouts-pod-template-hash"] = "6d4f8b7c9"
		if n := scrapeTargets(t, m, pod, c.namespace); n != 1 {
			t.Errorf("a pod is scraped by %d targets, want 1", n)
		}
		// And not by luck of port names: the ServiceMonitor selects the
		// main Service alone.
		for _, svc := range m.Services {
			if svc != m.Service && matches(t, &m.ServiceMonitor.Spec.Selector, svc.Labels) {
				t.Errorf("the ServiceMonitor selects Service %s too", svc.Name)
			}
		}
		if len(m.Services) > 1 && c.name != "dev" && c.name != "prod" && c.name != "everything" {
			t.Errorf("%d Services without rollout.enabled", len(m.Services))
		}
		wantHash := m.Rollout != nil
		if got := slices.Equal(m.ServiceMonitor.Spec.PodTargetLabels, []string{"rollouts-pod-template-hash"}); got != wantHash {
			t.Errorf("ServiceMonitor podTargetLabels %v: want rollouts-pod-template-hash exactly when a Rollout runs the pods", m.ServiceMonitor.Spec.PodTargetLabels)
		}
	})
}

// prometheusMetrics returns every Prometheus metric of the rendered
// AnalysisTemplates by "template/metric".
func prometheusMetrics(t *testing.T, m *render.Manifest) map[string]rolloutsv1alpha1.Metric {
	t.Helper()
	out := map[string]rolloutsv1alpha1.Metric{}
	for _, at := range m.AnalysisTemplates {
		for _, mt := range at.Spec.Metrics {
			if mt.Provider.Prometheus != nil {
				out[strings.TrimPrefix(at.Name, m.Rollout.Name+"-")+"/"+mt.Name] = mt
			}
		}
	}
	return out
}

// TestAnalysisQueriesUseTelemetry parses every query and checks that each
// series it reads is an app/telemetry constant, selected on this
// release's job and namespace and on one side's pod template hash, and
// that the provider is the in-cluster Prometheus.
func TestAnalysisQueriesUseTelemetry(t *testing.T) {
	p := parser.NewParser(parser.Options{})
	forEachRender(t, func(t *testing.T, c valuesCase, m *render.Manifest) {
		if m.Rollout == nil {
			if len(m.AnalysisTemplates) != 0 {
				t.Errorf("%d AnalysisTemplates without a Rollout", len(m.AnalysisTemplates))
			}
			return
		}
		metrics := prometheusMetrics(t, m)
		var names []string
		for tmpl, ms := range analysisTemplates {
			for _, name := range ms {
				names = append(names, tmpl+"/"+name)
			}
		}
		if got := slices.Sorted(func(yield func(string) bool) {
			for k := range metrics {
				if !yield(k) {
					return
				}
			}
		}); !slices.Equal(got, slices.Sorted(slices.Values(names))) {
			t.Errorf("Prometheus metrics %v, want %v", got, slices.Sorted(slices.Values(names)))
		}
		for name, mt := range metrics {
			prom := mt.Provider.Prometheus
			if prom.Address != "http://kube-prometheus-stack-prometheus.monitoring.svc:9090" {
				t.Errorf("%s: address %q, want kube-prometheus-stack's Prometheus in monitoring", name, prom.Address)
			}
			expr, err := p.ParseExpr(prom.Query)
			if err != nil {
				t.Errorf("%s: query does not parse: %v\n%s", name, err, prom.Query)
				continue
			}
			sides := map[string]bool{}
			parser.Inspect(expr, func(node parser.Node, _ []parser.Node) error {
				vs, ok := node.(*parser.VectorSelector)
				if !ok {
					return nil
				}
				series := selectorName(vs)
				if metricSource(series) != "telemetry" {
					t.Errorf("%s reads %q, which is not an app/telemetry constant", name, series)
				}
				want := map[string]string{"job": m.Service.Name, "namespace": c.namespace}
				for _, lm := range vs.LabelMatchers {
					if lm.Name == hashLabel && lm.Type == labels.MatchEqual && (lm.Value == canaryArg || lm.Value == stableArg) {
						sides[lm.Value] = true
						want[hashLabel] = lm.Value
					}
					if v, ok := want[lm.Name]; ok && lm.Type == labels.MatchEqual && lm.Value == v {
						delete(want, lm.Name)
					}
				}
				if _, ok := want[hashLabel]; !ok && len(want) == 0 {
					return nil
				}
				t.Errorf("%s: selector %s lacks the release's job and namespace or a side's %s", name, vs, hashLabel)
				return nil
			})
			// The comparisons read both sides; the others the canary alone.
			wantSides := []string{canaryArg}
			if name == "http/latency" || name == "model-quality/class-psi" {
				wantSides = append(wantSides, stableArg)
			}
			if got := slices.Sorted(func(yield func(string) bool) {
				for k := range sides {
					if !yield(k) {
						return
					}
				}
			}); !slices.Equal(got, slices.Sorted(slices.Values(wantSides))) {
				t.Errorf("%s reads the sides %v, want %v", name, got, wantSides)
			}
		}
	})
}

// numbers returns every number literal of a parsed query.
func numbers(t *testing.T, query string) []float64 {
	t.Helper()
	expr, err := parser.NewParser(parser.Options{}).ParseExpr(query)
	if err != nil {
		t.Fatalf("query does not parse: %v", err)
	}
	var out []float64
	parser.Inspect(expr, func(node parser.Node, _ []parser.Node) error {
		if n, ok := node.(*parser.NumberLiteral); ok {
			out = append(out, n.Val)
		}
		return nil
	})
	return out
}

// floors returns the right-hand numbers of every ">=" comparison: the
// sample floors.
func floors(t *testing.T, query string) []float64 {
	t.Helper()
	expr, err := parser.NewParser(parser.Options{}).ParseExpr(query)
	if err != nil {
		t.Fatalf("query does not parse: %v", err)
	}
	var out []float64
	parser.Inspect(expr, func(node parser.Node, _ []parser.Node) error {
		if b, ok := node.(*parser.BinaryExpr); ok && b.Op == parser.GTE {
			if n, ok := b.RHS.(*parser.NumberLiteral); ok {
				out = append(out, n.Val)
			}
		}
		return nil
	})
	return out
}

// verdict evaluates a metric's conditions on one measurement with Argo
// Rollouts' own evaluator, as its Prometheus provider does on a query's
// one-sample vector.
func verdict(t *testing.T, mt rolloutsv1alpha1.Metric, result float64) rolloutsv1alpha1.AnalysisPhase {
	t.Helper()
	log := logrus.New()
	log.SetLevel(logrus.PanicLevel)
	phase, err := evaluate.EvaluateResult([]float64{result}, mt, *logrus.NewEntry(log))
	if err != nil {
		t.Fatalf("%s: evaluate %v: %v", mt.Name, result, err)
	}
	return phase
}

// TestAnalysisThresholdsFromValues renders each environment's analysis and
// an analysis with every threshold changed, and checks each metric: its
// measurement schedule and limits, the thresholds and floors in its query
// and conditions, and the verdict Argo Rollouts reaches on values around
// its threshold (NaN, the query's answer below its sample floor, is
// Inconclusive).
func TestAnalysisThresholdsFromValues(t *testing.T) {
	changed := map[string]any{"rollout": map[string]any{"analysis": map[string]any{
		"windowSeconds": 600, "initialDelaySeconds": 30, "count": 5, "intervalSeconds": 45, "failureLimit": 2, "inconclusiveLimit": 3,
		"errorRatio":           map[string]any{"max": 0.02, "minSamples": 150},
		"latency":              map[string]any{"quantile": 0.95, "multiplier": 1.25, "slackSeconds": 0.01, "minSamples": 400},
		"predictionErrorRatio": map[string]any{"max": 0.1, "minSamples": 120},
		"classDistribution":    map[string]any{"maxPSI": 0.2, "smoothing": 1, "minSamples": 250},
		"confidence":           map[string]any{"minMean": 0.8, "minSamples": 110},
	}}}
	cases := environmentCases(t)
	changedFile := filepath.Join(t.TempDir(), "changed.yaml")
	writeJSONAsYAML(t, changedFile, changed)
	prod := cases[1]
	cases = append(cases, valuesCase{name: "changed", files: append(slices.Clone(prod.files), changedFile), release: prod.release, namespace: prod.namespace})
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			m := renderCase(t, c)
			a := loadRolloutValues(t, c).Analysis
			metrics := prometheusMetrics(t, m)
			type check struct {
				metric    string
				threshold float64   // the condition's bound
				floors    []float64 // the query's sample floors
				inQuery   []float64 // other numbers the query must hold
				pass      float64   // a measurement that passes
				fail      float64   // one that fails
			}
			l := a.Latency
			checks := []check{
				{"http/error-ratio", a.ErrorRatio.Max, []float64{a.ErrorRatio.MinSamples}, nil, a.ErrorRatio.Max / 2, a.ErrorRatio.Max * 2},
				{"http/latency", 1, []float64{l.MinSamples, l.MinSamples}, []float64{l.Quantile, l.Multiplier, l.SlackSeconds}, 0.9, 1.1},
				{"predictions/prediction-error-ratio", a.PredictionErrorRatio.Max, []float64{a.PredictionErrorRatio.MinSamples}, nil, a.PredictionErrorRatio.Max / 2, a.PredictionErrorRatio.Max * 2},
				{"model-quality/class-psi", a.ClassDistribution.MaxPSI, []float64{a.ClassDistribution.MinSamples, a.ClassDistribution.MinSamples}, []float64{a.ClassDistribution.Smoothing}, a.ClassDistribution.MaxPSI / 2, a.ClassDistribution.MaxPSI * 2},
				{"model-quality/mean-confidence", a.Confidence.MinMean, []float64{a.Confidence.MinSamples}, nil, (1 + a.Confidence.MinMean) / 2, a.Confidence.MinMean / 2},
			}
			window := fmt.Sprintf("[%ds]", a.WindowSeconds)
			for _, ch := range checks {
				mt, ok := metrics[ch.metric]
				if !ok {
					t.Errorf("no metric %s", ch.metric)
					continue
				}
				if mt.Interval != rolloutsv1alpha1.DurationString(fmt.Sprintf("%ds", a.IntervalSeconds)) || mt.Count == nil || mt.Count.IntValue() != a.Count ||
					mt.InitialDelay != rolloutsv1alpha1.DurationString(fmt.Sprintf("%ds", a.InitialDelaySeconds)) {
					t.Errorf("%s: interval %s, count %v, initialDelay %s; want %ds, %d, %ds", ch.metric, mt.Interval, mt.Count, mt.InitialDelay, a.IntervalSeconds, a.Count, a.InitialDelaySeconds)
				}
				if mt.FailureLimit == nil || mt.FailureLimit.IntValue() != a.FailureLimit || mt.InconclusiveLimit == nil || mt.InconclusiveLimit.IntValue() != a.InconclusiveLimit {
					t.Errorf("%s: failureLimit %v, inconclusiveLimit %v; want %d and %d", ch.metric, mt.FailureLimit, mt.InconclusiveLimit, a.FailureLimit, a.InconclusiveLimit)
				}
				q := mt.Provider.Prometheus.Query
				if !strings.Contains(q, window) || strings.Count(q, "[") != strings.Count(q, window) {
					t.Errorf("%s: every range should be the window %s:\n%s", ch.metric, window, q)
				}
				if got := floors(t, q); !slices.Equal(got, ch.floors) {
					t.Errorf("%s: sample floors %v, want %v", ch.metric, got, ch.floors)
				}
				nums := numbers(t, q)
				for _, n := range ch.inQuery {
					if !slices.Contains(nums, n) {
						t.Errorf("%s: the query lacks %v (its numbers: %v)", ch.metric, n, nums)
					}
				}
				if !strings.HasSuffix(strings.TrimSpace(q), "or on () vector(NaN)") {
					t.Errorf("%s: the query does not answer NaN when it has no value", ch.metric)
				}
				for _, v := range []struct {
					result float64
					want   rolloutsv1alpha1.AnalysisPhase
				}{
					{ch.pass, rolloutsv1alpha1.AnalysisPhaseSuccessful},
					{ch.fail, rolloutsv1alpha1.AnalysisPhaseFailed},
					{ch.threshold, rolloutsv1alpha1.AnalysisPhaseSuccessful}, // the bound itself passes
					{math.NaN(), rolloutsv1alpha1.AnalysisPhaseInconclusive},
				} {
					if got := verdict(t, mt, v.result); got != v.want {
						t.Errorf("%s on %v: %s, want %s (success %q, failure %q)", ch.metric, v.result, got, v.want, mt.SuccessCondition, mt.FailureCondition)
					}
					// Each condition on its own, so neither overlaps the
					// other: a failure also reads as no success.
					for _, cond := range []struct {
						expr string
						want bool
					}{
						{mt.SuccessCondition, v.want == rolloutsv1alpha1.AnalysisPhaseSuccessful},
						{mt.FailureCondition, v.want == rolloutsv1alpha1.AnalysisPhaseFailed},
					} {
						got, err := evaluate.EvalCondition([]float64{v.result}, cond.expr)
						if err != nil || got != cond.want {
							t.Errorf("%s: %q on %v is %v (%v), want %v", ch.metric, cond.expr, v.result, got, err, cond.want)
						}
					}
				}
			}
			// The latency limit is max(multiplier x stable, stable + slack):
			// clamp_min(multiplier * stable, scalar(stable + slack)).
			lq := metrics["http/latency"].Provider.Prometheus.Query
			if want := fmt.Sprintf("clamp_min(\n      %v * histogram_quantile(%v, ", l.Multiplier, l.Quantile); !strings.Contains(lq, want) {
				t.Errorf("latency: want the limit clamp_min(%v * stable, ...):\n%s", l.Multiplier, lq)
			}
			if want := fmt.Sprintf("[%ds]))) + %v)", a.WindowSeconds, l.SlackSeconds); !strings.Contains(lq, want) {
				t.Errorf("latency: want the limit's floor scalar(stable + %v):\n%s", l.SlackSeconds, lq)
			}
		})
	}
}

// writeJSONAsYAML writes v to path (JSON is YAML).
func writeJSONAsYAML(t *testing.T, path string, v any) {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	writeFile(t, path, b)
}

// TestLoadJob checks dev's analysis traffic: a Job that meets Pod Security
// "restricted", sends to the canary and the stable Service at the values'
// rate for longer than the measurements take, with a request mix of real
// Iris rows covering every species; the NetworkPolicy admits it to the
// API port, and it is not one of model-api's pods.
func TestLoadJob(t *testing.T) {
	for _, c := range environmentCases(t) {
		t.Run(c.name, func(t *testing.T) {
			m := renderCase(t, c)
			v := loadRolloutValues(t, c)
			load := m.AnalysisTemplate(m.Rollout.Name + "-load")
			if (load != nil) != (c.name == "dev") || (m.ConfigMap != nil) != (c.name == "dev") {
				t.Fatalf("%s: load AnalysisTemplate %v, ConfigMap %v: want both in dev only (prod is judged on its users' traffic)", c.name, load != nil, m.ConfigMap != nil)
			}
			if load == nil {
				return
			}
			if len(load.Spec.Metrics) != 1 || load.Spec.Metrics[0].Provider.Job == nil {
				t.Fatalf("load template metrics %+v: want one job metric", load.Spec.Metrics)
			}
			job := load.Spec.Metrics[0].Provider.Job.Spec
			pod := job.Template.Spec
			if pod.RestartPolicy != corev1.RestartPolicyNever || job.BackoffLimit == nil || *job.BackoffLimit != 0 {
				t.Errorf("job: restartPolicy %s, backoffLimit %v; want Never and 0 (a failed load is a failed measurement, not a retry)", pod.RestartPolicy, job.BackoffLimit)
			}
			checkRestricted(t, pod)
			if len(pod.Containers) != 1 {
				t.Fatalf("load pod has %d containers", len(pod.Containers))
			}
			k6 := pod.Containers[0]
			env := map[string]string{}
			for _, e := range k6.Env {
				env[e.Name] = e.Value
			}
			var targets []string
			if err := json.Unmarshal([]byte(env["TARGETS"]), &targets); err != nil {
				t.Fatalf("TARGETS %q: %v", env["TARGETS"], err)
			}
			canary := m.Rollout.Spec.Strategy.Canary
			port := m.Service.Spec.Ports[0].Port
			want := []string{
				fmt.Sprintf("http://%s.%s.svc:%d", canary.CanaryService, c.namespace, port),
				fmt.Sprintf("http://%s.%s.svc:%d", canary.StableService, c.namespace, port),
			}
			if !slices.Equal(targets, want) {
				t.Errorf("TARGETS %v, want the canary and the stable Service %v", targets, want)
			}
			if env["RATE"] != strconv.Itoa(v.Load.Rate) || env["DURATION_SECONDS"] != strconv.Itoa(v.Load.DurationSeconds) {
				t.Errorf("RATE %s, DURATION_SECONDS %s: want the values' %d and %d", env["RATE"], env["DURATION_SECONDS"], v.Load.Rate, v.Load.DurationSeconds)
			}
			a := v.Analysis
			if last := a.InitialDelaySeconds + (a.Count-1)*a.IntervalSeconds; v.Load.DurationSeconds <= last {
				t.Errorf("the load stops after %ds, before the last measurement at %ds", v.Load.DurationSeconds, last)
			}
			if job.ActiveDeadlineSeconds == nil || *job.ActiveDeadlineSeconds <= int64(v.Load.DurationSeconds) {
				t.Errorf("activeDeadlineSeconds %v: want more than the load's %ds", job.ActiveDeadlineSeconds, v.Load.DurationSeconds)
			}
			// The script and the mix it reads come from the ConfigMap.
			if len(pod.Volumes) == 0 || pod.Volumes[0].ConfigMap == nil || pod.Volumes[0].ConfigMap.Name != m.ConfigMap.Name {
				t.Errorf("the load pod does not mount the ConfigMap %s", m.ConfigMap.Name)
			}
			if !slices.Contains(k6.Args, "/load/load.js") || !strings.Contains(m.ConfigMap.Data["load.js"], "open('/load/requests.json')") {
				t.Errorf("k6 args %v: want it to run /load/load.js, which reads /load/requests.json", k6.Args)
			}
			checkRequestMix(t, m.ConfigMap.Data["requests.json"])
			// Not a model-api pod: nothing of the app's selects it.
			jobLabels := job.Template.Labels
			if matches(t, &metav1.LabelSelector{MatchLabels: m.Service.Spec.Selector}, jobLabels) {
				t.Errorf("the load pod's labels %v match model-api's selector", jobLabels)
			}
			admitted := false
			for _, rule := range m.NetworkPolicy.Spec.Ingress {
				for _, from := range rule.From {
					if from.PodSelector != nil && from.NamespaceSelector == nil && matches(t, from.PodSelector, jobLabels) &&
						len(rule.Ports) == 1 && rule.Ports[0].Port.String() == "http" {
						admitted = true
					}
				}
			}
			if !admitted {
				t.Errorf("the NetworkPolicy does not admit the load pod (%v) to the http port", jobLabels)
			}
		})
	}
}

// checkRestricted checks a pod against Pod Security "restricted".
func checkRestricted(t *testing.T, pod corev1.PodSpec) {
	t.Helper()
	psc := pod.SecurityContext
	if psc == nil || psc.RunAsNonRoot == nil || !*psc.RunAsNonRoot || psc.SeccompProfile == nil || psc.SeccompProfile.Type != corev1.SeccompProfileTypeRuntimeDefault {
		t.Errorf("pod securityContext %+v: want runAsNonRoot and seccomp RuntimeDefault", psc)
	}
	if pod.HostNetwork || pod.HostPID || pod.HostIPC {
		t.Errorf("pod uses the host's namespaces")
	}
	for _, c := range pod.Containers {
		sc := c.SecurityContext
		ok := sc != nil && sc.AllowPrivilegeEscalation != nil && !*sc.AllowPrivilegeEscalation &&
			(sc.Privileged == nil || !*sc.Privileged) &&
			sc.Capabilities != nil && slices.Equal(sc.Capabilities.Drop, []corev1.Capability{"ALL"}) && len(sc.Capabilities.Add) == 0 &&
			(sc.RunAsUser == nil || *sc.RunAsUser != 0)
		if !ok {
			t.Errorf("container %s securityContext %+v: want no privilege escalation, all capabilities dropped, not root", c.Name, sc)
		}
	}
	for _, v := range pod.Volumes {
		if v.HostPath != nil {
			t.Errorf("volume %s is a hostPath", v.Name)
		}
	}
}

// checkRequestMix checks the load's requests are rows of data/iris.csv,
// which the model-api of this repository serves, covering every species.
func checkRequestMix(t *testing.T, mixJSON string) {
	t.Helper()
	var mix []struct {
		Features map[string]float64 `json:"features"`
	}
	if err := json.Unmarshal([]byte(mixJSON), &mix); err != nil {
		t.Fatalf("requests.json: %v", err)
	}
	rows, err := csv.NewReader(strings.NewReader(string(readFile(t, filepath.Join(repoRoot, "data/iris.csv"))))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	header := rows[0]
	species := map[string]int{}
	for _, r := range mix {
		found := ""
		for _, row := range rows[1:] {
			same := len(r.Features) == len(header)-1
			for i, name := range header[:len(header)-1] {
				v, err := strconv.ParseFloat(row[i], 64)
				same = same && err == nil && r.Features[name] == v
			}
			if same {
				found = row[len(row)-1]
				break
			}
		}
		if found == "" {
			t.Errorf("request %v is not a row of data/iris.csv", r.Features)
		}
		species[found]++
	}
	if len(species) != 3 || species[""] != 0 {
		t.Errorf("the mix covers species %v, want all three", species)
	}
}

// yamlToJSON converts a YAML document to JSON.
func yamlToJSON(t *testing.T, b []byte) []byte {
	t.Helper()
	j, err := yaml.YAMLToJSON(b)
	if err != nil {
		t.Fatal(err)
	}
	return j
}

// writeFile writes a file, failing the test when it cannot.
func writeFile(t *testing.T, path string, b []byte) {
	t.Helper()
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
}
