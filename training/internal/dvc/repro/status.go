// Package repro runs a dvc.yaml pipeline as `dvc repro` does: stages in
// dependency order, each skipped when its cmd, deps, params and outputs
// match dvc.lock, restored from the cache when an earlier run with the
// same inputs is in the run cache, and run otherwise; dvc.lock is updated
// after each stage that ran. A failing stage changes nothing: its earlier
// outputs are put back and its dvc.lock record is left as it was.
package repro

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path"
	"slices"
	"strings"

	"github.com/mlopsgo/mlops/training/internal/dvc/hash"
	"github.com/mlopsgo/mlops/training/internal/dvc/pipeline"
	"github.com/mlopsgo/mlops/training/internal/dvc/pyfmt"
	"github.com/mlopsgo/mlops/training/internal/dvc/repo"
)

// StageStatus says whether a stage (or a .dvc file) is up to date and
// why not.
type StageStatus struct {
	// Name is the stage's name, or the .dvc file's root-relative path.
	Name string
	// Changes are empty for an up-to-date stage, else what differs, in
	// the order dvc status lists it: cmd, deps, params, outs.
	Changes []repo.Change
	// Frozen stages are never run.
	Frozen bool
}

// Changed reports whether the stage would run.
func (s StageStatus) Changed() bool { return len(s.Changes) > 0 }

// Reasons returns the changes one per line (see repo.Change.String).
func (s StageStatus) Reasons() []string { return reasons(s.Changes) }

func reasons(changes []repo.Change) []string {
	out := make([]string, len(changes))
	for i, c := range changes {
		out[i] = c.String()
	}
	return out
}

// state is a stage evaluated against the workspace and dvc.lock.
type state struct {
	stage *pipeline.Stage
	lock  *pipeline.LockStage
	// current is the record the stage would get now: cmd, deps and params
	// as they are, outs with paths only (hashes filled after a run).
	current *pipeline.LockStage
	// missingDeps lists dependencies that do not exist.
	missingDeps []string
	changes     []repo.Change
	// outsOnly says only outputs differ (cmd, deps, params match).
	outsOnly bool
}

// rootPath turns a stage-relative path into a root-relative one.
func rootPath(st *pipeline.Stage, p string) string {
	return path.Clean(path.Join(st.Wdir, p))
}

// evaluate hashes the stage's deps and params and compares them, the cmd
// and the outputs with the lock record.
func evaluate(ctx context.Context, r *repo.Repo, st *pipeline.Stage, lock *pipeline.Lock, paramFiles map[string]pyfmt.Map) (*state, error) {
	s := &state{stage: st, lock: lock.Stage(st.Name)}
	cur := &pipeline.LockStage{Name: st.Name, Cmd: st.CmdValue()}
	for _, d := range st.Deps {
		info, _, err := hash.Path(ctx, r.Root, rootPath(st, d), r.Ignore)
		if errors.Is(err, os.ErrNotExist) {
			s.missingDeps = append(s.missingDeps, d)
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("stage %s: dependency %s: %w", st.Name, d, err)
		}
		cur.Deps = append(cur.Deps, pipeline.NewEntry(d, info))
	}
	for _, ps := range st.Params {
		file := rootPath(st, ps.File)
		vals, ok := paramFiles[file]
		if !ok {
			data, err := os.ReadFile(r.Abs(file))
			if err != nil {
				return nil, fmt.Errorf("stage %s: params: %w", st.Name, err)
			}
			if vals, err = pipeline.ParseParamsFile(file, data); err != nil {
				return nil, fmt.Errorf("stage %s: params: %w", st.Name, err)
			}
			paramFiles[file] = vals
		}
		sel, err := pipeline.SelectParams(vals, ps.Keys)
		if err != nil {
			return nil, fmt.Errorf("stage %s: %s: %w", st.Name, ps.File, err)
		}
		if cur.Params == nil {
			cur.Params = pyfmt.Map{}
		}
		prev, _ := cur.Params.Get(ps.File)
		merged, _ := prev.(pyfmt.Map)
		for _, kv := range sel {
			merged.Set(kv.Key, kv.Value)
		}
		cur.Params.Set(ps.File, merged)
	}
	for _, o := range st.Outs {
		cur.Outs = append(cur.Outs, pipeline.Entry{Path: o.Path, Hash: hash.Name})
	}
	s.current = cur

	switch {
	case st.AlwaysChanged:
		s.changes = append(s.changes, repo.Change{Section: repo.AlwaysChanged})
	case s.lock == nil:
		s.changes = append(s.changes, repo.Change{Section: repo.NotInLock})
	default:
		s.changes = append(s.changes, compareInputs(s)...)
		inputsChanged := len(s.changes) > 0
		outs, err := compareOutputs(ctx, r, s)
		if err != nil {
			return nil, err
		}
		s.changes = append(s.changes, outs...)
		s.outsOnly = !inputsChanged && len(outs) > 0
	}
	if s.lock == nil || st.AlwaysChanged {
		for _, d := range s.missingDeps {
			s.changes = append(s.changes, depChange(repo.Deleted, d))
		}
	}
	return s, nil
}

