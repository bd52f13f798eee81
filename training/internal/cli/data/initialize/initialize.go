// Package initialize is the `mlops data init` command.
package initialize

import (
	"context"
	"fmt"
	"log/slog"

	"github.com/spf13/cobra"

	"github.com/mlopsgo/mlops/training/internal/cli/streams"
	"github.com/mlopsgo/mlops/training/internal/dvc/repo"
)

type flagpole struct {
	force bool
}

// NewCommand returns `mlops data init`.
func NewCommand(logger *slog.Logger, s streams.Streams, env repo.Env) *cobra.Command {
	var flags flagpole
	cmd := &cobra.Command{
		Use:   "init",
		Short: "Create .dvc/ in the current git repository, as dvc init does",
		Long: `Creates .dvc/config (empty), .dvc/.gitignore (/config.local, /tmp, /cache), .dvc/tmp/
and .dvcignore at the root of the git work tree, and stages them in git.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			return run(cmd.Context(), logger, s, env, flags)
		},
	}
	cmd.Flags().BoolVarP(&flags.force, "force", "f", false, "initialize again if .dvc/ exists (keeps its config and cache)")
	return cmd
}

func run(ctx context.Context, logger *slog.Logger, s streams.Streams, env repo.Env, flags flagpole) error {
	r, err := repo.Init(ctx, env.Dir, flags.force, logger)
	if err != nil {
		return err
	}
	_, err = fmt.Fprintf(s.Out, "Initialized DVC repository in %s.\n\nYou can now commit the changes to git.\n", r.Root)
	return err
}
