// Package data is the `mlops data` command group: DVC-compatible data
// versioning (init, add, status, checkout, push, pull, fetch, remote,
// validate).
package data

import (
	"log/slog"

	"github.com/spf13/cobra"

	"github.com/mlopsgo/mlops/training/internal/cli/data/add"
	"github.com/mlopsgo/mlops/training/internal/cli/data/checkout"
	"github.com/mlopsgo/mlops/training/internal/cli/data/initialize"
	"github.com/mlopsgo/mlops/training/internal/cli/data/remote"
	"github.com/mlopsgo/mlops/training/internal/cli/data/status"
	"github.com/mlopsgo/mlops/training/internal/cli/data/transfer"
	"github.com/mlopsgo/mlops/training/internal/cli/data/validate"
	"github.com/mlopsgo/mlops/training/internal/cli/streams"
	"github.com/mlopsgo/mlops/training/internal/dvc/repo"
)

// NewCommand returns `mlops data` with its subcommands, which work on the
// repository containing env.Dir.
func NewCommand(logger *slog.Logger, s streams.Streams, env repo.Env) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "data",
		Short: "Version data with DVC-compatible files, cache and remotes",
		Long: `Tracks data the way DVC 3.x does, writing the same files: .dvc/ (config, cache),
<path>.dvc files, .gitignore entries, and a remote layout dvc push/pull also read.
DVC itself is not needed; a user who has it can run dvc on the same repository.`,
	}
	cmd.AddCommand(
		initialize.NewCommand(logger, s, env), add.NewCommand(logger, s, env), status.NewCommand(logger, s, env),
		checkout.NewCommand(logger, s, env), transfer.NewPushCommand(logger, s, env), transfer.NewPullCommand(logger, s, env),
		transfer.NewFetchCommand(logger, s, env), remote.NewCommand(logger, s, env), validate.NewCommand(logger, s, env),
	)
	return cmd
}
