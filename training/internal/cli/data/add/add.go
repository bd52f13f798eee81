// Package add is the `mlops data add` command.
package add

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"

	"github.com/spf13/cobra"

	"github.com/mlopsgo/mlops/training/internal/cli/streams"
	"github.com/mlopsgo/mlops/training/internal/dvc/repo"
)

// NewCommand returns `mlops data add`.
func NewCommand(logger *slog.Logger, s streams.Streams, env repo.Env) *cobra.Command {
	return &cobra.Command{
		Use:   "add PATH...",
		Short: "Track files or directories: cache them and write PATH.dvc",
		Long: `Stores each file or directory in the cache (.dvc/cache/files/md5/..., with a .dir
manifest for a directory), writes PATH.dvc beside it as dvc add does, and adds
"/PATH" to the .gitignore beside it. Adding unchanged data changes nothing.
A path git already tracks stays in git too (no .gitignore entry); dvc add would
refuse it.`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return run(cmd.Context(), logger, s, env, args)
		},
	}
}

func run(ctx context.Context, logger *slog.Logger, s streams.Streams, env repo.Env, targets []string) error {
	r, err := repo.Open(env, logger, s.ErrOut)
	if err != nil {
		return err
	}
	results, err := r.Add(ctx, targets)
	var gitAdd []string
	for _, res := range results {
		state := "unchanged"
		if res.Changed {
			state = "updated"
			gitAdd = append(gitAdd, res.DvcFile)
		}
		logger.Info("tracked", "path", res.Path, "dvc_file", res.DvcFile, "md5", res.Info.MD5, "size", res.Info.Size, "state", state)
		if res.GitIgnore != "" {
			gitAdd = append(gitAdd, res.GitIgnore)
		}
		if res.InGit {
			logger.Warn("path is also tracked by git; no .gitignore entry written (dvc add would refuse it)", "path", res.Path)
		}
	}
	if len(gitAdd) > 0 {
		_, werr := fmt.Fprintf(s.Out, "To track the changes with git, run:\n\n\tgit add %s\n", strings.Join(gitAdd, " "))
		return errors.Join(err, werr)
	}
	return err
}
