// Package train is the `mlops train` command.
package train

import (
	"context"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/mlopsgo/mlops/training/internal/cli/runs/runsflag"
	"github.com/mlopsgo/mlops/training/internal/cli/streams"
	"github.com/mlopsgo/mlops/training/internal/metricsfile"
	"github.com/mlopsgo/mlops/training/internal/tracking/trainrun"
	"github.com/mlopsgo/mlops/training/internal/train"
)

type flagpole struct {
	params    string
	modelsDir string
	metrics   string
	plots     string
	only      []string
	workers   int
	runsDir   string
	tracker   string
	strict    bool
}

// NewCommand returns `mlops train`.
func NewCommand(logger *slog.Logger, s streams.Streams) *cobra.Command {
	var flags flagpole
	cmd := &cobra.Command{
		Use:   "train",
		Short: "Cross-validate and fit every model in params.yaml, write bundles and metrics",
		Long: `Reads params.yaml, validates the data, cross-validates every configured model
(repeated stratified k-fold), fits each on the training split, evaluates it on the
hold-out split, and writes <models-dir>/<name>.json, <models-dir>/index.json (with
the champion: best mean CV accuracy, ties to the simpler model) and metrics.json.
The comparison table goes to stdout, progress and logs to stderr.

A model that fails or times out is marked so, with the reason, in the table,
metrics.json and the run record; the other models are still trained and
written and the champion is chosen among them. The exit status is 0 unless
every model failed, or --strict is given and any model failed.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			return run(cmd, logger, s, flags)
		},
	}
	cmd.Flags().StringVar(&flags.params, "params", "params.yaml", "parameters file")
	cmd.Flags().StringVar(&flags.modelsDir, "models-dir", "models", "directory for the bundles and index.json")
	cmd.Flags().StringVar(&flags.metrics, "metrics", "metrics.json", "metrics file to write (empty: none)")
	cmd.Flags().StringVar(&flags.plots, "plots", "", "CSV of each model's accuracy per CV fold to write, a DVC plot (empty: none)")
	cmd.Flags().StringSliceVar(&flags.only, "only", nil, "train only these models (comma-separated names)")
	cmd.Flags().IntVar(&flags.workers, "workers", 0, "parallel fits (0: one per CPU)")
	runsflag.AddDir(cmd.Flags(), &flags.runsDir)
	runsflag.AddTracker(cmd.Flags(), &flags.tracker, "also export the run to this tracker")
	cmd.Flags().BoolVar(&flags.strict, "strict", false, "exit 1 when any model fails or times out (default: only when every model does)")
	return cmd
}

func run(cmd *cobra.Command, logger *slog.Logger, s streams.Streams, flags flagpole) error {
	if flags.workers < 0 {
		return fmt.Errorf("--workers is %d; it must be 0 (one per CPU) or more", flags.workers)
	}
	start := time.Now()
	// The run is recorded in the run store (--runs-dir; "off" disables it)
	// and, with --tracker, exported.
	rec := trainrun.Options{
		Command: runsflag.CommandLine(cmd), ParamsPath: flags.params, ModelsDir: flags.modelsDir,
		RunsDir: flags.runsDir, Tracker: flags.tracker,
	}
	res, err := trainrun.Run(cmd.Context(), logger, rec, func(ctx context.Context) (*train.Result, error) {
		return train.Run(ctx, logger, train.Options{
			ParamsPath: flags.params, ModelsDir: flags.modelsDir, MetricsPath: flags.metrics, PlotsPath: flags.plots,
			Only: flags.only, Workers: flags.workers, Progress: s.ErrOut,
		})
	})
	if err != nil {
		if res != nil && res.Metrics != nil {
			// Every model failed: the table says why, model by model.
			if terr := metricsfile.WriteTable(s.Out, res.Metrics); terr != nil {
				logger.Warn("could not print the table", "err", terr)
			}
		}
		return err
	}
	for _, m := range res.Models {
		if m.Failed() {
			continue // logged by train when it failed
		}
		attrs := []any{"model", m.Name, "cv_accuracy", fmt.Sprintf("%.4f", m.CV.Mean), "test_accuracy", fmt.Sprintf("%.4f", m.Test.Accuracy),
			"duration", m.Duration.Round(time.Millisecond), "sha256", m.Bundle.SHA256[:12]}
		if m.Fit.Iterations > 0 {
			attrs = append(attrs, "iterations", m.Fit.Iterations, "converged", m.Fit.Converged)
		}
		if len(m.Warnings) > 0 {
			attrs = append(attrs, "warnings", len(m.Warnings))
		}
		logger.Info("model trained", attrs...)
	}
	if err := metricsfile.WriteTable(s.Out, res.Metrics); err != nil {
		return err
	}
	if err := failures(res, flags.strict); err != nil {
		return err
	}
	if n := len(res.Failures()); n > 0 {
		logger.Warn("some models failed; the others were written (--strict makes this exit 1)", "failed", n, "models", len(res.Models))
	}
	logger.Info("done", "duration", time.Since(start).Round(time.Millisecond))
	return nil
}

// failures returns the error that makes the exit status 1 when models
// failed and strict is set, naming each; otherwise nil (a run where every
// model failed is already an error from train).
func failures(res *train.Result, strict bool) error {
	failed := res.Failures()
	if len(failed) == 0 {
		return nil
	}
	reasons := make([]string, len(failed))
	for i, m := range failed {
		reasons[i] = fmt.Sprintf("%s %s", m.Name, strings.ReplaceAll(string(m.Status), "_", " "))
	}
	if strict {
		return fmt.Errorf("%d of %d models failed (--strict): %s", len(failed), len(res.Models), strings.Join(reasons, ", "))
	}
	return nil
}
