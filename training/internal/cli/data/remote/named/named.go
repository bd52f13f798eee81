// Package named holds the `mlops data remote` commands that act on one
// remote given by name, `remove` and `default`: they differ only in what
// they do to the configuration, so one implementation serves both.
package named

import (
	"log/slog"

	"github.com/spf13/cobra"

	"github.com/mlopsgo/mlops/training/internal/cli/streams"
	"github.com/mlopsgo/mlops/training/internal/dvc/repo"
)

// action is one command built by newCommand.
type action struct {
	use, short string
	apply      func(r *repo.Repo, name string, local bool) error
}

// NewRemoveCommand returns `mlops data remote remove`.
func NewRemoveCommand(logger *slog.Logger, s streams.Streams, env repo.Env) *cobra.Command {
	return newCommand(logger, s, env, action{use: "remove NAME", short: "Remove a remote", apply: (*repo.Repo).RemoveRemote})
}

// NewDefaultCommand returns `mlops data remote default`.
func NewDefaultCommand(logger *slog.Logger, s streams.Streams, env repo.Env) *cobra.Command {
	return newCommand(logger, s, env, action{use: "default NAME", short: "Make a remote the default (core.remote)", apply: (*repo.Repo).SetDefaultRemote})
}

func newCommand(logger *slog.Logger, s streams.Streams, env repo.Env, a action) *cobra.Command {
	var local bool
	cmd := &cobra.Command{
		Use:   a.use,
		Short: a.short,
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			r, err := repo.Open(env, logger, s.ErrOut)
			if err != nil {
				return err
			}
			return a.apply(r, args[0], local)
		},
	}
	cmd.Flags().BoolVar(&local, "local", false, "edit .dvc/config.local")
	return cmd
}
