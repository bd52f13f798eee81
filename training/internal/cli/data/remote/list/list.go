// Package list is the `mlops data remote list` command.
package list

import (
	"fmt"
	"io"
	"log/slog"
	"strings"

	"github.com/spf13/cobra"

	"github.com/mlopsgo/mlops/training/internal/cli/streams"
	"github.com/mlopsgo/mlops/training/internal/dvc/repo"
)

// NewCommand returns `mlops data remote list`.
func NewCommand(logger *slog.Logger, s streams.Streams, env repo.Env) *cobra.Command {
	return &cobra.Command{
		Use:   "list",
		Short: "List remotes: name, URL, and (default)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			r, err := repo.Open(env, logger, s.ErrOut)
			if err != nil {
				return err
			}
			remotes, err := r.Remotes()
			if err != nil {
				return err
			}
			var b strings.Builder
			for _, rm := range remotes {
				def := ""
				if rm.Default {
					def = "\t(default)"
				}
				fmt.Fprintf(&b, "%s\t%s%s\n", rm.Name, rm.URL, def)
			}
			_, err = io.WriteString(s.Out, b.String())
			return err
		},
	}
}
