package repro

import (
	"context"
	"errors"
	"io/fs"
	"path"
	"slices"
	"strings"

	"github.com/mlopsgo/mlops/training/internal/dvc/pipeline"
	"github.com/mlopsgo/mlops/training/internal/dvc/repo"
)

// DataStatus is what `dvc status` reports: each .dvc file whose output
// differs from the workspace or is missing from the cache, then each
// pipeline stage that would run, in that order, with its changes. Only
// changed entries are returned. Targets are .dvc files, output paths or
// stage names (see repo.Select); naming a stage's output reports that
// stage, as `dvc status models` reports the stage that writes models.
// A dvc.yaml that exists but cannot be read or parsed is an error.
func DataStatus(ctx context.Context, r *repo.Repo, targets []string) ([]StageStatus, error) {
	outs, err := r.Status(ctx, targets)
	if err != nil {
		return nil, err
	}
	var res []StageStatus
	for _, o := range outs {
		if o.Source == pipeline.LockFileName {
			continue // reported with its stage below
		}
		var c repo.Change
		switch {
		case o.Workspace != repo.Unchanged:
			c = outChange(o.Workspace, o.Path)
		case o.Cache && !o.Cached:
			c = outChange(repo.NotInCache, o.Path)
		default:
			continue
		}
		if i := slices.IndexFunc(res, func(s StageStatus) bool { return s.Name == o.Source }); i >= 0 {
			res[i].Changes = append(res[i].Changes, c)
		} else {
			res = append(res, StageStatus{Name: o.Source, Changes: []repo.Change{c}})
		}
	}
	proj, lock, err := load(r)
	if errors.Is(err, fs.ErrNotExist) {
		return res, nil // no dvc.yaml: no pipeline (a missing dvc.lock is no error)
	}
	if err != nil {
		return nil, err
	}
	names := stageTargets(r, proj, targets)
	if len(targets) > 0 && len(names) == 0 {
		return res, nil
	}
	stages, err := status(ctx, r, proj, lock, names)
	if err != nil {
		return nil, err
	}
	for _, st := range stages {
		if st.Changed() {
			res = append(res, st)
		}
	}
	return res, nil
}

// stageTargets turns the targets into stage names: a target that names a
// stage, or one of a stage's outputs.
func stageTargets(r *repo.Repo, proj *pipeline.Project, targets []string) []string {
	var out []string
	for _, t := range targets {
		name := strings.TrimPrefix(t, pipeline.LockFileName+":")
		if proj.Stage(name) != nil {
			out = append(out, name)
			continue
		}
		target, err := r.Rel(t)
		if err != nil {
			continue
		}
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
