// Package remove is the `mlops data remote remove` command.
package remove

import (
	"log/slog"

	"github.com/spf13/cobra"

	"github.com/mlopsgo/mlops/training/internal/cli/data/workspace"
	"github.com/mlopsgo/mlops/training/internal/cli/streams"
)

// NewCommand returns `mlops data remote remove`.
func NewCommand(logger *slog.Logger, s streams.Streams) *cobra.Command {
	var local bool
	cmd := &cobra.Command{
		Use:   "remove NAME",
		Short: "Remove a remote",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			r, err := workspace.Open(logger, s)
			if err != nil {
				return err
			}
			return r.RemoveRemote(args[0], local)
		},
	}
	cmd.Flags().BoolVar(&local, "local", false, "edit .dvc/config.local")
	return cmd
}
