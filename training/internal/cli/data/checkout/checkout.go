// Package checkout is the `mlops data checkout` command.
package checkout

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"strings"

	"github.com/spf13/cobra"

	"github.com/mlopsgo/mlops/training/internal/cli/streams"
	"github.com/mlopsgo/mlops/training/internal/dvc/repo"
)

type flagpole struct {
	force bool
}

// NewCommand returns `mlops data checkout`.
func NewCommand(logger *slog.Logger, s streams.Streams, env repo.Env) *cobra.Command {
	var flags flagpole
	cmd := &cobra.Command{
		Use:   "checkout [TARGET...]",
		Short: "Restore tracked data from the cache",
		Long: `Makes every tracked output (or the TARGETs: .dvc files, output paths, stage names)
match its .dvc file or dvc.lock record, copying from the cache, as dvc checkout
does: missing files and directories are restored, and files whose current content
is in the cache (an older version) are replaced, without asking. Each object is
verified while it is copied and a directory changes only once all its files are
ready. An output whose checkout would overwrite or remove files that are not in
the cache is left as it is and reported with those files; --force discards them.`,
		RunE: func(cmd *cobra.Command, args []string) error {
			return run(cmd.Context(), logger, s, env, flags, args)
		},
	}
	cmd.Flags().BoolVarP(&flags.force, "force", "f", false, "overwrite or remove workspace files that are not in the cache")
	return cmd
}

func run(ctx context.Context, logger *slog.Logger, s streams.Streams, env repo.Env, flags flagpole, targets []string) error {
	r, err := repo.Open(env, logger, s.ErrOut)
	if err != nil {
		return err
	}
	res, err := r.Checkout(ctx, targets, flags.force)
	return errors.Join(err, Print(s.Out, res))
}

// Print lists what a checkout changed, as dvc does ("A  path", "M  path"),
// and returns the error writing to w.
func Print(w io.Writer, res repo.CheckoutResult) error {
	var b strings.Builder
	for _, p := range res.Added {
		fmt.Fprintf(&b, "A\t%s\n", p)
	}
	for _, p := range res.Modified {
		fmt.Fprintf(&b, "M\t%s\n", p)
	}
	if len(res.Added)+len(res.Modified) == 0 && len(res.Failed) == 0 {
		b.WriteString("Everything is up to date.\n")
	}
	_, err := io.WriteString(w, b.String())
	return err
}
