package repro

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"

	"github.com/mlopsgo/mlops/training/internal/dvc/hash"
	"github.com/mlopsgo/mlops/training/internal/dvc/pipeline"
	"github.com/mlopsgo/mlops/training/internal/dvc/pyfmt"
	"github.com/mlopsgo/mlops/training/internal/dvc/repo"
	"github.com/mlopsgo/mlops/training/internal/dvc/runcache"
)

// Options configures Run. The zero value runs every stage that changed.
type Options struct {
	// Targets are stage names; they and their upstream stages run.
	// Optional. Default: every stage.
	Targets []string
	// Force runs the selected stages even if nothing changed, without
	// the run cache.
	Force bool
	// Dry reports what would run without running or writing anything.
	Dry bool
	// NoRunCache never restores outputs from the run cache.
	NoRunCache bool
	// Shell runs each command as Shell -c CMD. Optional. Default: /bin/sh
	// (dvc uses $SHELL; the caller may pass it).
	Shell string
	// Env is the commands' environment. Optional. Default: the process's.
	Env []string
	// Stdout and Stderr receive the commands' output. Optional. Default:
	// discarded.
	Stdout, Stderr io.Writer
}

// Outcome is what happened to one stage.
type Outcome string

// Stage outcomes.
const (
	Skipped  Outcome = "skipped"  // up to date
	Frozen   Outcome = "frozen"   // frozen: never run
	Restored Outcome = "restored" // outputs checked out from the cache
	Ran      Outcome = "ran"      // command ran
	WouldRun Outcome = "would run"
)

// StageResult is one stage's outcome.
type StageResult struct {
	Name    string
	Outcome Outcome
	// Changes are why the stage ran or would run (see StageStatus).
	Changes []repo.Change
}

// Reasons returns the changes one per line (see repo.Change.String).
func (s StageResult) Reasons() []string { return reasons(s.Changes) }

// Run reproduces the pipeline. It stops at the first failing stage and
// returns its error; stages before it keep their new dvc.lock records.
func Run(ctx context.Context, r *repo.Repo, opts Options) ([]StageResult, error) {
	if opts.Shell == "" {
		opts.Shell = "/bin/sh"
	}
	if opts.Stdout == nil {
		opts.Stdout = io.Discard
	}
	if opts.Stderr == nil {
		opts.Stderr = io.Discard
	}
	proj, lock, err := load(r)
	if err != nil {
		return nil, err
	}
	stages, err := order(proj)
	if err != nil {
		return nil, err
	}
	want, err := upstream(proj, opts.Targets)
	if err != nil {
		return nil, err
	}
	rc := runcache.New(r.Cache.Dir)
	var results []StageResult
	for _, st := range stages {
		if len(opts.Targets) > 0 && !want[st.Name] {
			continue
		}
		if err := ctx.Err(); err != nil {
			return results, err
		}
		// Params are read again for each stage: an earlier stage may
		// have rewritten a params file.
		s, err := evaluate(ctx, r, st, lock, map[string]pyfmt.Map{})
		if err != nil {
			return results, err
		}
		res := StageResult{Name: st.Name, Changes: s.changes}
		switch {
		case st.Frozen:
			res.Outcome = Frozen
			r.Logger.Info("stage is frozen, skipping", "stage", st.Name)
		case len(s.changes) == 0 && !opts.Force:
			res.Outcome = Skipped
			r.Logger.Info("stage didn't change, skipping", "stage", st.Name)
		case opts.Dry:
			// A missing dependency may be an upstream output that a real
			// run would create first.
			res.Outcome = WouldRun
		case len(s.missingDeps) > 0:
			return append(results, res), fmt.Errorf("repro: stage %s: missing dependencies %v", st.Name, s.missingDeps)
		default:
			out, err := reproduce(ctx, r, rc, lock, s, opts)
			if err != nil {
				return append(results, res), fmt.Errorf("repro: stage %s: %w", st.Name, err)
			}
			res.Outcome = out
		}
		results = append(results, res)
	}
	return results, nil
}

