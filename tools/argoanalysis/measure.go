package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/argoproj/argo-rollouts/metricproviders/prometheus"
	"github.com/argoproj/argo-rollouts/pkg/apis/rollouts/v1alpha1"
	analysisutil "github.com/argoproj/argo-rollouts/utils/analysis"
	"github.com/sirupsen/logrus"
	"sigs.k8s.io/yaml"
)

// Options says what to measure.
type Options struct {
	// Prometheus is the base URL every metric queries, in place of the
	// address the template names (the cluster's). Required.
	Prometheus string
	// Args are the values of the templates' arguments, by name, as the
	// Rollout passes them. Required for every argument without a default.
	Args map[string]string
	// Files are AnalysisTemplate manifests, one template a file, decoded
	// strictly. At least one is required.
	Files []string
	// Log receives the provider's log. Optional. Default: io.Discard.
	Log io.Writer
}

// Result is one measurement of one metric.
type Result struct {
	Template string `json:"template"`
	Metric   string `json:"metric"`
	// Query is the query with its arguments resolved.
	Query string `json:"query"`
	// Value is the provider's rendering of the answer, as "[0.5]".
	Value string `json:"value"`
	// Phase is Successful, Failed, Inconclusive or Error.
	Phase   v1alpha1.AnalysisPhase `json:"phase"`
	Message string                 `json:"message,omitempty"`
}

// Measure measures every Prometheus metric of o.Files' templates once and
// writes each Result as a JSON line to out. Metrics of other providers
// (the load Job) are left out. It returns an error only when a template or
// an argument is unusable; a query Prometheus rejects is a Result with
// phase Error.
func Measure(ctx context.Context, o Options, out io.Writer) error {
	if o.Prometheus == "" {
		return errors.New("argoanalysis: Options.Prometheus is required")
	}
	if len(o.Files) == 0 {
		return errors.New("argoanalysis: Options.Files is required")
	}
	if o.Log == nil {
		o.Log = io.Discard
	}
	logger := logrus.New()
	logger.SetOutput(o.Log)
	enc := json.NewEncoder(out)
	for _, f := range o.Files {
		if err := ctx.Err(); err != nil {
			return err
		}
		results, err := measureFile(f, o, logrus.NewEntry(logger))
		if err != nil {
			return err
		}
		for _, r := range results {
			if err := enc.Encode(r); err != nil {
				return fmt.Errorf("write result: %w", err)
			}
		}
	}
	return nil
}

func measureFile(path string, o Options, log *logrus.Entry) ([]Result, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read template: %w", err)
	}
	var at v1alpha1.AnalysisTemplate
	if err := yaml.UnmarshalStrict(b, &at); err != nil {
		return nil, fmt.Errorf("decode template %q: %w", path, err)
	}
	args := make([]v1alpha1.Argument, len(at.Spec.Args))
	for i, a := range at.Spec.Args {
		args[i] = *a.DeepCopy()
		if v, ok := o.Args[a.Name]; ok {
			args[i].Value = &v
		}
	}
	// As the controller does before it runs an AnalysisRun: every argument
	// must have a value.
	if err := analysisutil.ResolveArgs(args); err != nil {
		return nil, fmt.Errorf("template %s: %w", at.Name, err)
	}
	run := &v1alpha1.AnalysisRun{Spec: v1alpha1.AnalysisRunSpec{Metrics: at.Spec.Metrics, Args: args}}
	run.Name, run.Namespace = at.Name, at.Namespace
	var results []Result
	for _, m := range at.Spec.Metrics {
		if m.Provider.Prometheus == nil {
			continue
		}
		metric, err := analysisutil.ResolveMetricArgs(m, args)
		if err != nil {
			return nil, fmt.Errorf("template %s, metric %s: %w", at.Name, m.Name, err)
		}
		metric.Provider.Prometheus.Address = o.Prometheus
		api, err := prometheus.NewPrometheusAPI(*metric)
		if err != nil {
			return nil, fmt.Errorf("template %s, metric %s: %w", at.Name, m.Name, err)
		}
		p, err := prometheus.NewPrometheusProvider(api, *log.WithField("metric", m.Name), *metric)
		if err != nil {
			return nil, fmt.Errorf("template %s, metric %s: %w", at.Name, m.Name, err)
		}
		meas := p.Run(run, *metric)
		results = append(results, Result{
			Template: at.Name, Metric: m.Name, Query: metric.Provider.Prometheus.Query,
			Value: meas.Value, Phase: meas.Phase, Message: meas.Message,
		})
	}
	return results, nil
}
