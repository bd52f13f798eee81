// Package pipeline is the `mlops pipeline` command group: runs the
// dvc.yaml pipeline (as dvc repro does) and reports its status.
package pipeline

import (
	"log/slog"

	"github.com/spf13/cobra"

	"github.com/mlopsgo/mlops/training/internal/cli/pipeline/run"
	"github.com/mlopsgo/mlops/training/internal/cli/pipeline/status"
	"github.com/mlopsgo/mlops/training/internal/cli/streams"
)

// NewCommand returns `mlops pipeline`.
func NewCommand(logger *slog.Logger, s streams.Streams) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "pipeline",
		Short: "Run the dvc.yaml pipeline and show its status (DVC-compatible dvc.lock)",
	}
	cmd.AddCommand(run.NewCommand(logger, s), status.NewCommand(logger, s))
	return cmd
}
