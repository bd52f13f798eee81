// Package fetch is the `mlops data fetch` command.
package fetch

import (
	"context"
	"fmt"
	"log/slog"

	"github.com/spf13/cobra"

	"github.com/mlopsgo/mlops/training/internal/cli/data/workspace"
	"github.com/mlopsgo/mlops/training/internal/cli/streams"
)

// NewCommand returns `mlops data fetch`.
func NewCommand(logger *slog.Logger, s streams.Streams) *cobra.Command {
	var flags workspace.TransferFlags
	cmd := &cobra.Command{
		Use:   "fetch [TARGET...]",
		Short: "Download data from a remote into the cache (the workspace is not touched)",
		Long: `Downloads the objects of every tracked output (or the TARGETs) that the cache lacks.
Each object is verified against its md5 before it enters the cache; a corrupt
object is reported with its URL and left out.`,
		RunE: func(cmd *cobra.Command, args []string) error {
			return run(cmd.Context(), logger, s, flags, args)
		},
	}
	flags.Register(cmd.Flags())
	return cmd
}

func run(ctx context.Context, logger *slog.Logger, s streams.Streams, flags workspace.TransferFlags, targets []string) error {
	r, err := workspace.Open(logger, s)
	if err != nil {
		return err
	}
	opts, err := flags.Options(logger, s)
	if err != nil {
		return err
	}
	res, _, err := r.Fetch(ctx, flags.Remote, targets, opts)
	logger.Info("fetch finished", "downloaded", res.Transferred, "bytes", res.Bytes, "already_cached", res.Skipped, "failed", len(res.Failed))
	if res.Transferred == 0 && err == nil {
		fmt.Fprintln(s.Out, "Everything is up to date.")
	} else if res.Transferred > 0 {
		fmt.Fprintf(s.Out, "%s fetched\n", workspace.Plural(res.Transferred, "file"))
	}
	return err
}