func depChange(st repo.State, path string) repo.Change {
	return repo.Change{Section: repo.ChangedDeps, State: st, Path: path}
}

func outChange(st repo.State, path string) repo.Change {
	return repo.Change{Section: repo.ChangedOuts, State: st, Path: path}
}

func paramChange(st repo.State, file, key string) repo.Change {
	return repo.Change{Section: repo.ChangedParams, State: st, File: file, Path: key}
}

func compareInputs(s *state) []repo.Change {
	var reasons []repo.Change
	if !pyfmt.Equal(s.lock.Cmd, s.current.Cmd) {
		reasons = append(reasons, repo.Change{Section: repo.ChangedCmd})
	}
	locked := map[string]pipeline.Entry{}
	for _, e := range s.lock.Deps {
		locked[e.Path] = e
	}
	for _, e := range s.current.Deps {
		old, ok := locked[e.Path]
		switch {
		case !ok:
			reasons = append(reasons, depChange(repo.New, e.Path))
		case old.Hash != hash.Name || old.MD5 != e.MD5:
			reasons = append(reasons, depChange(repo.Modified, e.Path))
		}
		delete(locked, e.Path)
	}
	for _, p := range sortedKeys(locked) {
		if slices.Contains(s.missingDeps, p) {
			reasons = append(reasons, depChange(repo.Deleted, p))
		} else {
			reasons = append(reasons, depChange(repo.Removed, p))
		}
	}
	for _, d := range s.missingDeps {
		if _, ok := locked[d]; !ok && !slices.ContainsFunc(s.lock.Deps, func(e pipeline.Entry) bool { return e.Path == d }) {
			reasons = append(reasons, depChange(repo.Deleted, d))
		}
	}
	for _, f := range s.current.Params {
		oldFile, _ := s.lock.Params.Get(f.Key)
		oldVals, _ := oldFile.(pyfmt.Map)
		for _, kv := range f.Value.(pyfmt.Map) {
			old, ok := oldVals.Get(kv.Key)
			switch {
			case !ok:
				reasons = append(reasons, paramChange(repo.New, f.Key, kv.Key))
			case !pyfmt.Equal(old, kv.Value):
				reasons = append(reasons, paramChange(repo.Modified, f.Key, kv.Key))
			}
		}
		curVals := f.Value.(pyfmt.Map)
		for _, kv := range oldVals {
			if _, ok := curVals.Get(kv.Key); !ok {
				reasons = append(reasons, paramChange(repo.Deleted, f.Key, kv.Key))
			}
		}
	}
	for _, f := range s.lock.Params {
		if _, ok := s.current.Params.Get(f.Key); !ok {
			reasons = append(reasons, paramChange(repo.Removed, "", f.Key))
		}
	}
	return reasons
}

func compareOutputs(ctx context.Context, r *repo.Repo, s *state) ([]repo.Change, error) {
	var reasons []repo.Change
	locked := map[string]pipeline.Entry{}
	for _, e := range s.lock.Outs {
		locked[e.Path] = e
	}
	for _, o := range s.stage.Outs {
		old, ok := locked[o.Path]
		delete(locked, o.Path)
		if !ok {
			reasons = append(reasons, outChange(repo.New, o.Path))
			continue
		}
		if old.Hash != hash.Name {
			reasons = append(reasons, outChange(repo.Legacy, o.Path))
			continue
		}
		info, _, err := hash.Path(ctx, r.Root, rootPath(s.stage, o.Path), r.Ignore)
		switch {
		case errors.Is(err, os.ErrNotExist):
			reasons = append(reasons, outChange(repo.Deleted, o.Path))
		case err != nil:
			return nil, err
		case info.MD5 != old.MD5:
			reasons = append(reasons, outChange(repo.Modified, o.Path))
		case o.Cache:
			ok, err := r.Cache.Complete(old.MD5)
			if err != nil {
				return nil, err
			}
			if !ok {
				reasons = append(reasons, outChange(repo.NotInCache, o.Path))
			}
		}
	}
	for _, p := range sortedKeys(locked) {
		reasons = append(reasons, outChange(repo.Removed, p))
	}
	return reasons, nil
}

