// Package runsflag holds what the commands that touch the run store share:
// the --runs-dir and --tracker flags (with their environment defaults) and
// the tracked training that `mlops train` runs.
package runsflag

import (
	"context"
	"log/slog"
	"os"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/mlopsgo/mlops/training/internal/export"
	"github.com/mlopsgo/mlops/training/internal/tracking"
	"github.com/mlopsgo/mlops/training/internal/tracking/trainrun"
	"github.com/mlopsgo/mlops/training/internal/train"
)

// AddDir registers --runs-dir, defaulting to $MLOPS_RUNS_DIR or runs.
func AddDir(fs *pflag.FlagSet, p *string) {
	def := os.Getenv(tracking.DirEnv)
	if def == "" {
		def = tracking.DefaultDir
	}
	fs.StringVar(p, "runs-dir", def, "run store directory (env "+tracking.DirEnv+")")
}

// AddTracker registers --tracker, defaulting to $MLOPS_TRACKER.
func AddTracker(fs *pflag.FlagSet, p *string, usage string) {
	fs.StringVar(p, "tracker", os.Getenv(export.TrackerEnv), usage+" ("+strings.Join(export.Trackers, " or ")+"; env "+export.TrackerEnv+")")
}

// Store opens the run store in dir.
func Store(logger *slog.Logger, dir string) *tracking.Store {
	return tracking.New(logger, tracking.Options{Dir: dir})
}

// Train runs fn as a run recorded in runsDir ("" or "off": not recorded),
// then, when tracker is set, exports it. An export failure is logged and
// leaves the run unsynced for `mlops runs sync`; it does not fail training.
func Train(ctx context.Context, logger *slog.Logger, runsDir, tracker string, opts trainrun.Options,
	fn func(context.Context) (*train.Result, error),
) (*train.Result, error) {
	if runsDir == "" || runsDir == "off" {
		return fn(ctx)
	}
	var exp export.Exporter
	if tracker != "" {
		// Checked before training, so a typo does not cost a training run.
		var err error
		if exp, err = export.New(logger, tracker, os.Getenv); err != nil {
			return nil, err
		}
	}
	store := Store(logger, runsDir)
	res, run, err := trainrun.Record(ctx, logger, store, opts, fn)
	if err != nil || run == nil || exp == nil {
		return res, err
	}
	if outcome, err := export.Sync(ctx, logger, store, run.ID, exp, time.Now); err == nil {
		logger.Info("run exported", "run", run.ID, "tracker", exp.Name(), "outcome", string(outcome))
	} else {
		logger.Warn("run not exported; retry with `mlops runs sync`", "run", run.ID, "tracker", exp.Name(), "err", err)
	}
	return res, nil
}

// CommandLine returns the command as a person would type it again: its
// path and the flags that were set.
func CommandLine(cmd *cobra.Command) []string {
	line := strings.Fields(cmd.CommandPath())
	cmd.Flags().Visit(func(f *pflag.Flag) {
		line = append(line, "--"+f.Name+"="+f.Value.String())
	})
	return append(line, cmd.Flags().Args()...)
}
