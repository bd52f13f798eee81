// Command argoanalysis takes one measurement of every Prometheus metric of
// Argo Rollouts AnalysisTemplates with Argo Rollouts' own code: its
// argument resolution (utils/analysis.ResolveMetricArgs), its Prometheus
// provider (metricproviders/prometheus) and, inside the provider, its
// condition evaluation (utils/evaluate). It prints one JSON line per metric:
// the template, the metric, the value and the phase (Successful, Failed,
// Inconclusive or Error).
//
// It is its own module, outside go.work, because argo-rollouts v1.9.0's
// Prometheus provider compiles only against client_golang up to v1.23,
// while helm and k8s.io v0.37 lift the gitops module (and the workspace) to
// v1.24 or later, whose API returns one more value from Query. The gitops
// e2e tests render the chart and run this program on the result.
//
// Usage:
//
//	argoanalysis -prometheus http://127.0.0.1:9090 -arg canary-hash=abc -arg stable-hash=def template.yaml...
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

// run parses args into Options, runs Measure and returns the exit status:
// 0 when every metric was measured (whatever its phase), 1 on an error, 2
// on a usage error.
func run(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("argoanalysis", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var o Options
	fs.StringVar(&o.Prometheus, "prometheus", "", "Prometheus base URL every metric queries instead of its own address")
	fs.Func("arg", "an argument as name=value, as the Rollout passes it (repeatable)", func(s string) error {
		name, value, ok := strings.Cut(s, "=")
		if !ok || name == "" {
			return fmt.Errorf("want name=value, got %q", s)
		}
		if o.Args == nil {
			o.Args = map[string]string{}
		}
		o.Args[name] = value
		return nil
	})
	if err := fs.Parse(args); err != nil {
		return 2
	}
	o.Files = fs.Args()
	o.Log = stderr
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if err := Measure(ctx, o, stdout); err != nil {
		fmt.Fprintf(stderr, "argoanalysis: %v\n", err)
		return 1
	}
	return 0
}
