package repo

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path"
	"path/filepath"
	"strings"

	"github.com/mlopsgo/mlops/training/internal/dvc/dvcfile"
	"github.com/mlopsgo/mlops/training/internal/dvc/hash"
)

// AddResult says what Add did for one target.
type AddResult struct {
	// Path is the tracked path, DvcFile its .dvc file (root-relative).
	Path, DvcFile string
	Info          hash.Info
	// Changed is false when the .dvc file already recorded this content.
	Changed bool
	// GitIgnore is the .gitignore that got a new entry, if any.
	GitIgnore string
	// InGit says git tracks the path too, so no ignore entry was added.
	InGit bool
}

// Add tracks each target (a file or directory) the way `dvc add` does:
// its content goes into the cache (for a directory, every file plus the
// .dir manifest), TARGET.dvc beside it records the hash, and the .gitignore
// beside it gets "/TARGET". Adding unchanged content rewrites nothing.
//
// Unlike dvc add, a path git already tracks is accepted: mlops keeps it in
// git as well (so a clone without a remote still has the data) and writes
// no ignore entry; dvc add would refuse such a path.
func (r *Repo) Add(ctx context.Context, targets []string) ([]AddResult, error) {
	var results []AddResult
	for _, t := range targets {
		res, err := r.add(ctx, t)
		if err != nil {
			return results, err
		}
		results = append(results, res)
	}
	return results, nil
}

func (r *Repo) add(ctx context.Context, target string) (AddResult, error) {
	rel, err := r.Rel(strings.TrimRight(target, "/"))
	if err != nil {
		return AddResult{}, err
	}
	if rel == "." || rel == DvcDir || strings.HasPrefix(rel, DvcDir+"/") || strings.HasSuffix(rel, dvcfile.Suffix) {
		return AddResult{}, fmt.Errorf("repo: cannot track %s", target)
	}
	lockOuts, err := r.LockOutputs()
	if err != nil {
		return AddResult{}, err
	}
	for _, o := range lockOuts {
		if o.Path == rel || strings.HasPrefix(rel, o.Path+"/") || strings.HasPrefix(o.Path, rel+"/") {
			return AddResult{}, fmt.Errorf("repo: %s overlaps output %s of stage %q in dvc.lock", rel, o.Path, o.Stage)
		}
	}
	abs := r.Abs(rel)
	if _, err := os.Stat(abs); err != nil {
		return AddResult{}, fmt.Errorf("repo: add %s: %w", target, err)
	}
	info, tree, err := hash.Path(ctx, r.Root, rel, r.Ignore)
	if err != nil {
		return AddResult{}, fmt.Errorf("repo: hash %s: %w", rel, err)
	}
	if info.IsDir {
		if _, err := r.Cache.AddTree(abs, tree); err != nil {
			return AddResult{}, err
		}
	} else if err := r.Cache.AddFile(abs, info.MD5); err != nil {
		return AddResult{}, err
	}
	dvcRel := rel + dvcfile.Suffix
	res := AddResult{Path: rel, DvcFile: dvcRel, Info: info}
	df, err := dvcfile.Load(r.Abs(dvcRel))
	switch {
	case errors.Is(err, os.ErrNotExist):
		df = &dvcfile.File{}
	case err != nil:
		return res, err
	}
	base := path.Base(rel)
	idx := -1
	for i, o := range df.Outs {
		if path.Clean(o.Path) == base {
			idx = i
		}
	}
	if idx < 0 {
		df.Outs = append(df.Outs, dvcfile.Out{Path: base})
		idx = len(df.Outs) - 1
	}
	old := df.Outs[idx]
	if old.Hash != hash.Name || old.MD5 != info.MD5 || old.Info().Size != info.Size ||
		old.Info().NFiles != info.NFiles || old.IsExec != (info.IsExec && !info.IsDir) {
		df.Outs[idx].SetInfo(info)
		if err := df.Save(r.Abs(dvcRel)); err != nil {
			return res, err
		}
		res.Changed = true
	}
	if err := r.ignoreInGit(ctx, &res, abs); err != nil {
		return res, err
	}
	return res, nil
}

func (r *Repo) ignoreInGit(ctx context.Context, res *AddResult, abs string) error {
	g, err := r.Git(ctx)
	if err != nil {
		r.Logger.Debug("no git work tree; .gitignore left alone", "err", err)
		return nil
	}
	tracked, err := g.IsTracked(ctx, abs)
	if err != nil {
		return err
	}
	if tracked {
		res.InGit = true
		return nil
	}
	file, err := g.Ignore(ctx, abs)
	if err != nil {
		return err
	}
	if file != "" {
		res.GitIgnore, _ = filepath.Rel(r.Root, file)
		res.GitIgnore = filepath.ToSlash(res.GitIgnore)
	}
	return nil
}
