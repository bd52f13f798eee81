// Package runsdelete is the `mlops runs delete` command.
package runsdelete

import (
	"errors"
	"fmt"
	"log/slog"

	"github.com/spf13/cobra"

	"github.com/mlopsgo/mlops/training/internal/cli/runs/runsflag"
	"github.com/mlopsgo/mlops/training/internal/cli/streams"
	"github.com/mlopsgo/mlops/training/internal/tracking"
)

type flagpole struct {
	runsDir string
	failed  bool
}

// NewCommand returns `mlops runs delete`.
func NewCommand(logger *slog.Logger, s streams.Streams) *cobra.Command {
	var flags flagpole
	cmd := &cobra.Command{
		Use:   "delete [RUN...]",
		Short: "Delete runs from the store (a run still running is refused)",
		Long: `Deletes the named runs' directories from the run store, or with --failed every
failed run. Only the local record goes: bundles in models/ and runs already
exported to a tracker stay. A run whose process is still alive is refused.`,
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) == 0 && !flags.failed {
				return errors.New("name the runs to delete, or use --failed")
			}
			store := runsflag.Store(logger, flags.runsDir)
			var ids []string
			for _, ref := range args {
				r, err := store.Resolve(ref)
				if err != nil {
					return err
				}
				ids = append(ids, r.ID)
			}
			if flags.failed {
				runs, err := store.List()
				if err != nil {
					return err
				}
				for _, r := range runs {
					if r.Status == tracking.StatusFailed {
						ids = append(ids, r.ID)
					}
				}
			}
			for _, id := range ids {
				if err := store.Delete(cmd.Context(), id); err != nil {
					return err
				}
				if _, err := fmt.Fprintf(s.Out, "deleted %s\n", id); err != nil {
					return err
				}
			}
			if len(ids) == 0 {
				_, err := fmt.Fprintln(s.Out, "no failed runs")
				return err
			}
			return nil
		},
	}
	runsflag.AddDir(cmd.Flags(), &flags.runsDir)
	cmd.Flags().BoolVar(&flags.failed, "failed", false, "delete every failed run")
	return cmd
}