func sortedKeys(m map[string]pipeline.Entry) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// order returns the stages in dependency order: a stage comes after every
// stage whose output it depends on (an output path equal to, inside, or
// containing a dependency path), otherwise in dvc.yaml order.
func order(p *pipeline.Project) ([]*pipeline.Stage, error) {
	producers := map[int][]int{}
	for i, st := range p.Stages {
		for _, d := range st.Deps {
			dp := rootPath(st, d)
			for j, up := range p.Stages {
				if i == j {
					continue
				}
				for _, o := range up.Outs {
					op := rootPath(up, o.Path)
					if dp == op || strings.HasPrefix(dp, op+"/") || strings.HasPrefix(op, dp+"/") {
						producers[i] = append(producers[i], j)
					}
				}
			}
		}
	}
	var out []*pipeline.Stage
	done := make([]bool, len(p.Stages))
	visiting := make([]bool, len(p.Stages))
	var visit func(i int) error
	visit = func(i int) error {
		if done[i] {
			return nil
		}
		if visiting[i] {
			return fmt.Errorf("repro: stage %q is part of a dependency cycle", p.Stages[i].Name)
		}
		visiting[i] = true
		for _, j := range producers[i] {
			if err := visit(j); err != nil {
				return err
			}
		}
		visiting[i] = false
		done[i] = true
		out = append(out, p.Stages[i])
		return nil
	}
	for i := range p.Stages {
		if err := visit(i); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// upstream returns the names of targets and every stage they depend on.
func upstream(p *pipeline.Project, targets []string) (map[string]bool, error) {
	want := map[string]bool{}
	var add func(name string) error
	add = func(name string) error {
		if want[name] {
			return nil
		}
		st := p.Stage(name)
		if st == nil {
			return fmt.Errorf("repro: no stage %q in %s", name, pipeline.FileName)
		}
		want[name] = true
		for _, d := range st.Deps {
			dp := rootPath(st, d)
			for _, up := range p.Stages {
				for _, o := range up.Outs {
					op := rootPath(up, o.Path)
					if up.Name != name && (dp == op || strings.HasPrefix(dp, op+"/") || strings.HasPrefix(op, dp+"/")) {
						if err := add(up.Name); err != nil {
							return err
						}
					}
				}
			}
		}
		return nil
	}
	for _, t := range targets {
		if err := add(t); err != nil {
			return nil, err
		}
	}
	return want, nil
}

// load reads dvc.yaml and dvc.lock.
func load(r *repo.Repo) (*pipeline.Project, *pipeline.Lock, error) {
	proj, err := pipeline.Load(r.Abs(pipeline.FileName))
	if err != nil {
		return nil, nil, err
	}
	lock, err := pipeline.LoadLock(r.Abs(pipeline.LockFileName))
	if err != nil {
		return nil, nil, err
	}
	return proj, lock, nil
}

// Status evaluates every stage (or the named ones and their upstream).
// Stages downstream of a changed stage are reported from what is on disk
// now; running the changed stage may or may not change their inputs.
func Status(ctx context.Context, r *repo.Repo, targets []string) ([]StageStatus, error) {
	proj, lock, err := load(r)
	if err != nil {
		return nil, err
	}
	return status(ctx, r, proj, lock, targets)
}

func status(ctx context.Context, r *repo.Repo, proj *pipeline.Project, lock *pipeline.Lock, targets []string) ([]StageStatus, error) {
	stages, err := order(proj)
	if err != nil {
		return nil, err
	}
	want, err := upstream(proj, targets)
	if err != nil {
		return nil, err
	}
	params := map[string]pyfmt.Map{}
	var out []StageStatus
	for _, st := range stages {
		if len(targets) > 0 && !want[st.Name] {
			continue
		}
		s, err := evaluate(ctx, r, st, lock, params)
		if err != nil {
			return nil, err
		}
		out = append(out, StageStatus{Name: st.Name, Changes: s.changes, Frozen: st.Frozen})
	}
	return out, nil
}
