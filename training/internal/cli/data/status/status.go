// Package status is the `mlops data status` command.
package status

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"

	"github.com/spf13/cobra"

	"github.com/mlopsgo/mlops/training/internal/cli/data/transfer"
	"github.com/mlopsgo/mlops/training/internal/cli/streams"
	"github.com/mlopsgo/mlops/training/internal/dvc/pipeline"
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

// report maps a .dvc file or stage to its lines of changes.
type report struct {
	order []string
	lines map[string][]string
}

func (r *report) add(name, line string) {
	if r.lines == nil {
		r.lines = map[string][]string{}
	}
	if _, ok := r.lines[name]; !ok {
		r.order = append(r.order, name)
	}
	r.lines[name] = append(r.lines[name], line)
}

func run(ctx context.Context, logger *slog.Logger, s streams.Streams, env repo.Env, flags flagpole, targets []string) error {
	r, err := repo.Open(env, logger, s.ErrOut)
	if err != nil {
		return err
	}
	if flags.cloud || flags.remote != "" {
		return cloud(ctx, r, s.Out, flags, targets)
	}
	var rep report
	outs, err := r.Status(ctx, targets)
	if err != nil {
		return err
	}
	for _, o := range outs {
		if o.Source == pipeline.LockFileName {
			continue // reported with its stage below
		}
		switch {
		case o.Workspace != repo.Unchanged:
			rep.add(o.Source, fmt.Sprintf("changed outs: %s: %s", o.Workspace, o.Path))
		case o.Cache && !o.Cached:
			rep.add(o.Source, fmt.Sprintf("changed outs: %s: %s", repo.NotInCache, o.Path))
		}
	}
	stageNames := stageTargets(r, targets)
	if _, err := os.Stat(r.Abs(pipeline.FileName)); err == nil && (len(targets) == 0 || len(stageNames) > 0) {
		stages, err := repro.Status(ctx, r, stageNames)
		if err != nil {
			return err
		}
		for _, st := range stages {
			for _, reason := range st.Reasons {
				rep.add(st.Name, reason)
			}
		}
	}
	if flags.json {
		out := map[string][]string{}
		for _, k := range rep.order {
			out[k] = rep.lines[k]
		}
		enc := json.NewEncoder(s.Out)
		enc.SetIndent("", "  ")
		return enc.Encode(out)
	}
	if len(rep.order) == 0 {
		fmt.Fprintln(s.Out, "Data and pipelines are up to date.")
		return nil
	}
	write(s.Out, rep)
	return nil
}

// stageTargets turns the targets into stage names: a target that names a
// stage, or one of a stage's outputs (as `dvc status models` reports the
// stage that writes models).
func stageTargets(r *repo.Repo, targets []string) []string {
	proj, err := pipeline.Load(r.Abs(pipeline.FileName))
	if err != nil || len(targets) == 0 {
		return nil
	}
	var out []string
	for _, t := range targets {
		name := strings.TrimPrefix(t, pipeline.LockFileName+":")
		if proj.Stage(name) != nil {
			out = append(out, name)
			continue
		}
		target := path.Clean(filepath.ToSlash(t))
		for _, st := range proj.Stages {
			for _, o := range st.Outs {
				if path.Join(st.Wdir, o.Path) == target && !slices.Contains(out, st.Name) {
					out = append(out, st.Name)
				}
			}
		}
	}
	return out
}

// write prints the report grouped as dvc status does:
//
//	train:
//		changed deps:
//			modified:           data
func write(w io.Writer, rep report) {
	for _, name := range rep.order {
		fmt.Fprintf(w, "%s:\n", name)
		last := ""
		for _, line := range rep.lines[name] {
			group, rest, found := strings.Cut(line, ": ")
			if !found {
				fmt.Fprintf(w, "\t%s\n", line)
				last = ""
				continue
			}
			if group != last {
				fmt.Fprintf(w, "\t%s:\n", group)
				last = group
			}
			what, path, ok := strings.Cut(rest, ": ")
			if !ok {
				fmt.Fprintf(w, "\t\t%s\n", rest)
				continue
			}
			if sub, p, ok := strings.Cut(path, ": "); ok {
				// params: "<file>: <change>: <key>"
				what, path = what+": "+sub, p
			}
			fmt.Fprintf(w, "\t\t%-20s%s\n", what+":", path)
		}
	}
}

func cloud(ctx context.Context, r *repo.Repo, w io.Writer, flags flagpole, targets []string) error {
	res, url, err := r.CloudStatus(ctx, flags.remote, targets)
	if err != nil {
		if errors.Is(err, repo.ErrNoRemote) {
			return err
		}
		return fmt.Errorf("cloud status: %w", err)
	}
	clean := true
	for _, c := range res {
		for _, item := range []struct {
			n    int
			word string
		}{{c.NotPushed, "new"}, {c.NotFetched, "not in cache"}, {c.Missing, "missing"}} {
			if item.n > 0 {
				clean = false
				fmt.Fprintf(w, "\t%-20s%s (%s)\n", item.word+":", c.Path, transfer.Plural(item.n, "object"))
			}
		}
	}
	if clean {
		fmt.Fprintf(w, "Cache and remote %s are in sync.\n", url)
	}
	return nil
}
