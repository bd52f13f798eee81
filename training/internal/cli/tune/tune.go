// Package tune is the `mlops tune` command.
package tune

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/spf13/cobra"

	"github.com/mlopsgo/mlops/training/internal/cli/runs/runsflag"
	"github.com/mlopsgo/mlops/training/internal/cli/streams"
	"github.com/mlopsgo/mlops/training/internal/tracking/trainrun"
	"github.com/mlopsgo/mlops/training/internal/tracking/tunerun"
	"github.com/mlopsgo/mlops/training/internal/tune"
	"github.com/mlopsgo/mlops/training/internal/tune/space"
)

type flagpole struct {
	params    string
	models    []string
	trials    int
	time      time.Duration
	apply     bool
	workers   int
	noPruning bool
	runsDir   string
	tracker   string
}

// NewCommand returns `mlops tune`.
func NewCommand(logger *slog.Logger, s streams.Streams) *cobra.Command {
	var flags flagpole
	cmd := &cobra.Command{
		Use:   "tune",
		Short: "Search each model's hyper-parameters; estimate tune-then-train by nested CV",
		Long: `Searches each model's hyper-parameters with TPE over the space its algorithm
declares (narrowed by params.yaml's tune: section), and estimates how well
"tune, then train" does by nested cross-validation: for every outer fold of
params.yaml's cv:, a search on the fold's training part alone, its best
parameters fitted there and scored on the fold's test rows. A final search on
the training split picks the parameters; --apply writes them into params.yaml
(comments and order kept), so that mlops pipeline run retrains with them.
Every search starts from the configured settings (when its space can take
them) and keeps them unless a trial beats them; the best trial has the
highest mean inner accuracy, ties going to the lower mean inner log loss.

The table (stdout) shows, per model, the configured settings' CV, the nested
estimate, the searches' best inner score (optimistic: compare models by the
nested estimate) and the chosen parameters. Results for a seed do not depend
on --workers.

The run is recorded in the run store (--runs-dir; "off" disables it) as a
tune run with every search and trial: mlops runs list and show read it, and
mlops runs sync exports it (MLflow: nested child runs; W&B: one group).`,
		Args: func(cmd *cobra.Command, args []string) error {
			if err := cobra.NoArgs(cmd, args); err != nil {
				return err
			}
			return flags.validate(cmd.Flags().Changed)
		},
		RunE: func(cmd *cobra.Command, _ []string) error {
			return run(cmd, logger, s, flags)
		},
	}
	cmd.Flags().StringVar(&flags.params, "params", "params.yaml", "parameters file")
	cmd.Flags().StringSliceVar(&flags.models, "models", nil, "tune only these models (comma-separated names)")
	cmd.Flags().IntVar(&flags.trials, "trials", 0, "trials per search (default: tune.trials in params.yaml, 50)")
	cmd.Flags().DurationVar(&flags.time, "time", 0, "search for about this long (e.g. 2m) instead of a number of trials")
	cmd.Flags().BoolVar(&flags.apply, "apply", false, "write the chosen parameters into the params file")
	cmd.Flags().IntVar(&flags.workers, "workers", 0, "parallel fits (0: one per CPU); results do not depend on it")
	cmd.Flags().BoolVar(&flags.noPruning, "no-pruning", false, "score every trial on every inner fold (no successive halving)")
	runsflag.AddDir(cmd.Flags(), &flags.runsDir)
	runsflag.AddTracker(cmd.Flags(), &flags.tracker, "also export the run to this tracker")
	cmd.MarkFlagsMutuallyExclusive("trials", "time")
	return cmd
}

// validate checks the flags' values; its errors are usage errors (the
// command's argument validator returns them, which the root marks so).
// set reports whether a flag was given: --trials 0 and --time 0s are
// errors, not the defaults their zero values stand for when absent.
func (f flagpole) validate(set func(name string) bool) error {
	switch {
	case f.trials < 0 || (f.trials == 0 && set("trials")):
		return fmt.Errorf("--trials is %d; it must be at least 1", f.trials)
	case f.time < 0 || (f.time == 0 && set("time")):
		return fmt.Errorf("--time is %v; it must be a positive duration such as 2m", f.time)
	case f.workers < 0:
		return fmt.Errorf("--workers is %d; it must be 0 (one per CPU) or more", f.workers)
	}
	return nil
}

func run(cmd *cobra.Command, logger *slog.Logger, s streams.Streams, flags flagpole) error {
	start := time.Now()
	// The run is recorded in the run store (--runs-dir; "off" disables it)
	// and, with --tracker, exported. --apply is part of the run: a failed
	// write is recorded as the run's failure.
	rec := tunerun.Options{
		Options: trainrun.Options{
			Command: runsflag.CommandLine(cmd), ParamsPath: flags.params, RunsDir: flags.runsDir, Tracker: flags.tracker,
		},
		Trials: flags.trials, Time: flags.time, NoPruning: flags.noPruning, Apply: flags.apply,
	}
	res, err := tunerun.Run(cmd.Context(), logger, rec, func(ctx context.Context) (*tune.Result, error) {
		res, err := tune.Run(ctx, logger, tune.Options{
			ParamsPath: flags.params, Models: flags.models, Trials: flags.trials, Time: flags.time,
			NoPruning: flags.noPruning, Workers: flags.workers, Progress: s.ErrOut,
		})
		if err != nil || !flags.apply {
			return res, err
		}
		chosen := make(map[string]space.Point, len(res.Models))
		for _, m := range res.Models {
			chosen[m.Name] = m.Chosen
		}
		if err := tune.Apply(flags.params, chosen); err != nil {
			return res, err
		}
		return res, nil
	})
	if res != nil {
		// Also when --apply failed: the searches' outcome is worth seeing
		// (and that failure is the error to report).
		if terr := writeTable(s.Out, res); terr != nil && err == nil {
			return terr
		}
	}
	if err != nil {
		return err
	}
	if flags.apply {
		logger.Info("chosen parameters written; mlops pipeline run retrains with them", "file", flags.params)
	} else {
		logger.Info("run again with --apply to write the chosen parameters", "file", flags.params)
	}
	logger.Info("done", "duration", time.Since(start).Round(time.Millisecond))
	return nil
}

// errNoModels is a result with nothing to show, which Run does not return.
var errNoModels = errors.New("tune: no model was tuned")
