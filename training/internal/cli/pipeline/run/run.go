// Package run is the `mlops pipeline run` command (alias repro).
package run

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/spf13/cobra"

	"github.com/mlopsgo/mlops/training/internal/cli/streams"
	"github.com/mlopsgo/mlops/training/internal/dvc/repo"
	"github.com/mlopsgo/mlops/training/internal/dvc/repro"
)

type flagpole struct {
	force      bool
	dry        bool
	noRunCache bool
}

// NewCommand returns `mlops pipeline run`.
func NewCommand(logger *slog.Logger, s streams.Streams, env repo.Env) *cobra.Command {
	var flags flagpole
	cmd := &cobra.Command{
		Use:     "run [STAGE...]",
		Aliases: []string{"repro"},
		Short:   "Run the stages of dvc.yaml whose inputs changed, as dvc repro does",
		Long: `Runs the stages of dvc.yaml (or the STAGEs and the stages they depend on) in
dependency order. A stage whose cmd, deps, params and outputs match dvc.lock is
skipped; one whose inputs match an earlier run in the run cache gets its outputs
from the cache without running; any other runs its command with /bin/sh, with the
directory of this mlops binary first on PATH. dvc.lock is written after each stage,
as DVC writes it. A failing stage leaves its outputs and dvc.lock record as they
were, and stops the run.`,
		RunE: func(cmd *cobra.Command, args []string) error {
			return run(cmd.Context(), logger, s, env, flags, args)
		},
	}
	cmd.Flags().BoolVarP(&flags.force, "force", "f", false, "run the stages even if nothing changed")
	cmd.Flags().BoolVar(&flags.dry, "dry", false, "only say which stages would run")
	cmd.Flags().BoolVar(&flags.noRunCache, "no-run-cache", false, "never restore outputs from the run cache")
	return cmd
}

func run(ctx context.Context, logger *slog.Logger, s streams.Streams, env repo.Env, flags flagpole, targets []string) error {
	r, err := repo.Open(env, logger, s.ErrOut)
	if err != nil {
		return err
	}
	results, err := repro.Run(ctx, r, repro.Options{
		Targets: targets, Force: flags.force, Dry: flags.dry, NoRunCache: flags.noRunCache,
		Env: stageEnv(env.Vars), Stdout: s.Out, Stderr: s.ErrOut,
	})
	changed := 0
	for _, res := range results {
		if res.Outcome != repro.Skipped && res.Outcome != repro.Frozen {
			changed++
			logger.Info("stage done", "stage", res.Name, "outcome", string(res.Outcome), "reasons", strings.Join(res.Reasons(), "; "))
		}
	}
	if err != nil {
		return err
	}
	if changed == 0 {
		fmt.Fprintln(s.ErrOut, "Data and pipelines are up to date.")
	}
	return nil
}

// stageEnv is the stage commands' environment: vars, with the directory
// of the running mlops first on PATH, so `mlops` in dvc.yaml means this
// very binary.
func stageEnv(vars []string) []string {
	e := slices.Clone(vars)
	exe, err := os.Executable()
	if err != nil {
		return e
	}
	dir := filepath.Dir(exe)
	for i, kv := range e {
		if v, ok := strings.CutPrefix(kv, "PATH="); ok {
			e[i] = "PATH=" + dir + string(os.PathListSeparator) + v
			return e
		}
	}
	return append(e, "PATH="+dir)
}
