package repo

import (
	"context"
	"errors"
	"fmt"
	"os"

	"github.com/mlopsgo/mlops/training/internal/dvc/cache"
)

// CheckoutResult lists what Checkout did, by root-relative path.
type CheckoutResult struct {
	Added, Modified, Unchanged []string
	// Failed holds one error per output that could not be restored.
	Failed []error
}

// Err joins the failures, or is nil.
func (c *CheckoutResult) Err() error {
	if len(c.Failed) == 0 {
		return nil
	}
	return errors.Join(c.Failed...)
}

// Checkout restores the selected cached outputs from the cache, with
// DVC 3's rules (dvc/repo/checkout.py): missing files and directories are
// restored without asking, and so is a workspace file whose content is in
// the cache (an older version), since overwriting it loses nothing. Only
// an output whose checkout would overwrite or remove files the cache does
// not hold fails, with an *UnsavedError naming them, unless force is set.
// Every object is verified while it is copied, and a directory is changed
// only after all its objects were copied and verified; a corrupt object is
// removed from the cache (so the next pull fetches it again) and reported
// with its path. One output's failure does not stop the others.
func (r *Repo) Checkout(ctx context.Context, targets []string, force bool) (CheckoutResult, error) {
	outs, err := r.Outputs()
	if err != nil {
		return CheckoutResult{}, err
	}
	if outs, err = r.Select(outs, targets); err != nil {
		return CheckoutResult{}, err
	}
	return r.checkoutOutputs(ctx, outs, force)
}

func (r *Repo) checkoutOutputs(ctx context.Context, outs []Output, force bool) (CheckoutResult, error) {
	var res CheckoutResult
	for _, o := range outs {
		if !o.Cache {
			continue
		}
		if err := ctx.Err(); err != nil {
			return res, err
		}
		s, err := r.outputStatus(ctx, o)
		if err != nil {
			return res, err
		}
		switch s.Workspace {
		case Legacy:
			r.Logger.Warn("skipping output with a DVC 2.x hash; check it out with dvc", "path", o.Path)
			continue
		case Unchanged:
			res.Unchanged = append(res.Unchanged, o.Path)
			continue
		case Modified:
			if !force {
				if err := r.checkUnsaved(s); err != nil {
					res.Failed = append(res.Failed, err)
					continue
				}
			}
		}
		if err := r.restore(ctx, o); err != nil {
			res.Failed = append(res.Failed, fmt.Errorf("check out %s: %w", o.Path, err))
			continue
		}
		if s.Workspace == Deleted {
			res.Added = append(res.Added, o.Path)
		} else {
			res.Modified = append(res.Modified, o.Path)
		}
	}
	return res, res.Err()
}

// ErrNotCached is returned for an output whose objects are not all in the
// cache.
var ErrNotCached = errors.New("repo: not in the cache (run `mlops data pull`)")

// restore writes an output's recorded version from the cache.
func (r *Repo) restore(ctx context.Context, o Output) error {
	ok, err := r.Cache.Complete(o.Info.MD5)
	if err != nil {
		return r.dropCorrupt(err)
	}
	if !ok {
		return ErrNotCached
	}
	abs := r.Abs(o.Path)
	if !o.Info.IsDir {
		if st, err := os.Lstat(abs); err == nil && st.IsDir() {
			if err := os.RemoveAll(abs); err != nil {
				return err
			}
		}
		return r.dropCorrupt(r.Cache.CheckoutFile(o.Info.MD5, abs, o.Info.IsExec))
	}
	tree, err := r.Cache.ReadTree(o.Info.MD5)
	if err != nil {
		return r.dropCorrupt(err)
	}
	skip := func(rel string, isDir bool) (bool, error) {
		return r.Ignore.Ignored(o.Path+"/"+rel, isDir)
	}
	return r.dropCorrupt(r.Cache.CheckoutDir(ctx, tree, abs, skip))
}

// dropCorrupt removes a corrupt object named by err from the cache.
func (r *Repo) dropCorrupt(err error) error {
	var ce *cache.CorruptError
	if errors.As(err, &ce) {
		if rmErr := r.Cache.Remove(ce.Oid); rmErr == nil {
			r.Logger.Warn("removed corrupt object from the cache", "object", ce.Path)
		}
	}
	return err
}
