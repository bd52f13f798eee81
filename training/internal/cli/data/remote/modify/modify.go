// Package modify is the `mlops data remote modify` command.
package modify

import (
	"fmt"
	"log/slog"

	"github.com/spf13/cobra"

	"github.com/mlopsgo/mlops/training/internal/cli/streams"
	"github.com/mlopsgo/mlops/training/internal/dvc/repo"
)

type flagpole struct {
	unset, local bool
}

// NewCommand returns `mlops data remote modify`.
func NewCommand(logger *slog.Logger, s streams.Streams, env repo.Env) *cobra.Command {
	var flags flagpole
	cmd := &cobra.Command{
		Use:   "modify NAME OPTION [VALUE]",
		Short: "Set or unset a remote option (e.g. endpointurl, region, profile)",
		Args: func(cmd *cobra.Command, args []string) error {
			if err := cobra.RangeArgs(2, 3)(cmd, args); err != nil {
				return err
			}
			if flags.unset != (len(args) == 2) {
				return fmt.Errorf("give a VALUE, or --unset without one")
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			r, err := repo.Open(env, logger, s.ErrOut)
			if err != nil {
				return err
			}
			value := ""
			if len(args) == 3 {
				value = args[2]
			}
			return r.ModifyRemote(args[0], args[1], value, flags.unset, flags.local)
		},
	}
	cmd.Flags().BoolVarP(&flags.unset, "unset", "u", false, "remove the option")
	cmd.Flags().BoolVar(&flags.local, "local", false, "write .dvc/config.local (for credentials)")
	return cmd
}
