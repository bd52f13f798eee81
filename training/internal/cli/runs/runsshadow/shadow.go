// Package runsshadow is the `mlops runs shadow` command: how the
// challengers model-api scores in shadow (SHADOW_MODELS) compared with the
// models that served, read back from Prometheus as a table for deciding a
// promotion.
package runsshadow

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/mlopsgo/mlops/app/telemetry"
	"github.com/mlopsgo/mlops/training/internal/cli/streams"
)

type flagpole struct {
	prometheus string
	window     time.Duration
	selector   string
	timeout    time.Duration
	json       bool
}

// NewCommand returns `mlops runs shadow`.
func NewCommand(_ *slog.Logger, s streams.Streams) *cobra.Command {
	var flags flagpole
	cmd := &cobra.Command{
		Use:   "shadow --prometheus URL",
		Short: "Compare the challengers model-api scores in shadow with the served models, from Prometheus",
		Long: `model-api scores the challengers SHADOW_MODELS names on a sample of the requests
it serves, off the request path, and counts per challenger and served model the
rows scored, those on which the challenger predicted the served model's class,
the challenger's top probability minus the served model's, and the rows it
dropped. This reads those counters from Prometheus (instant queries over the
last --window, summed over every scraped pod) and prints one line per
challenger and served model:

  SCORED      rows the challenger scored in the window
  AGREEMENT   share of them on which it predicted the served model's class
  MEAN CONF   mean of (challenger's top probability - served model's)
  DROPPED     rows it did not score (shadow queue full, or a pod stopping)

Counts are Prometheus's increase() over the window, extrapolated to its edges,
so they are approximate, most for series younger than a few minutes; the
agreement and the mean are ratios of increases over the same samples, which
the extrapolation scales alike (exactly when the series start at 0 inside the
window). --selector narrows the series, for a Prometheus that scrapes several
deployments:

  mlops runs shadow --prometheus http://localhost:9090 --window 24h \
    --selector 'namespace="prod"'`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			r, err := Fetch(cmd.Context(), Options{URL: flags.prometheus, Window: flags.window, Selector: flags.selector, Timeout: flags.timeout})
			if err != nil {
				return err
			}
			if flags.json {
				enc := json.NewEncoder(s.Out)
				enc.SetIndent("", "  ")
				return enc.Encode(r)
			}
			return WriteTable(s.Out, r)
		},
	}
	cmd.Flags().StringVar(&flags.prometheus, "prometheus", "", "Prometheus's base URL, such as http://localhost:9090 (required)")
	cmd.Flags().DurationVar(&flags.window, "window", time.Hour, "how far back to count, ending now")
	cmd.Flags().StringVar(&flags.selector, "selector", "", `extra label matchers for every series, such as 'namespace="prod"'`)
	cmd.Flags().DurationVar(&flags.timeout, "timeout", 30*time.Second, "how long to wait for each query")
	cmd.Flags().BoolVar(&flags.json, "json", false, "print the rows as JSON")
	_ = cmd.MarkFlagRequired("prometheus")
	return cmd
}

// Options says what Fetch reads.
type Options struct {
	// URL is Prometheus's base URL. Required.
	URL string
	// Window is how far back the counts go. Optional. Default: 1h.
	Window time.Duration
	// Selector holds extra label matchers added to every selector, such as
	// `namespace="prod"`. Optional.
	Selector string
	// At is the end of the window. Optional. Default: now.
	At time.Time
	// Timeout bounds each query. Optional. Default: 30s.
	Timeout time.Duration
	// Client sends the queries. Optional. Default: a client with Timeout.
	Client *http.Client
}

// Report is the shadow comparison over one window.
type Report struct {
	Prometheus string    `json:"prometheus"`
	Window     string    `json:"window"`
	At         time.Time `json:"at"`
	Selector   string    `json:"selector,omitempty"`
	// Rows are the pairs of challenger and served model with rows scored
	// or dropped in the window, by challenger, then served model.
	Rows []Row `json:"rows"`
	// Idle counts the pairs whose series exist but saw no row.
	Idle int `json:"idle_pairs"`
}

