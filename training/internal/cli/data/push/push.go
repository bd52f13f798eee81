// Package push is the `mlops data push` command.
package push

import (
	"context"
	"fmt"
	"log/slog"

	"github.com/spf13/cobra"

	"github.com/mlopsgo/mlops/training/internal/cli/data/workspace"
	"github.com/mlopsgo/mlops/training/internal/cli/streams"
)

// NewCommand returns `mlops data push`.
func NewCommand(logger *slog.Logger, s streams.Streams) *cobra.Command {
	var flags workspace.TransferFlags
	cmd := &cobra.Command{
		Use:   "push [TARGET...]",
		Short: "Upload cached data to a remote",
		Long: `Uploads the cache objects of every tracked output (or the TARGETs) that the remote
does not have, in parallel, with retries; a directory's manifest goes last, so an
interrupted push leaves no partial state and the next push resumes it.`,
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
	res, err := r.Push(ctx, flags.Remote, targets, opts)
	logger.Info("push finished", "uploaded", res.Transferred, "bytes", res.Bytes, "already_on_remote", res.Skipped, "failed", len(res.Failed))
	if res.Transferred == 0 && err == nil {
		fmt.Fprintln(s.Out, "Everything is up to date.")
	} else if res.Transferred > 0 {
		fmt.Fprintf(s.Out, "%s pushed\n", workspace.Plural(res.Transferred, "file"))
	}
	return err
}