// reproduce brings one changed stage up to date: from the cache when an
// earlier run matches, else by running its command.
func reproduce(ctx context.Context, r *repo.Repo, rc *runcache.Cache, lock *pipeline.Lock, s *state, opts Options) (Outcome, error) {
	st := s.stage
	bk, err := backup(r, st)
	if err != nil {
		return "", err
	}
	if !opts.Force && !opts.NoRunCache && !st.AlwaysChanged {
		var candidates []*pipeline.LockStage
		if s.outsOnly {
			candidates = append(candidates, s.lock)
		}
		if hashable(st) {
			found, err := rc.Lookup(s.current)
			if err != nil {
				r.Logger.Warn("run cache unreadable", "err", err)
			}
			candidates = append(candidates, found...)
		}
		for _, c := range candidates {
			if restoreOutputs(ctx, r, st, c) {
				r.Logger.Info("stage is cached, checking out outputs instead of running", "stage", st.Name)
				if err := commit(ctx, r, rc, lock, st, c.Deps, c.Params); err != nil {
					bk.rollback()
					return "", err
				}
				bk.discard()
				return Restored, nil
			}
		}
	}
	r.Logger.Info("running stage", "stage", st.Name)
	bk.clear() // a failed restore may have left part of an output
	if err := runCommands(ctx, r, st, opts); err != nil {
		bk.rollback()
		return "", err
	}
	// Dependencies are hashed again after the run, as dvc does.
	after, err := evaluate(ctx, r, st, lock, map[string]pyfmt.Map{})
	if err == nil && len(after.missingDeps) > 0 {
		err = fmt.Errorf("dependencies %v disappeared during the run", after.missingDeps)
	}
	if err == nil {
		err = commit(ctx, r, rc, lock, st, after.current.Deps, after.current.Params)
	}
	if err != nil {
		bk.rollback()
		return "", err
	}
	bk.discard()
	return Ran, nil
}

// hashable says whether dvc would use the run cache for the stage.
func hashable(st *pipeline.Stage) bool {
	if len(st.Deps) == 0 || len(st.Outs) == 0 || st.AlwaysChanged {
		return false
	}
	for _, o := range st.Outs {
		if o.Persist {
			return false
		}
	}
	return true
}

// restoreOutputs checks out every output of record c from the cache; it
// reports false, having changed nothing it could not put back, when an
// object is missing or corrupt.
func restoreOutputs(ctx context.Context, r *repo.Repo, st *pipeline.Stage, c *pipeline.LockStage) bool {
	if len(c.Outs) != len(st.Outs) {
		return false
	}
	for _, e := range c.Outs {
		ok, err := r.Cache.Complete(e.MD5)
		if err != nil || !ok || e.Hash != hash.Name {
			return false
		}
	}
	for _, e := range c.Outs {
		abs := r.Abs(rootPath(st, e.Path))
		var err error
		if hash.IsDirOid(e.MD5) {
			var tree hash.Tree
			if tree, err = r.Cache.ReadTree(e.MD5); err == nil {
				err = r.Cache.CheckoutDir(ctx, tree, abs, nil)
			}
		} else {
			if st, serr := os.Lstat(abs); serr == nil && st.IsDir() {
				os.RemoveAll(abs)
			}
			err = r.Cache.CheckoutFile(e.MD5, abs, e.IsExec)
		}
		if err != nil {
			r.Logger.Warn("restore from cache failed", "path", e.Path, "err", err)
			return false
		}
	}
	return true
}

func runCommands(ctx context.Context, r *repo.Repo, st *pipeline.Stage, opts Options) error {
	dir := r.Abs(st.Wdir)
	for _, c := range st.Cmd {
		fmt.Fprintf(opts.Stderr, "> %s\n", c)
		cmd := exec.CommandContext(ctx, opts.Shell, "-c", c)
		cmd.Dir = dir
		cmd.Env = opts.Env
		cmd.Stdout, cmd.Stderr = opts.Stdout, opts.Stderr
		if err := cmd.Run(); err != nil {
			var exit *exec.ExitError
			if errors.As(err, &exit) {
				return fmt.Errorf("command %q failed with exit code %d", c, exit.ExitCode())
			}
			return fmt.Errorf("command %q: %w", c, err)
		}
	}
	for _, o := range st.Outs {
		if _, err := os.Stat(r.Abs(rootPath(st, o.Path))); err != nil {
			return fmt.Errorf("output %s was not created by the command", o.Path)
		}
	}
	return nil
}

