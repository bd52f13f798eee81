// Package pipeline is the `mlops pipeline` command group: runs the
// dvc.yaml pipeline (as dvc repro does) and reports its status.
package pipeline

import (
	"log/slog"

	"github.com/spf13/cobra"

	"github.com/mlopsgo/mlops/training/internal/cli/pipeline/run"
	"github.com/mlopsgo/mlops/training/internal/cli/pipeline/status"
	"github.com/mlopsgo/mlops/training/internal/cli/streams"
	"github.com/mlopsgo/mlops/training/internal/dvc/repo"
)

// NewCommand returns `mlops pipeline`, whose subcommands work on the
// repository containing env.Dir.
func NewCommand(logger *slog.Logger, s streams.Streams, env repo.Env) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "pipeline",
		Short: "Run the dvc.yaml pipeline and show its status (DVC-compatible dvc.lock)",
	}
	cmd.AddCommand(run.NewCommand(logger, s, env), status.NewCommand(logger, s, env))
	return cmd
}
