// Package runscompare is the `mlops runs compare` command.
package runscompare

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"slices"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/mlopsgo/mlops/training/internal/cli/runs/runsflag"
	"github.com/mlopsgo/mlops/training/internal/cli/streams"
	"github.com/mlopsgo/mlops/training/internal/tracking"
)

type flagpole struct {
	runsDir string
	kind    string
	json    bool
}

// NewCommand returns `mlops runs compare`.
func NewCommand(logger *slog.Logger, s streams.Streams) *cobra.Command {
	var flags flagpole
	cmd := &cobra.Command{
		Use:   "compare [RUN...]",
		Short: "Put runs' metrics side by side, mark the best, and diff their parameters (default: the last two finished training runs)",
		Long: `Puts runs' metrics side by side, marks the best of each row and lists the
parameters that differ. Training runs are compared by their CV and hold-out
metrics; tuning runs (mlops tune) by their estimates: default_cv, nested (the
one to compare by), nested_std and the optimistic inner_best and chosen_inner,
with the search settings and chosen values among the parameters. A training
run and a tuning run measure different things and are not compared.

Without RUN arguments, the last two finished runs of --kind are compared.`,
		RunE: func(cmd *cobra.Command, args []string) error {
			kind, err := tracking.ParseKind(flags.kind)
			if err != nil {
				return fmt.Errorf("--kind %q: use train or tune", flags.kind)
			}
			runs, err := Select(runsflag.Store(logger, flags.runsDir), args, kind)
			if err != nil {
				return err
			}
			c := tracking.Compare(runs)
			if flags.json {
				enc := json.NewEncoder(s.Out)
				enc.SetIndent("", "  ")
				return enc.Encode(c)
			}
			return WriteTable(s.Out, c)
		},
	}
	runsflag.AddDir(cmd.Flags(), &flags.runsDir)
	cmd.Flags().StringVar(&flags.kind, "kind", "train", "without RUN arguments, compare the last two finished runs of this kind (train or tune)")
	cmd.Flags().BoolVar(&flags.json, "json", false, "print the comparison as JSON")
	return cmd
}

// Select returns the runs to compare: the ones refs name, or without refs
// the last two finished runs of kind. Runs of different kinds are refused
// with an error wrapping tracking.ErrMixedKinds that says what to do.
func Select(store *tracking.Store, refs []string, kind tracking.Kind) ([]*tracking.Run, error) {
	var runs []*tracking.Run
	if len(refs) == 0 {
		all, err := store.List()
		if err != nil {
			return nil, err
		}
		runs = tracking.Filter(tracking.FilterKind(all, kind), tracking.StatusFinished, 2)
		if len(runs) == 0 {
			return nil, fmt.Errorf("no finished %s runs in %s to compare", kind, store.Dir())
		}
	}
	for _, ref := range refs {
		r, err := store.Resolve(ref)
		if err != nil {
			return nil, err
		}
		runs = append(runs, r)
	}
	if err := tracking.SameKind(runs); err != nil {
		return nil, fmt.Errorf("%w; compare training runs with training runs and tuning runs with tuning runs "+
			"(mlops runs list --kind tune lists the latter; mlops runs show RUN shows one run of either kind)", err)
	}
	return runs, nil
}

// WriteTable prints the comparison: the runs, the metrics with the best
// value of each row starred, and the differing parameters.
// The page is written in one piece; a write error (a closed pipe) is
// returned.
func WriteTable(w io.Writer, c tracking.Comparison) error {
	if len(c.Runs) == 0 {
		return errors.New("compare: no runs")
	}
	var buf bytes.Buffer
	if err := render(&buf, c); err != nil {
		return err
	}
	if _, err := w.Write(buf.Bytes()); err != nil {
		return fmt.Errorf("write comparison: %w", err)
	}
	return nil
}

func render(w *bytes.Buffer, c tracking.Comparison) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprint(tw, "MODEL\tMETRIC")
	for _, r := range c.Runs {
		fmt.Fprintf(tw, "\t%s", r.ID)
	}
	fmt.Fprintln(tw)
	for _, row := range []struct {
		label string
		get   func(tracking.RunInfo) string
	}{
		{"status", func(r tracking.RunInfo) string { return r.Status }},
		{"commit", func(r tracking.RunInfo) string { return r.Commit }},
		{"data md5", func(r tracking.RunInfo) string { return r.Data }},
		{"champion", func(r tracking.RunInfo) string { return or(r.Champion, "-") }},
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
	if c.Kind == tracking.KindTune {
		fmt.Fprintln(w, "Compare tuning by nested (tune-then-train); inner_best and chosen_inner are optimistic.\n"+
			"The champion of a tuning run is its best nested estimate.")
	}
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
