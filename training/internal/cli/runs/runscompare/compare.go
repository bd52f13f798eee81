// Package runscompare is the `mlops runs compare` command.
package runscompare

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"maps"
	"slices"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/mlopsgo/mlops/training/internal/cli/runs/runsflag"
	"github.com/mlopsgo/mlops/training/internal/cli/runs/runslist"
	"github.com/mlopsgo/mlops/training/internal/cli/runs/runsshow"
	"github.com/mlopsgo/mlops/training/internal/cli/streams"
	"github.com/mlopsgo/mlops/training/internal/tracking"
)

type flagpole struct {
	runsDir string
	json    bool
}

// NewCommand returns `mlops runs compare`.
func NewCommand(logger *slog.Logger, s streams.Streams) *cobra.Command {
	var flags flagpole
	cmd := &cobra.Command{
		Use:   "compare [RUN...]",
		Short: "Put runs' metrics side by side, mark the best, and diff their parameters (default: the last two finished runs)",
		RunE: func(cmd *cobra.Command, args []string) error {
			store := runsflag.Store(logger, flags.runsDir)
			var runs []*tracking.Run
			if len(args) == 0 {
				all, err := store.List()
				if err != nil {
					return err
				}
				runs = runslist.Filter(all, tracking.StatusFinished, 2)
				if len(runs) == 0 {
					return fmt.Errorf("no finished runs in %s to compare", flags.runsDir)
				}
			}
			for _, ref := range args {
				r, err := store.Resolve(ref)
				if err != nil {
					return err
				}
				runs = append(runs, r)
			}
			c := Compare(runs)
			if flags.json {
				enc := json.NewEncoder(s.Out)
				enc.SetIndent("", "  ")
				return enc.Encode(c)
			}
			return WriteTable(s.Out, c)
		},
	}
	runsflag.AddDir(cmd.Flags(), &flags.runsDir)
	cmd.Flags().BoolVar(&flags.json, "json", false, "print the comparison as JSON")
	return cmd
}

// Comparison is runs side by side.
type Comparison struct {
	Runs []RunInfo `json:"runs"`
	// Metrics has one row per model and metric, a value per run.
	Metrics []MetricRow `json:"metrics"`
	// Params lists only the parameters whose values differ between runs.
	Params []ParamRow `json:"params"`
}

// RunInfo identifies a compared run.
type RunInfo struct {
	ID       string `json:"id"`
	Status   string `json:"status"`
	Commit   string `json:"commit"`
	Data     string `json:"data_md5"`
	Champion string `json:"champion"`
}

// MetricRow is one metric of one model across the runs. Values[i] is nil
// where run i has no such model; Best lists the indexes of the best
// values.
type MetricRow struct {
	Model  string     `json:"model"`
	Metric string     `json:"metric"`
	Values []*float64 `json:"values"`
	Best   []int      `json:"best"`
}

// ParamRow is one parameter's value per run ("" where absent).
type ParamRow struct {
	Key    string   `json:"key"`
	Values []string `json:"values"`
}

// metric is a compared metric: its name, how to read it, and whether
// higher is better.
type metric struct {
	name   string
	get    func(*tracking.Model) float64
	higher bool
}

var metrics = []metric{
	{"cv_accuracy", func(m *tracking.Model) float64 { return m.CV.Mean }, true},
	{"cv_accuracy_std", func(m *tracking.Model) float64 { return m.CV.Std }, false},
	{"test_accuracy", func(m *tracking.Model) float64 { return m.Test.Accuracy }, true},
	{"test_precision", func(m *tracking.Model) float64 { return m.Test.PrecisionWeighted }, true},
	{"test_recall", func(m *tracking.Model) float64 { return m.Test.RecallWeighted }, true},
	{"test_f1_macro", func(m *tracking.Model) float64 { return m.Test.F1Macro }, true},
	{"test_log_loss", func(m *tracking.Model) float64 { return m.Test.LogLoss }, false},
}

