package loadtest

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"maps"
	"net/http"
	"os"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"time"

	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"

	"github.com/mlopsgo/mlops/app/telemetry"
)

// ShadowOptions configures MeasureShadow.
type ShadowOptions struct {
	// ModelAPI is the model-api binary and ModelDir the models directory
	// it serves. Required.
	ModelAPI, ModelDir string
	// Challengers are scored in shadow (SHADOW_MODELS). Optional. Default:
	// the first two challengers of the directory's index other than the
	// model /predict serves.
	Challengers []string
	// Wrk is the wrk binary that finds the maximum load. Optional.
	// Default: "wrk".
	Wrk string
	// Duration of each load. Optional. Default: 5s.
	Duration time.Duration
	// Rounds of alternating loads; each figure is the median (the scored
	// share the smallest). Optional. Default: 3.
	Rounds int
	// Connections of wrk and of the paced load. Optional. Default: 8.
	Connections int
	// ServerProcs is the servers' GOMAXPROCS. Optional. Default: every
	// core, as a pod without a CPU limit has: the shadow workers need a
	// core besides the one serving, or they take turns with the requests.
	ServerProcs int
}

// The criteria the shadow measurement is judged by.
const (
	// ShadowLoadShare is the share of the no-shadow maximum load at which
	// shadow scoring must keep up.
	ShadowLoadShare = 0.5
	// ShadowMinScored is the share of requests each challenger must score
	// at that load.
	ShadowMinScored = 0.99
	// ShadowMaxP99Increase is how much shadow scoring may raise the p99 at
	// that load.
	ShadowMaxP99Increase = 0.10
)

// ShadowReport is what MeasureShadow measured.
type ShadowReport struct {
	Model       string   // the model /predict serves
	Challengers []string // scored in shadow
	Connections int
	ServerProcs int
	// MaxRPS is the no-shadow server's throughput under wrk, the maximum
	// load; the paced loads run at ShadowLoadShare of it.
	MaxRPS float64
	// Base and Shadow are the paced loads without and with shadow scoring.
	Base, Shadow PacedFigure
	// Scored is, per challenger, the share of the paced load's requests it
	// scored in shadow: the smallest over the rounds.
	Scored map[string]float64
	// Saturated is the shadow server's throughput under wrk, and
	// SaturatedScored and SaturatedDropped what each challenger scored and
	// dropped (queue full) meanwhile.
	Saturated                         Figure
	SaturatedScored, SaturatedDropped map[string]float64
	WrkVersion                        string
}

