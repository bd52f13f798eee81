package repo

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"

	"github.com/mlopsgo/mlops/training/internal/dvc/dvcfile"
	"github.com/mlopsgo/mlops/training/internal/dvc/hash"
	"github.com/mlopsgo/mlops/training/internal/dvc/pipeline"
)

// Output is one output the repository tracks, from a .dvc file or from
// dvc.lock.
type Output struct {
	// Source is the root-relative file recording it ("data.dvc",
	// "dvc.lock").
	Source string
	// Stage is the dvc.lock stage that produces it; empty for .dvc files.
	Stage string
	// Path is the output's root-relative, slash-separated path.
	Path string
	// Info is the recorded hash and meta.
	Info hash.Info
	// Legacy marks a DVC 2.x hash (md5-dos2unix), which mlops cannot
	// compare or fetch.
	Legacy bool
	// Cache is false for outputs kept in git (cache: false).
	Cache bool
	// Push is false for outputs kept off remotes (push: false).
	Push bool
	// Remote names the remote this output goes to; empty for the default.
	Remote string
}

// DvcFiles returns the root-relative paths of every .dvc file in the work
// tree, skipping .git, .dvc and ignored directories.
func (r *Repo) DvcFiles() ([]string, error) {
	var out []string
	err := filepath.WalkDir(r.Root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if p == r.Root {
			return nil
		}
		rel, _ := filepath.Rel(r.Root, p)
		rel = filepath.ToSlash(rel)
		if ign, err := r.Ignore.Ignored(rel, d.IsDir()); err != nil {
			return err
		} else if ign {
			if d.IsDir() {
				return filepath.SkipDir
			}
			return nil
		}
		if !d.IsDir() && strings.HasSuffix(rel, dvcfile.Suffix) && d.Type().IsRegular() {
			out = append(out, rel)
		}
		return nil
	})
	slices.Sort(out)
	return out, err
}

// Outputs returns every tracked output: those of .dvc files, then those
// dvc.lock records.
func (r *Repo) Outputs() ([]Output, error) {
	files, err := r.DvcFiles()
	if err != nil {
		return nil, err
	}
	var outs []Output
	for _, f := range files {
		df, err := dvcfile.Load(r.Abs(f))
		if err != nil {
			return nil, err
		}
		dir := path.Dir(f)
		for _, o := range df.Outs {
			outs = append(outs, Output{
				Source: f, Path: path.Clean(path.Join(dir, o.Path)), Info: o.Info(), Legacy: o.Legacy(),
				Cache: o.UseCache(), Push: o.Push == nil || *o.Push, Remote: o.Remote,
			})
		}
	}
	lockOuts, err := r.LockOutputs()
	if err != nil {
		return nil, err
	}
	return append(outs, lockOuts...), nil
}

// LockOutputs returns the outputs dvc.lock records, with the cache and
// push flags dvc.yaml declares for them.
func (r *Repo) LockOutputs() ([]Output, error) {
	lock, err := pipeline.LoadLock(r.Abs(pipeline.LockFileName))
	if err != nil {
		return nil, err
	}
	if len(lock.Stages) == 0 {
		return nil, nil
	}
	proj, err := pipeline.Load(r.Abs(pipeline.FileName))
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		return nil, err
	}
	var outs []Output
	for _, ls := range lock.Stages {
		var st *pipeline.Stage
		if proj != nil {
			st = proj.Stage(ls.Name)
		}
		wdir := "."
		if st != nil && st.Wdir != "" {
			wdir = st.Wdir
		}
		for _, e := range ls.Outs {
			o := Output{
				Source: pipeline.LockFileName, Stage: ls.Name, Path: path.Clean(path.Join(wdir, e.Path)),
				Info: e.Info(), Legacy: e.Hash == "", Cache: true, Push: true,
			}
			if st != nil {
				for _, so := range st.Outs {
					if so.Path == e.Path {
						o.Cache, o.Push, o.Remote = so.Cache, so.Push, so.Remote
					}
				}
			}
			outs = append(outs, o)
		}
	}
	return outs, nil
}

// Select keeps the outputs targets name: a .dvc file, dvc.lock or a
// stage name ("dvc.lock:train" or "train"), or an output's path. No
// targets selects everything. A target that matches nothing is an error.
func (r *Repo) Select(outs []Output, targets []string) ([]Output, error) {
	if len(targets) == 0 {
		return outs, nil
	}
	var sel []Output
	for _, t := range targets {
		rel := ""
		if t != "" {
			if rr, err := r.Rel(t); err == nil {
				rel = rr
			}
		}
		stage := strings.TrimPrefix(t, pipeline.LockFileName+":")
		n := 0
		for _, o := range outs {
			if o.Source == rel || o.Path == rel || (o.Stage != "" && o.Stage == stage) || (rel != "" && strings.HasPrefix(rel, o.Path+"/")) {
				if !slices.ContainsFunc(sel, func(s Output) bool { return s.Source == o.Source && s.Path == o.Path }) {
					sel = append(sel, o)
				}
				n++
			}
		}
		if n == 0 {
			return nil, fmt.Errorf("repo: %q is not a .dvc file, a stage or a tracked output", t)
		}
	}
	return sel, nil
}
