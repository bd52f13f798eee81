// Package runslist is the `mlops runs list` command.
package runslist

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/mlopsgo/mlops/training/internal/cli/runs/runsflag"
	"github.com/mlopsgo/mlops/training/internal/cli/streams"
	"github.com/mlopsgo/mlops/training/internal/tracking"
)

type flagpole struct {
	runsDir string
	json    bool
	status  string
	kind    string
	limit   int
}

// NewCommand returns `mlops runs list`.
func NewCommand(logger *slog.Logger, s streams.Streams) *cobra.Command {
	var flags flagpole
	cmd := &cobra.Command{
		Use:   "list",
		Short: "List recorded runs (training and tuning), oldest first",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			return run(logger, s, flags)
		},
	}
	runsflag.AddDir(cmd.Flags(), &flags.runsDir)
	cmd.Flags().BoolVar(&flags.json, "json", false, "print the run records as a JSON array")
	cmd.Flags().StringVar(&flags.status, "status", "", "only runs with this status (running, finished, failed)")
	cmd.Flags().StringVar(&flags.kind, "kind", "", "only runs of this kind (train: mlops train, tune: mlops tune)")
	cmd.Flags().IntVarP(&flags.limit, "limit", "n", 0, "only the last N runs (0: all)")
	return cmd
}

func run(logger *slog.Logger, s streams.Streams, flags flagpole) error {
	switch tracking.Status(flags.status) {
	case "", tracking.StatusRunning, tracking.StatusFinished, tracking.StatusFailed:
	default:
		return fmt.Errorf("--status %q: use running, finished or failed", flags.status)
	}
	runs, err := runsflag.Store(logger, flags.runsDir).List()
	if err != nil {
		return err
	}
	if flags.kind != "" {
		kind, err := tracking.ParseKind(flags.kind)
		if err != nil {
			return fmt.Errorf("--kind %q: use train or tune", flags.kind)
		}
		runs = tracking.FilterKind(runs, kind)
	}
	runs = tracking.Filter(runs, tracking.Status(flags.status), flags.limit)
	if flags.json {
		if runs == nil {
			runs = []*tracking.Run{}
		}
		enc := json.NewEncoder(s.Out)
		enc.SetIndent("", "  ")
		return enc.Encode(runs)
	}
	if len(runs) == 0 {
		_, err := fmt.Fprintf(s.Out, "no runs in %s (mlops train and mlops tune record one)\n", flags.runsDir)
		return err
	}
	return WriteTable(s.Out, runs)
}

// WriteTable writes one line per run: id, kind, status, start (UTC),
// duration, commit, data, champion with its CV accuracy, and the trackers
// it was synced to. A tuning run's champion is its model with the best
// nested estimate (marked "nested"): what tuning recommends, by the
// estimate of tune-then-train.
func WriteTable(w io.Writer, runs []*tracking.Run) error {
	var buf bytes.Buffer
	tw := tabwriter.NewWriter(&buf, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "RUN\tKIND\tSTATUS\tSTARTED (UTC)\tDURATION\tCOMMIT\tDATA\tCHAMPION\tCV ACCURACY\tSYNCED")
	for _, r := range runs {
		champion, cv := "-", "-"
		if m := r.Model(r.Champion); m != nil {
			champion, cv = m.Name, fmt.Sprintf("%.4f ± %.4f", m.CV.Mean, m.CV.Std)
		}
		if r.Tune != nil {
			if m := r.Tune.Best(); m != nil {
				champion, cv = m.Name, fmt.Sprintf("%.4f ± %.4f nested", m.Nested.Mean, m.Nested.Std)
			}
		}
		synced := strings.Join(r.Trackers(), ",")
		if synced == "" {
			synced = "-"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", r.ID, r.Kind, r.Status, r.Start.UTC().Format("2006-01-02 15:04:05"),
			FormatDuration(r.Duration()), r.ShortCommit(), r.ShortMD5(), champion, cv, synced)
	}
	if err := tw.Flush(); err != nil {
		return fmt.Errorf("write runs table: %w", err)
	}
	if _, err := w.Write(buf.Bytes()); err != nil {
		return fmt.Errorf("write runs table: %w", err)
	}
	return nil
}

// FormatDuration prints a run's duration to a tenth of a second (a
// millisecond under one second), "-" for none.
func FormatDuration(d time.Duration) string {
	switch {
	case d <= 0:
		return "-"
	case d < time.Second:
		return d.Round(time.Millisecond).String()
	}
	return d.Round(100 * time.Millisecond).String()
}
