// Package status is the `mlops data status` command.
package status

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"strings"

	"github.com/spf13/cobra"

	"github.com/mlopsgo/mlops/training/internal/cli/data/transfer"
	"github.com/mlopsgo/mlops/training/internal/cli/streams"
	"github.com/mlopsgo/mlops/training/internal/dvc/repo"
	"github.com/mlopsgo/mlops/training/internal/dvc/repro"
)

type flagpole struct {
	cloud  bool
	remote string
	json   bool
}

// NewCommand returns `mlops data status`.
func NewCommand(logger *slog.Logger, s streams.Streams, env repo.Env) *cobra.Command {
	var flags flagpole
	cmd := &cobra.Command{
		Use:   "status [TARGET...]",
		Short: "Show what differs from the .dvc files, dvc.lock and the cache",
		Long: `Compares every tracked output (from .dvc files) with the workspace and the cache,
and every pipeline stage with dvc.lock, as dvc status does. With --cloud, compares
the cache with a remote instead: what is not pushed, not fetched, or missing.
TARGETs are .dvc files, output paths or stage names.`,
		RunE: func(cmd *cobra.Command, args []string) error {
			return run(cmd.Context(), logger, s, env, flags, args)
		},
	}
	cmd.Flags().BoolVarP(&flags.cloud, "cloud", "c", false, "compare the cache with a remote")
	cmd.Flags().StringVarP(&flags.remote, "remote", "r", "", "remote for --cloud (implies it; default: core.remote)")
	cmd.Flags().BoolVar(&flags.json, "json", false, "print JSON")
	return cmd
}

func run(ctx context.Context, logger *slog.Logger, s streams.Streams, env repo.Env, flags flagpole, targets []string) error {
	r, err := repo.Open(env, logger, s.ErrOut)
	if err != nil {
		return err
	}
	if flags.cloud || flags.remote != "" {
		return cloud(ctx, r, s.Out, flags, targets)
	}
	stages, err := repro.DataStatus(ctx, r, targets)
	if err != nil {
		return err
	}
	if flags.json {
		return writeJSON(s.Out, stages)
	}
	if len(stages) == 0 {
		_, err := fmt.Fprintln(s.Out, "Data and pipelines are up to date.")
		return err
	}
	return write(s.Out, stages)
}

// writeJSON prints {"name": ["changed outs: modified: data", ...]}.
func writeJSON(w io.Writer, stages []repro.StageStatus) error {
	out := map[string][]string{}
	for _, st := range stages {
		out[st.Name] = st.Reasons()
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(out)
}

// write prints the changes grouped as dvc status does:
//
//	train:
//		changed deps:
//			modified:           data
//		changed cmd
func write(w io.Writer, stages []repro.StageStatus) error {
	var b strings.Builder
	for _, st := range stages {
		fmt.Fprintf(&b, "%s:\n", st.Name)
		var section repo.Section
		for _, c := range st.Changes {
			if c.State == "" {
				fmt.Fprintf(&b, "\t%s\n", c.Section)
				section = ""
				continue
			}
			if c.Section != section {
				fmt.Fprintf(&b, "\t%s:\n", c.Section)
				section = c.Section
			}
			what := string(c.State)
			if c.File != "" {
				what = c.File + ": " + what
			}
			fmt.Fprintf(&b, "\t\t%-20s%s\n", what+":", c.Path)
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func cloud(ctx context.Context, r *repo.Repo, w io.Writer, flags flagpole, targets []string) error {
	res, url, err := r.CloudStatus(ctx, flags.remote, targets)
	if err != nil {
		if errors.Is(err, repo.ErrNoRemote) {
			return err
		}
		return fmt.Errorf("cloud status: %w", err)
	}
	var b strings.Builder
	clean := true
	for _, c := range res {
		for _, item := range []struct {
			n    int
			word string
		}{{c.NotPushed, "new"}, {c.NotFetched, "not in cache"}, {c.Missing, "missing"}} {
			if item.n > 0 {
				clean = false
				fmt.Fprintf(&b, "\t%-20s%s (%s)\n", item.word+":", c.Path, transfer.Plural(item.n, "object"))
			}
		}
	}
	if clean {
		fmt.Fprintf(&b, "Cache and remote %s are in sync.\n", url)
	}
	_, err = io.WriteString(w, b.String())
	return err
}
