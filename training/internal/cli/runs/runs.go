// Package runs is the `mlops runs` command group: list, show, compare,
// delete, sync and diff the recorded training runs. Each subcommand lives
// in a package of its own.
package runs

import (
	"log/slog"

	"github.com/spf13/cobra"

	"github.com/mlopsgo/mlops/training/internal/cli/runs/runscompare"
	"github.com/mlopsgo/mlops/training/internal/cli/runs/runsdelete"
	"github.com/mlopsgo/mlops/training/internal/cli/runs/runsdiff"
	"github.com/mlopsgo/mlops/training/internal/cli/runs/runslist"
	"github.com/mlopsgo/mlops/training/internal/cli/runs/runsshadow"
	"github.com/mlopsgo/mlops/training/internal/cli/runs/runsshow"
	"github.com/mlopsgo/mlops/training/internal/cli/runs/runssync"
	"github.com/mlopsgo/mlops/training/internal/cli/streams"
)

// NewCommand returns `mlops runs` with its subcommands.
func NewCommand(logger *slog.Logger, s streams.Streams) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "runs",
		Short: "List, compare, export and delete recorded training runs",
		Long: `Every 'mlops train' is recorded as a run in the run store: runs/<id>/run.json,
one JSON file per run (--runs-dir or MLOPS_RUNS_DIR to put it elsewhere). A run
names its start time, git commit, host, parameters, data md5, every model's
hold-out and cross-validation metrics, loss history and bundle checksum, and
whether it finished or failed. Every 'mlops tune' is recorded too, as a run
of kind tune holding its estimates and every search and trial. RUN arguments
take a full id, a unique prefix, or "latest".`,
	}
	cmd.AddCommand(
		runslist.NewCommand(logger, s),
		runsshow.NewCommand(logger, s),
		runscompare.NewCommand(logger, s),
		runsdelete.NewCommand(logger, s),
		runssync.NewCommand(logger, s),
		runsdiff.NewCommand(logger, s),
		runsshadow.NewCommand(logger, s),
	)
	return cmd
}