// commit hashes the outputs, stores them in the cache (cache: false ones
// too, for the run cache), records the stage in dvc.lock and the run
// cache, and adds cached outputs to .gitignore.
func commit(ctx context.Context, r *repo.Repo, rc *runcache.Cache, lock *pipeline.Lock, st *pipeline.Stage, deps []pipeline.Entry, params pyfmt.Map) error {
	rec := &pipeline.LockStage{Name: st.Name, Cmd: st.CmdValue(), Deps: deps, Params: params}
	for _, o := range st.Outs {
		rel := rootPath(st, o.Path)
		info, tree, err := hash.Path(ctx, r.Root, rel, r.Ignore)
		if err != nil {
			return fmt.Errorf("output %s: %w", o.Path, err)
		}
		if info.IsDir {
			_, err = r.Cache.AddTree(r.Abs(rel), tree)
		} else {
			err = r.Cache.AddFile(r.Abs(rel), info.MD5)
		}
		if err != nil {
			return fmt.Errorf("output %s: %w", o.Path, err)
		}
		rec.Outs = append(rec.Outs, pipeline.NewEntry(o.Path, info))
	}
	lock.Set(rec)
	if err := lock.Save(r.Abs(pipeline.LockFileName)); err != nil {
		return err
	}
	if hashable(st) {
		if _, err := rc.Save(rec); err != nil {
			r.Logger.Warn("could not save the run cache", "stage", st.Name, "err", err)
		}
	}
	if g, err := r.Git(ctx); err == nil {
		for _, o := range st.Outs {
			if !o.Cache {
				continue
			}
			abs := r.Abs(rootPath(st, o.Path))
			if tracked, err := g.IsTracked(ctx, abs); err == nil && !tracked {
				if _, err := g.Ignore(ctx, abs); err != nil {
					r.Logger.Warn("could not add output to .gitignore", "path", o.Path, "err", err)
				}
			}
		}
	}
	return nil
}

// backupSet holds a stage's previous outputs while it runs.
type backupSet struct {
	dir   string
	moved map[string]string // output path -> backup path
	all   []string          // non-persistent outputs, cleared on rollback
}

// backup moves the stage's existing non-persistent outputs aside (into
// .dvc/tmp), so the command starts without them, as dvc removes outputs
// before a run, yet they can be put back if the stage fails.
func backup(r *repo.Repo, st *pipeline.Stage) (*backupSet, error) {
	tmp := filepath.Join(r.Root, repo.DvcDir, "tmp")
	if err := os.MkdirAll(tmp, 0o755); err != nil {
		return nil, err
	}
	dir, err := os.MkdirTemp(tmp, "repro-"+st.Name+"-")
	if err != nil {
		return nil, err
	}
	b := &backupSet{dir: dir, moved: map[string]string{}}
	for i, o := range st.Outs {
		if o.Persist {
			continue
		}
		abs := r.Abs(rootPath(st, o.Path))
		b.all = append(b.all, abs)
		if _, err := os.Lstat(abs); err != nil {
			continue
		}
		dst := filepath.Join(dir, strconv.Itoa(i))
		if err := os.Rename(abs, dst); err != nil {
			b.rollback()
			return nil, fmt.Errorf("move %s aside: %w", o.Path, err)
		}
		b.moved[abs] = dst
	}
	return b, nil
}

// rollback removes whatever the failed run left and puts the previous
// outputs back.
func (b *backupSet) rollback() {
	b.clear()
	for abs, bk := range b.moved {
		// Best effort: the backup stays in .dvc/tmp if this fails.
		_ = os.Rename(bk, abs)
	}
	os.RemoveAll(b.dir)
}

// clear removes the stage's non-persistent outputs from the workspace.
func (b *backupSet) clear() {
	for _, abs := range b.all {
		os.RemoveAll(abs)
	}
}

func (b *backupSet) discard() {
	os.RemoveAll(b.dir)
}