// Row is one challenger against one served model over the window.
type Row struct {
	Challenger  string  `json:"challenger"`
	ServedModel string  `json:"served_model"`
	Scored      float64 `json:"scored"`
	Agreed      float64 `json:"agreed"`
	// Agreement is Agreed / Scored; nil when nothing was scored.
	Agreement *float64 `json:"agreement"`
	// MeanConfidenceDifference is the mean of the challenger's top class
	// probability minus the served model's; nil when nothing was scored.
	MeanConfidenceDifference *float64 `json:"mean_confidence_difference"`
	Dropped                  float64  `json:"dropped"`
}

// series are the counters Fetch reads, each summed by challenger and served
// model; the constants below index them.
var series = [...]struct{ metric, matcher string }{
	scored:         {telemetry.ShadowPredictionsTotal, ""},
	agreed:         {telemetry.ShadowAgreementsTotal, ""},
	confChallenger: {telemetry.ShadowConfidenceTotal, telemetry.LabelSide + `="` + telemetry.SideChallenger + `"`},
	confServed:     {telemetry.ShadowConfidenceTotal, telemetry.LabelSide + `="` + telemetry.SideServed + `"`},
	dropped:        {telemetry.ShadowDroppedTotal, ""},
}

const (
	scored = iota
	agreed
	confChallenger
	confServed
	dropped
)

// ErrNoShadowSeries is returned when Prometheus holds no shadow series for
// the window and selector.
var ErrNoShadowSeries = errors.New("no shadow scoring series")

// Fetch queries Prometheus for the shadow counters' increase over the
// window, by challenger and served model, and returns one row per pair.
func Fetch(ctx context.Context, o Options) (*Report, error) {
	base, err := parseBaseURL(o.URL)
	if err != nil {
		return nil, err
	}
	if o.Window == 0 {
		o.Window = time.Hour
	}
	if o.Window < time.Millisecond {
		return nil, fmt.Errorf("--window %v: want a duration of at least 1ms, such as 1h", o.Window)
	}
	if strings.ContainsAny(o.Selector, "{}") {
		return nil, fmt.Errorf(`--selector %q: want label matchers without braces, such as namespace="prod"`, o.Selector)
	}
	if o.At.IsZero() {
		o.At = time.Now()
	}
	if o.Timeout <= 0 {
		o.Timeout = 30 * time.Second
	}
	if o.Client == nil {
		o.Client = &http.Client{Timeout: o.Timeout}
	}
	c := &promClient{base: base, http: o.Client}
	window := promDuration(o.Window)
	by := telemetry.LabelModel + ", " + telemetry.LabelServedModel
	increase := func(metric, matcher string) string {
		matchers := []string{}
		if matcher != "" {
			matchers = append(matchers, matcher)
		}
		if o.Selector != "" {
			matchers = append(matchers, o.Selector)
		}
		sel := metric
		if len(matchers) > 0 {
			sel += "{" + strings.Join(matchers, ", ") + "}"
		}
		return "sum by (" + by + ") (increase(" + sel + "[" + window + "]))"
	}
	type pairKey struct{ challenger, served string }
	values := map[pairKey]*[len(series)]float64{}
	for i, q := range series {
		qctx, cancel := context.WithTimeout(ctx, o.Timeout)
		samples, err := c.query(qctx, increase(q.metric, q.matcher), o.At)
		cancel()
		if err != nil {
			return nil, err
		}
		for _, s := range samples {
			k := pairKey{s.labels[telemetry.LabelModel], s.labels[telemetry.LabelServedModel]}
			if values[k] == nil {
				values[k] = new([len(series)]float64)
			}
			values[k][i] = s.value
		}
	}
	if len(values) == 0 {
		where := ""
		if o.Selector != "" {
			where = " matching " + o.Selector
		}
		return nil, fmt.Errorf("%w%s in Prometheus at %s over the last %s: is model-api running with SHADOW_MODELS set, and scraped by this Prometheus?",
			ErrNoShadowSeries, where, base.Redacted(), window)
	}
	r := &Report{Prometheus: base.Redacted(), Window: window, At: o.At.UTC(), Selector: o.Selector, Rows: []Row{}}
	for k, v := range values {
		if v[scored] == 0 && v[dropped] == 0 {
			// A pair model-api is ready to score (its series exist from
			// the start) that saw no row in the window: a challenger is
			// never compared with itself, and not every model serves.
			r.Idle++
			continue
		}
		row := Row{Challenger: k.challenger, ServedModel: k.served, Scored: v[scored], Agreed: v[agreed], Dropped: v[dropped]}
		if v[scored] > 0 {
			a := v[agreed] / v[scored]
			d := (v[confChallenger] - v[confServed]) / v[scored]
			row.Agreement, row.MeanConfidenceDifference = &a, &d
		}
		r.Rows = append(r.Rows, row)
	}
	slices.SortFunc(r.Rows, func(a, b Row) int {
		if c := strings.Compare(a.Challenger, b.Challenger); c != 0 {
			return c
		}
		return strings.Compare(a.ServedModel, b.ServedModel)
	})
	return r, nil
}

