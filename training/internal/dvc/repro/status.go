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

// StageStatus says whether a stage is up to date and why not.
type StageStatus struct {
	Name string
	// Reasons are empty for an up-to-date stage, else lines such as
	// "changed deps: modified: data" or "changed outs: deleted: models".
	Reasons []string
	// Frozen stages are never run.
	Frozen bool
}

// Changed reports whether the stage would run.
func (s StageStatus) Changed() bool { return len(s.Reasons) > 0 }

// state is a stage evaluated against the workspace and dvc.lock.
type state struct {
	stage *pipeline.Stage
	lock  *pipeline.LockStage
	// current is the record the stage would get now: cmd, deps and params
	// as they are, outs with paths only (hashes filled after a run).
	current *pipeline.LockStage
	// missingDeps lists dependencies that do not exist.
	missingDeps []string
	reasons     []string
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
		s.reasons = append(s.reasons, "always changed")
	case s.lock == nil:
		s.reasons = append(s.reasons, "not in dvc.lock")
	default:
		s.reasons = append(s.reasons, compareInputs(s)...)
		inputsChanged := len(s.reasons) > 0
		outs, err := compareOutputs(ctx, r, s)
		if err != nil {
			return nil, err
		}
		s.reasons = append(s.reasons, outs...)
		s.outsOnly = !inputsChanged && len(outs) > 0
	}
	if s.lock == nil || st.AlwaysChanged {
		for _, d := range s.missingDeps {
			s.reasons = append(s.reasons, "changed deps: deleted: "+d)
		}
	}
	return s, nil
}

func compareInputs(s *state) []string {
	var reasons []string
	if !pyfmt.Equal(s.lock.Cmd, s.current.Cmd) {
		reasons = append(reasons, "changed cmd")
	}
	locked := map[string]pipeline.Entry{}
	for _, e := range s.lock.Deps {
		locked[e.Path] = e
	}
	for _, e := range s.current.Deps {
		old, ok := locked[e.Path]
		switch {
		case !ok:
			reasons = append(reasons, "changed deps: new: "+e.Path)
		case old.Hash != hash.Name || old.MD5 != e.MD5:
			reasons = append(reasons, "changed deps: modified: "+e.Path)
		}
		delete(locked, e.Path)
	}
	for _, p := range sortedKeys(locked) {
		if slices.Contains(s.missingDeps, p) {
			reasons = append(reasons, "changed deps: deleted: "+p)
		} else {
			reasons = append(reasons, "changed deps: removed: "+p)
		}
	}
	for _, d := range s.missingDeps {
		if _, ok := locked[d]; !ok && !slices.ContainsFunc(s.lock.Deps, func(e pipeline.Entry) bool { return e.Path == d }) {
			reasons = append(reasons, "changed deps: deleted: "+d)
		}
	}
	for _, f := range s.current.Params {
		oldFile, _ := s.lock.Params.Get(f.Key)
		oldVals, _ := oldFile.(pyfmt.Map)
		for _, kv := range f.Value.(pyfmt.Map) {
			old, ok := oldVals.Get(kv.Key)
			switch {
			case !ok:
				reasons = append(reasons, fmt.Sprintf("changed params: %s: new: %s", f.Key, kv.Key))
			case !pyfmt.Equal(old, kv.Value):
				reasons = append(reasons, fmt.Sprintf("changed params: %s: modified: %s", f.Key, kv.Key))
			}
		}
		curVals := f.Value.(pyfmt.Map)
		for _, kv := range oldVals {
			if _, ok := curVals.Get(kv.Key); !ok {
				reasons = append(reasons, fmt.Sprintf("changed params: %s: deleted: %s", f.Key, kv.Key))
			}
		}
	}
	for _, f := range s.lock.Params {
		if _, ok := s.current.Params.Get(f.Key); !ok {
			reasons = append(reasons, "changed params: removed: "+f.Key)
		}
	}
	return reasons
}

func compareOutputs(ctx context.Context, r *repo.Repo, s *state) ([]string, error) {
	var reasons []string
	locked := map[string]pipeline.Entry{}
	for _, e := range s.lock.Outs {
		locked[e.Path] = e
	}
	for _, o := range s.stage.Outs {
		old, ok := locked[o.Path]
		delete(locked, o.Path)
		if !ok {
			reasons = append(reasons, "changed outs: new: "+o.Path)
			continue
		}
		if old.Hash != hash.Name {
			reasons = append(reasons, "changed outs: legacy hash: "+o.Path)
			continue
		}
		info, _, err := hash.Path(ctx, r.Root, rootPath(s.stage, o.Path), r.Ignore)
		switch {
		case errors.Is(err, os.ErrNotExist):
			reasons = append(reasons, "changed outs: deleted: "+o.Path)
		case err != nil:
			return nil, err
		case info.MD5 != old.MD5:
			reasons = append(reasons, "changed outs: modified: "+o.Path)
		case o.Cache:
			ok, err := r.Cache.Complete(old.MD5)
			if err != nil {
				return nil, err
			}
			if !ok {
				reasons = append(reasons, "changed outs: not in cache: "+o.Path)
			}
		}
	}
	for _, p := range sortedKeys(locked) {
		reasons = append(reasons, "changed outs: removed: "+p)
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
		out = append(out, StageStatus{Name: st.Name, Reasons: s.reasons, Frozen: st.Frozen})
	}
	return out, nil
}
