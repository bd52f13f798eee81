// Package status is the `mlops pipeline status` command.
package status

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"strings"

	"github.com/spf13/cobra"

	"github.com/mlopsgo/mlops/training/internal/cli/streams"
	"github.com/mlopsgo/mlops/training/internal/dvc/repo"
	"github.com/mlopsgo/mlops/training/internal/dvc/repro"
)

type flagpole struct {
	json bool
}

// NewCommand returns `mlops pipeline status`.
func NewCommand(logger *slog.Logger, s streams.Streams, env repo.Env) *cobra.Command {
	var flags flagpole
	cmd := &cobra.Command{
		Use:   "status [STAGE...]",
		Short: "Say which stages are stale and why",
		Long: `Compares each stage's cmd, dependencies, params and outputs with dvc.lock and lists
what changed; a stage downstream of a stale one is judged by what is on disk now.`,
		RunE: func(cmd *cobra.Command, args []string) error {
			return run(cmd.Context(), logger, s, env, flags, args)
		},
	}
	cmd.Flags().BoolVar(&flags.json, "json", false, "print JSON: stage -> reasons")
	return cmd
}

func run(ctx context.Context, logger *slog.Logger, s streams.Streams, env repo.Env, flags flagpole, targets []string) error {
	r, err := repo.Open(env, logger, s.ErrOut)
	if err != nil {
		return err
	}
	stages, err := repro.Status(ctx, r, targets)
	if err != nil {
		return err
	}
	if flags.json {
		out := map[string][]string{}
		for _, st := range stages {
			out[st.Name] = st.Reasons()
		}
		enc := json.NewEncoder(s.Out)
		enc.SetIndent("", "  ")
		return enc.Encode(out)
	}
	var b strings.Builder
	stale := 0
	for _, st := range stages {
		if !st.Changed() {
			continue
		}
		stale++
		frozen := ""
		if st.Frozen {
			frozen = " (frozen)"
		}
		fmt.Fprintf(&b, "%s:%s\n", st.Name, frozen)
		for _, c := range st.Changes {
			fmt.Fprintf(&b, "\t%s\n", c)
		}
	}
	if stale == 0 {
		b.WriteString("Pipeline is up to date.\n")
	}
	_, err = io.WriteString(s.Out, b.String())
	return err
}