// Compare lines runs up: every model any run has (in first-seen order),
// each metric, the best marked; then the parameters that differ.
func Compare(runs []*tracking.Run) Comparison {
	c := Comparison{Metrics: []MetricRow{}, Params: []ParamRow{}}
	var models []string
	for _, r := range runs {
		c.Runs = append(c.Runs, RunInfo{ID: r.ID, Status: string(r.Status), Commit: r.ShortCommit(), Data: r.ShortMD5(), Champion: r.Champion})
		for _, m := range r.Models {
			if !slices.Contains(models, m.Name) {
				models = append(models, m.Name)
			}
		}
	}
	for _, name := range models {
		for _, mt := range metrics {
			row := MetricRow{Model: name, Metric: mt.name, Values: make([]*float64, len(runs)), Best: []int{}}
			for i, r := range runs {
				if m := r.Model(name); m != nil {
					v := mt.get(m)
					row.Values[i] = &v
				}
			}
			row.Best = best(row.Values, mt.higher)
			c.Metrics = append(c.Metrics, row)
		}
	}
	flat := make([]map[string]string, len(runs))
	keys := map[string]bool{}
	for i, r := range runs {
		flat[i] = runsshow.Flatten(r.Params)
		for k := range flat[i] {
			keys[k] = true
		}
	}
	for _, k := range slices.Sorted(maps.Keys(keys)) {
		row := ParamRow{Key: k, Values: make([]string, len(runs))}
		differ := false
		for i := range runs {
			row.Values[i] = flat[i][k]
			if row.Values[i] != row.Values[0] {
				differ = true
			}
		}
		if differ {
			c.Params = append(c.Params, row)
		}
	}
	return c
}

// best returns the indexes holding the best value; none when fewer than
// two runs have one, or when they all tie (nothing to beat).
func best(values []*float64, higher bool) []int {
	var b, w *float64
	n := 0
	for _, v := range values {
		if v == nil {
			continue
		}
		n++
		if b == nil || (higher && *v > *b) || (!higher && *v < *b) {
			b = v
		}
		if w == nil || (higher && *v < *w) || (!higher && *v > *w) {
			w = v
		}
	}
	out := []int{}
	if n < 2 || *b == *w {
		return out
	}
	for i, v := range values {
		if v != nil && *v == *b {
			out = append(out, i)
		}
	}
	return out
}

// WriteTable prints the comparison: the runs, the metrics with the best
// value of each row starred, and the differing parameters.
func WriteTable(w io.Writer, c Comparison) error {
	if len(c.Runs) == 0 {
		return errors.New("compare: no runs")
	}
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprint(tw, "MODEL\tMETRIC")
	for _, r := range c.Runs {
		fmt.Fprintf(tw, "\t%s", r.ID)
	}
	fmt.Fprintln(tw)
	for _, row := range []struct {
		label string
		get   func(RunInfo) string
	}{
		{"status", func(r RunInfo) string { return r.Status }},
		{"commit", func(r RunInfo) string { return r.Commit }},
		{"data md5", func(r RunInfo) string { return r.Data }},
		{"champion", func(r RunInfo) string { return or(r.Champion, "-") }},
	} {
		fmt.Fprintf(tw, "(run)\t%s", row.label)
		for _, r := range c.Runs {
			fmt.Fprintf(tw, "\t%s", row.get(r))
		}
		fmt.Fprintln(tw)
	}
	for _, row := range c.Metrics {
		fmt.Fprintf(tw, "%s\t%s", row.Model, row.Metric)
		for i, v := range row.Values {
			cell := "-"
			if v != nil {
				cell = fmt.Sprintf("%.4f", *v)
				if slices.Contains(row.Best, i) {
					cell += " *"
				}
			}
			fmt.Fprintf(tw, "\t%s", cell)
		}
		fmt.Fprintln(tw)
	}
	if err := tw.Flush(); err != nil {
		return fmt.Errorf("write comparison: %w", err)
	}
	fmt.Fprintln(w, "\n* best of the row (lowest for log loss and std, highest otherwise; no mark on a tie)")
	if len(c.Runs) < 2 {
		return nil
	}
	if len(c.Params) == 0 {
		_, err := fmt.Fprintln(w, "\nparameters: identical")
		return err
	}
	fmt.Fprintln(w, "\nparameters that differ:")
	tw = tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	for _, p := range c.Params {
		fmt.Fprintf(tw, "  %s", p.Key)
		for _, v := range p.Values {
			fmt.Fprintf(tw, "\t%s", or(v, "(absent)"))
		}
		fmt.Fprintln(tw)
	}
	return tw.Flush()
}

func or(s, def string) string {
	if s == "" {
		return def
	}
	return s
}
