// Package runsflag holds the flags the commands that touch the run store
// share: --runs-dir and --tracker (with their environment defaults), and
// the command line a run records. The tracked training itself is
// trainrun.Run.
package runsflag

import (
	"log/slog"
	"os"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/mlopsgo/mlops/training/internal/export"
	"github.com/mlopsgo/mlops/training/internal/tracking"
)

// AddDir registers --runs-dir, defaulting to $MLOPS_RUNS_DIR or runs.
func AddDir(fs *pflag.FlagSet, p *string) {
	def := os.Getenv(tracking.DirEnv)
	if def == "" {
		def = tracking.DefaultDir
	}
	fs.StringVar(p, "runs-dir", def, "run store directory (env "+tracking.DirEnv+")")
}

// AddTracker registers --tracker, defaulting to $MLOPS_TRACKER.
func AddTracker(fs *pflag.FlagSet, p *string, usage string) {
	fs.StringVar(p, "tracker", os.Getenv(export.TrackerEnv), usage+" ("+strings.Join(export.Trackers, " or ")+"; env "+export.TrackerEnv+")")
}

// Store opens the run store in dir.
func Store(logger *slog.Logger, dir string) *tracking.Store {
	return tracking.New(logger, tracking.Options{Dir: dir})
}

// CommandLine returns the command as a person would type it again: its
// path and the flags that were set.
func CommandLine(cmd *cobra.Command) []string {
	line := strings.Fields(cmd.CommandPath())
	cmd.Flags().Visit(func(f *pflag.Flag) {
		line = append(line, "--"+f.Name+"="+f.Value.String())
	})
	return append(line, cmd.Flags().Args()...)
}
