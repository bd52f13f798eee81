package loadtest

import (
	"fmt"
	"io"
	"runtime"
	"time"
)

// Write prints the report as a Markdown table, ready for the README.
func (r *Report) Write(w io.Writer) {
	ratio := func(f Figure) string { return fmt.Sprintf("%.2f", f.RPS/r.Noop.RPS) }
	p99ratio := func(f Figure) string { return fmt.Sprintf("%.2f", float64(f.P99)/float64(r.Noop.P99)) }
	verdict := func(ok bool) string {
		if ok {
			return "met"
		}
		return "MISSED"
	}
	fmt.Fprintf(w, "model-api under wrk (%s) on loopback, %d connections; median of the rounds; model %s; %s, %d CPUs\n\n",
		r.WrkVersion, r.Connections, r.Model, runtime.Version(), runtime.NumCPU())
	fmt.Fprintln(w, "| figure | value | ratio to the no-op Fiber route | target | |")
	fmt.Fprintln(w, "|---|---|---|---|---|")
	fmt.Fprintf(w, "| no-op Fiber route, throughput | %.0f req/s | 1.00 | | |\n", r.Noop.RPS)
	fmt.Fprintf(w, "| no-op Fiber route, p50 / p99 | %s / %s | 1.00 | | |\n", ms(r.Noop.P50), ms(r.Noop.P99))
	fmt.Fprintf(w, "| /predict (%s), throughput | %.0f req/s | %s | >= %.2f | %s |\n", r.Model, r.Predict.RPS, ratio(r.Predict), TargetThroughputRatio, verdict(r.Predict.RPS/r.Noop.RPS >= TargetThroughputRatio))
	fmt.Fprintf(w, "| /predict (%s), p50 / p99 | %s / %s | %s | p99 < %s | %s |\n", r.Model, ms(r.Predict.P50), ms(r.Predict.P99), p99ratio(r.Predict), ms(TargetP99), verdict(r.Predict.P99 < TargetP99))
	fmt.Fprintf(w, "| /predict, p99 inside the server (its own histogram's bucket) | <= %s | | | |\n", ms(time.Duration(r.ServerP99*float64(time.Second))))
	fmt.Fprintf(w, "| /v2/models/%s/infer, throughput | %.0f req/s | %s | | |\n", r.Model, r.Infer.RPS, ratio(r.Infer))
	fmt.Fprintf(w, "| /v2/models/%s/infer, p50 / p99 | %s / %s | %s | | |\n", r.Model, ms(r.Infer.P50), ms(r.Infer.P99), p99ratio(r.Infer))
	fmt.Fprintf(w, "| /healthz (all middleware, no model), throughput | %.0f req/s | %s | | |\n", r.Healthz.RPS, ratio(r.Healthz))
	fmt.Fprintf(w, "| start to ready (exec to first 200 on /readyz) | %s | | < %s | %s |\n", ms(r.Startup), ms(TargetStartup), verdict(r.Startup < TargetStartup))
	fmt.Fprintf(w, "| RSS after the load (peak) | %.1f MB (%.1f MB) | | < %d MB | %s |\n", mb(r.RSSBytes), mb(r.PeakBytes), TargetRSS>>20, verdict(r.RSSBytes < TargetRSS))
	fmt.Fprintln(w)
	fmt.Fprintln(w, "For scale, the original FastAPI service on this kind of machine: 141 req/s for random_forest with p99 102 ms, 0.8 s to ready, 159 MB RSS.")
}

func ms(d time.Duration) string { return fmt.Sprintf("%.3f ms", float64(d)/float64(time.Millisecond)) }

func mb(b int64) float64 { return float64(b) / (1 << 20) }
