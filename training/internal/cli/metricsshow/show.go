// Package metricsshow is the `mlops metrics show` command.
package metricsshow

import (
	"encoding/json"
	"log/slog"

	"github.com/spf13/cobra"

	"github.com/mlopsgo/mlops/training/internal/cli/streams"
	"github.com/mlopsgo/mlops/training/internal/metricsfile"
)

// NewCommand returns `mlops metrics show`.
func NewCommand(_ *slog.Logger, s streams.Streams) *cobra.Command {
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "show [METRICS_FILE]",
		Short: "Print the comparison table of a metrics.json (default: metrics.json)",
		Args:  cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			path := "metrics.json"
			if len(args) == 1 {
				path = args[0]
			}
			f, err := metricsfile.Load(path)
			if err != nil {
				return err
			}
			if asJSON {
				enc := json.NewEncoder(s.Out)
				enc.SetIndent("", "  ")
				return enc.Encode(f)
			}
			return metricsfile.WriteTable(s.Out, f)
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print JSON instead of a table")
	return cmd
}
