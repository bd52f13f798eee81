// Package add is the `mlops data remote add` command.
package add

import (
	"log/slog"

	"github.com/spf13/cobra"

	"github.com/mlopsgo/mlops/training/internal/cli/streams"
	"github.com/mlopsgo/mlops/training/internal/dvc/repo"
)

type flagpole struct {
	makeDefault, local, force bool
}

// NewCommand returns `mlops data remote add`.
func NewCommand(logger *slog.Logger, s streams.Streams, env repo.Env) *cobra.Command {
	var flags flagpole
	cmd := &cobra.Command{
		Use:   "add [-d] NAME URL",
		Short: "Add a remote (a local path or s3://bucket/prefix)",
		Args:  cobra.ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			return run(logger, s, env, flags, args[0], args[1])
		},
	}
	cmd.Flags().BoolVarP(&flags.makeDefault, "default", "d", false, "make it the default remote")
	cmd.Flags().BoolVar(&flags.local, "local", false, "write .dvc/config.local (not committed)")
	cmd.Flags().BoolVarP(&flags.force, "force", "f", false, "replace an existing remote of that name")
	return cmd
}

func run(logger *slog.Logger, s streams.Streams, env repo.Env, flags flagpole, name, url string) error {
	r, err := repo.Open(env, logger, s.ErrOut)
	if err != nil {
		return err
	}
	if err := r.AddRemote(name, url, flags.makeDefault, flags.local, flags.force); err != nil {
		return err
	}
	if flags.makeDefault {
		logger.Info("setting the default remote", "remote", name)
	}
	return nil
}
