// Package pull is the `mlops data pull` command.
package pull

import (
	"context"
	"fmt"
	"log/slog"

	"github.com/spf13/cobra"

	"github.com/mlopsgo/mlops/training/internal/cli/data/checkout"
	"github.com/mlopsgo/mlops/training/internal/cli/data/workspace"
	"github.com/mlopsgo/mlops/training/internal/cli/streams"
)

type flagpole struct {
	workspace.TransferFlags
	force bool
}

// NewCommand returns `mlops data pull`.
func NewCommand(logger *slog.Logger, s streams.Streams) *cobra.Command {
	var flags flagpole
	cmd := &cobra.Command{
		Use:   "pull [TARGET...]",
		Short: "Fetch data from a remote and check it out",
		Long: `Fetches (see mlops data fetch), then checks out every output whose objects all
arrived verified. An output with a missing or corrupt object is reported and its
workspace copy left as it was.`,
		RunE: func(cmd *cobra.Command, args []string) error {
			return run(cmd.Context(), logger, s, flags, args)
		},
	}
	flags.Register(cmd.Flags())
	cmd.Flags().BoolVarP(&flags.force, "force", "f", false, "overwrite modified workspace data")
	return cmd
}

func run(ctx context.Context, logger *slog.Logger, s streams.Streams, flags flagpole, targets []string) error {
	r, err := workspace.Open(logger, s)
	if err != nil {
		return err
	}
	opts, err := flags.Options(logger, s)
	if err != nil {
		return err
	}
	res, co, err := r.Pull(ctx, flags.Remote, targets, flags.force, opts)
	logger.Info("pull finished", "downloaded", res.Transferred, "bytes", res.Bytes, "already_cached", res.Skipped, "failed", len(res.Failed))
	if res.Transferred > 0 {
		fmt.Fprintf(s.Out, "%s fetched\n", workspace.Plural(res.Transferred, "file"))
	}
	checkout.Print(s.Out, co)
	return err
}