// MeasureShadow measures what shadow scoring costs model-api: it starts
// one server without shadow scoring and one scoring every request
// (SHADOW_SAMPLE=1) with the challengers, finds the no-shadow maximum load
// with wrk, sends both the same paced load at ShadowLoadShare of it in
// alternating rounds (reading each challenger's scored rows from the
// shadow server's metrics once its queue drains), then saturates the
// shadow server with wrk and reads what it dropped.
func MeasureShadow(ctx context.Context, log *slog.Logger, o ShadowOptions) (*ShadowReport, error) {
	opts := Options{ModelAPI: o.ModelAPI, ModelDir: o.ModelDir, Wrk: o.Wrk, Duration: o.Duration, Rounds: o.Rounds, Connections: o.Connections}.withDefaults()
	tmp, err := os.MkdirTemp("", "model-api-bench-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(tmp)

	if o.ServerProcs == 0 {
		o.ServerProcs = runtime.NumCPU()
	}
	procs := "GOMAXPROCS=" + strconv.Itoa(o.ServerProcs)
	base, err := startModelAPI(ctx, opts, procs)
	if err != nil {
		return nil, err
	}
	defer base.stop()
	rep := &ShadowReport{Connections: opts.Connections, ServerProcs: o.ServerProcs, WrkVersion: wrkVersion(opts.Wrk)}
	if rep.Model, err = pickModel(base.url); err != nil {
		return nil, err
	}
	rep.Challengers = o.Challengers
	if len(rep.Challengers) == 0 {
		if rep.Challengers, err = pickChallengers(base.url, rep.Model, 2); err != nil {
			return nil, err
		}
	}
	shadow, err := startModelAPI(ctx, opts, procs, "SHADOW_MODELS="+strings.Join(rep.Challengers, ","), "SHADOW_SAMPLE=1")
	if err != nil {
		return nil, err
	}
	defer shadow.stop()

	features, err := predictBody(base.url)
	if err != nil {
		return nil, err
	}
	body := `{"features":` + features + `,"model_name":"` + rep.Model + `"}`
	script, err := writeScript(tmp, "predict.lua", "POST", body)
	if err != nil {
		return nil, err
	}
	for _, p := range []*proc{base, shadow} { // warm both up
		if _, err := wrk(ctx, opts, p.url+"/predict", script, time.Second); err != nil {
			return nil, err
		}
	}
	var maxRuns []Figure
	for range opts.Rounds {
		f, err := wrk(ctx, opts, base.url+"/predict", script, opts.Duration)
		if err != nil {
			return nil, fmt.Errorf("wrk /predict without shadow: %w", err)
		}
		maxRuns = append(maxRuns, f)
	}
	rep.MaxRPS = medianFigure(maxRuns).RPS
	rate := ShadowLoadShare * rep.MaxRPS
	log.Info("maximum load without shadow", "rps", int(rep.MaxRPS), "paced_rps", int(rate))

	var baseRuns, shadowRuns []PacedFigure
	rep.Scored = map[string]float64{}
	for round := range opts.Rounds {
		f, err := paced(ctx, base.url+"/predict", body, rate, opts.Connections, opts.Duration)
		if err != nil {
			return nil, fmt.Errorf("paced load without shadow: %w", err)
		}
		baseRuns = append(baseRuns, f)
		before, err := shadowCounts(shadow.url, rep.Challengers)
		if err != nil {
			return nil, err
		}
		g, err := paced(ctx, shadow.url+"/predict", body, rate, opts.Connections, opts.Duration)
		if err != nil {
			return nil, fmt.Errorf("paced load with shadow: %w", err)
		}
		shadowRuns = append(shadowRuns, g)
		after, err := drainedShadowCounts(ctx, shadow.url, rep.Challengers)
		if err != nil {
			return nil, err
		}
		attrs := []any{"round", round + 1, "rps", int(rate), "p99_base", f.P99.String(), "p99_shadow", g.P99.String()}
		for _, c := range rep.Challengers {
			share := (after.scored[c] - before.scored[c]) / float64(g.Sent+g.Failed)
			if round == 0 || share < rep.Scored[c] {
				rep.Scored[c] = share
			}
			attrs = append(attrs, "scored_"+c, fmt.Sprintf("%.4f", share))
		}
		log.Info("paced round", attrs...)
	}
	rep.Base, rep.Shadow = medianPaced(baseRuns), medianPaced(shadowRuns)

	before, err := shadowCounts(shadow.url, rep.Challengers)
	if err != nil {
		return nil, err
	}
	if rep.Saturated, err = wrk(ctx, opts, shadow.url+"/predict", script, opts.Duration); err != nil {
		return nil, fmt.Errorf("wrk /predict with shadow: %w", err)
	}
	after, err := drainedShadowCounts(ctx, shadow.url, rep.Challengers)
	if err != nil {
		return nil, err
	}
	rep.SaturatedScored, rep.SaturatedDropped = map[string]float64{}, map[string]float64{}
	for _, c := range rep.Challengers {
		rep.SaturatedScored[c] = after.scored[c] - before.scored[c]
		rep.SaturatedDropped[c] = after.dropped[c] - before.dropped[c]
	}
	return rep, nil
}

// pickChallengers returns the first n challengers of the server's models
// other than served.
func pickChallengers(url, served string, n int) ([]string, error) {
	var m struct {
		Models []struct {
			Name string `json:"name"`
			Role string `json:"role"`
		} `json:"models"`
	}
	if err := getJSON(url+"/models", &m); err != nil {
		return nil, err
	}
	var out []string
	for _, e := range m.Models {
		if e.Role == "challenger" && e.Name != served && len(out) < n {
			out = append(out, e.Name)
		}
	}
	if len(out) < n {
		return nil, fmt.Errorf("the models directory has %d challengers besides %s (%v); shadow scoring needs %d", len(out), served, out, n)
	}
	return out, nil
}

// shadowTotals are a shadow server's counters, per challenger.
type shadowTotals struct {
	scored, dropped map[string]float64
	queue           float64
}

// shadowCounts reads the server's shadow counters for the challengers,
// summed over served models and drop reasons.
func shadowCounts(url string, challengers []string) (shadowTotals, error) {
	resp, err := http.Get(url + "/metrics")
	if err != nil {
		return shadowTotals{}, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return shadowTotals{}, fmt.Errorf("GET %s/metrics: %s", url, resp.Status)
	}
	parser := expfmt.NewTextParser(model.UTF8Validation)
	families, err := parser.TextToMetricFamilies(resp.Body)
	if err != nil {
		return shadowTotals{}, fmt.Errorf("parse %s/metrics: %w", url, err)
	}
	t := shadowTotals{
		scored:  sumByModel(families[telemetry.ShadowPredictionsTotal]),
		dropped: sumByModel(families[telemetry.ShadowDroppedTotal]),
	}
	if q := families[telemetry.ShadowQueueLength]; q != nil && len(q.GetMetric()) > 0 {
		t.queue = q.GetMetric()[0].GetGauge().GetValue()
	}
	for _, c := range challengers {
		if _, ok := t.scored[c]; !ok {
			return shadowTotals{}, fmt.Errorf("%s/metrics has no %s for %s: is it scored in shadow?", url, telemetry.ShadowPredictionsTotal, c)
		}
	}
	return t, nil
}

// drainedShadowCounts waits, up to 10 s, for the shadow queue to be empty
// and then reads the counters.
func drainedShadowCounts(ctx context.Context, url string, challengers []string) (shadowTotals, error) {
	deadline := time.Now().Add(10 * time.Second)
	for {
		t, err := shadowCounts(url, challengers)
		if err != nil {
			return t, err
		}
		if t.queue == 0 {
			// The last job taken may still be scoring: a moment more.
			time.Sleep(20 * time.Millisecond)
			return shadowCounts(url, challengers)
		}
		if time.Now().After(deadline) {
			return t, fmt.Errorf("the shadow queue of %s still held %g jobs after 10s", url, t.queue)
		}
		select {
		case <-ctx.Done():
			return t, ctx.Err()
		case <-time.After(10 * time.Millisecond):
		}
	}
}

// sumByModel sums a counter family's values by its model label.
func sumByModel(f *dto.MetricFamily) map[string]float64 {
	out := map[string]float64{}
	for _, m := range f.GetMetric() {
		for _, l := range m.GetLabel() {
			if l.GetName() == telemetry.LabelModel {
				out[l.GetValue()] += m.GetCounter().GetValue()
			}
		}
	}
	return out
}

func medianPaced(fs []PacedFigure) PacedFigure {
	p50 := make([]time.Duration, len(fs))
	p99 := make([]time.Duration, len(fs))
	out := PacedFigure{Rate: fs[0].Rate}
	for i, f := range fs {
		p50[i], p99[i] = f.P50, f.P99
		out.Sent += f.Sent
		out.Failed += f.Failed
	}
	out.P50, out.P99 = median(p50), median(p99)
	return out
}

// Write prints the report as a Markdown table, ready for the README.
func (r *ShadowReport) Write(w io.Writer) {
	verdict := func(ok bool) string {
		if ok {
			return "met"
		}
		return "MISSED"
	}
	fmt.Fprintf(w, "model-api /predict (%s) with and without shadow scoring of %s (SHADOW_SAMPLE=1), servers at GOMAXPROCS=%d, %d connections, loopback; median of the rounds (scored: the smallest); %s; %s, %d CPUs\n\n",
		r.Model, strings.Join(r.Challengers, " and "), r.ServerProcs, r.Connections, r.WrkVersion, runtime.Version(), runtime.NumCPU())
	fmt.Fprintln(w, "| figure | no shadow | shadow | criterion | |")
	fmt.Fprintln(w, "|---|---|---|---|---|")
	fmt.Fprintf(w, "| maximum load (wrk), throughput | %.0f req/s | %.0f req/s | | |\n", r.MaxRPS, r.Saturated.RPS)
	inc := float64(r.Shadow.P99)/float64(r.Base.P99) - 1
	fmt.Fprintf(w, "| paced at %.0f%% of the maximum (%.0f req/s), p50 / p99 | %s / %s | %s / %s (p99 %+.1f%%) | p99 within %.0f%% | %s |\n",
		100*ShadowLoadShare, r.Base.Rate, ms(r.Base.P50), ms(r.Base.P99), ms(r.Shadow.P50), ms(r.Shadow.P99), 100*inc,
		100*ShadowMaxP99Increase, verdict(inc <= ShadowMaxP99Increase))
	for _, c := range slices.Sorted(maps.Keys(r.Scored)) {
		fmt.Fprintf(w, "| requests scored by %s at that load | | %.2f%% | >= %.0f%% | %s |\n", c, 100*r.Scored[c], 100*ShadowMinScored, verdict(r.Scored[c] >= ShadowMinScored))
	}
	for _, c := range slices.Sorted(maps.Keys(r.SaturatedScored)) {
		total := r.SaturatedScored[c] + r.SaturatedDropped[c]
		fmt.Fprintf(w, "| at the maximum, %s: scored / dropped (queue full) | | %.0f / %.0f (%.1f%% dropped) | reported | |\n",
			c, r.SaturatedScored[c], r.SaturatedDropped[c], 100*r.SaturatedDropped[c]/max(total, 1))
	}
}