// promDuration writes d as a PromQL duration in the largest unit it is a
// whole number of: 1h, 90m, 45s, 1500ms.
func promDuration(d time.Duration) string {
	for _, u := range []struct {
		d    time.Duration
		name string
	}{{time.Hour, "h"}, {time.Minute, "m"}, {time.Second, "s"}} {
		if d%u.d == 0 {
			return strconv.FormatInt(int64(d/u.d), 10) + u.name
		}
	}
	return strconv.FormatInt(d.Milliseconds(), 10) + "ms"
}

// WriteTable prints the report: one line per challenger and served model,
// then what the window was.
func WriteTable(w io.Writer, r *Report) error {
	var buf bytes.Buffer
	if len(r.Rows) == 0 {
		fmt.Fprintf(&buf, "No row was scored or dropped in shadow over the last %s up to %s (UTC), from %s: %d pairs of challenger and served model have series, but saw no traffic.\n",
			r.Window, r.At.Format("2006-01-02 15:04:05"), r.Prometheus, r.Idle)
		_, err := w.Write(buf.Bytes())
		return err
	}
	tw := tabwriter.NewWriter(&buf, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "CHALLENGER\tSERVED BY\tSCORED\tAGREEMENT\tMEAN CONF DIFF\tDROPPED")
	for _, row := range r.Rows {
		fmt.Fprintf(tw, "%s\t%s\t%.0f\t%s\t%s\t%.0f\n", row.Challenger, row.ServedModel, row.Scored,
			ratio(row.Agreement, "%.4f"), ratio(row.MeanConfidenceDifference, "%+.4f"), row.Dropped)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	where := ""
	if r.Selector != "" {
		where = ", series matching " + r.Selector
	}
	if r.Idle > 0 {
		where += fmt.Sprintf("; %d pairs without a row left out", r.Idle)
	}
	fmt.Fprintf(&buf, "\nRows scored in shadow over the last %s up to %s (UTC), from %s%s.\n", r.Window, r.At.Format("2006-01-02 15:04:05"), r.Prometheus, where)
	buf.WriteString("AGREEMENT: share of the rows on which the challenger predicted the served model's class.\n")
	buf.WriteString("MEAN CONF DIFF: challenger's top class probability minus the served model's, averaged.\n")
	buf.WriteString("SCORED, DROPPED: Prometheus's increase() over the window, extrapolated to its edges: approximate, most for young series.\n")
	buf.WriteString("AGREEMENT, MEAN CONF DIFF: ratios of increases over the same samples, which the extrapolation scales alike.\n")
	_, err := w.Write(buf.Bytes())
	return err
}

func ratio(v *float64, format string) string {
	if v == nil {
		return "-"
	}
	return fmt.Sprintf(format, *v)
}
