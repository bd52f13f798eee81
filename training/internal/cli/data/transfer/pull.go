package transfer

import (
	"context"
	"errors"
	"fmt"
	"log/slog"

	"github.com/spf13/cobra"

	"github.com/mlopsgo/mlops/training/internal/cli/data/checkout"
	"github.com/mlopsgo/mlops/training/internal/cli/streams"
	"github.com/mlopsgo/mlops/training/internal/dvc/repo"
)

type pullFlags struct {
	Flags
	force bool
}

// NewPullCommand returns `mlops data pull`.
func NewPullCommand(logger *slog.Logger, s streams.Streams, env repo.Env) *cobra.Command {
	var flags pullFlags
	cmd := &cobra.Command{
		Use:   "pull [TARGET...]",
		Short: "Fetch data from a remote and check it out",
		Long: `Fetches (see mlops data fetch), then checks out (see mlops data checkout) every
output whose objects all arrived verified, whatever happened to the others. An
output with a missing or corrupt object is reported with the objects' URLs, its
workspace copy is left as it was, and the command exits 1.`,
		RunE: func(cmd *cobra.Command, args []string) error {
			return pull(cmd.Context(), logger, s, env, flags, args)
		},
	}
	flags.Register(cmd.Flags())
	cmd.Flags().BoolVarP(&flags.force, "force", "f", false, "overwrite or remove workspace files that are not in the cache")
	return cmd
}

func pull(ctx context.Context, logger *slog.Logger, s streams.Streams, env repo.Env, flags pullFlags, targets []string) error {
	r, opts, err := open(logger, s, env, flags.Flags)
	if err != nil {
		return err
	}
	res, co, err := r.Pull(ctx, flags.Remote, targets, flags.force, opts)
	logResult(logger, "pull", res)
	if res.Transferred > 0 {
		if _, werr := fmt.Fprintf(s.Out, "%s fetched\n", Plural(res.Transferred, "file")); werr != nil {
			return errors.Join(err, werr)
		}
	}
	return errors.Join(err, checkout.Print(s.Out, co))
}
