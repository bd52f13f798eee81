package repo

import (
	"context"
	"errors"
	"fmt"
	"os"

	"github.com/mlopsgo/mlops/training/internal/dvc/hash"
)

// State is how a workspace path compares with what is recorded.
type State string

// Workspace states, worded as `dvc status` words them.
const (
	Unchanged State = "unchanged"
	Modified  State = "modified"
	Deleted   State = "deleted"
	// New: a dependency, output or parameter dvc.lock does not record.
	New State = "new"
	// Removed: dvc.lock records a dependency, output or params file the
	// stage no longer declares.
	Removed State = "removed"
	// NotInCache: the workspace matches, but the cache lacks objects, so
	// the data could not be restored or pushed.
	NotInCache State = "not in cache"
	// Legacy: a DVC 2.x hash mlops cannot compare.
	Legacy State = "legacy hash"
)

// OutputStatus is one output's state.
type OutputStatus struct {
	Output
	Workspace State
	// Current is the workspace's hash when it exists.
	Current hash.Info
	// Cached says every object the recorded hash needs is in the cache.
	Cached bool

	// tree lists the workspace directory's files when it is one.
	tree hash.Tree
}

// Changed reports whether the output needs attention.
func (s OutputStatus) Changed() bool {
	return s.Workspace != Unchanged || (s.Cache && !s.Cached)
}

// Status compares each selected output with the workspace and the cache.
func (r *Repo) Status(ctx context.Context, targets []string) ([]OutputStatus, error) {
	outs, err := r.Outputs()
	if err != nil {
		return nil, err
	}
	if outs, err = r.Select(outs, targets); err != nil {
		return nil, err
	}
	var res []OutputStatus
	for _, o := range outs {
		s, err := r.outputStatus(ctx, o)
		if err != nil {
			return nil, err
		}
		res = append(res, s)
	}
	return res, nil
}

func (r *Repo) outputStatus(ctx context.Context, o Output) (OutputStatus, error) {
	s := OutputStatus{Output: o}
	if o.Legacy {
		s.Workspace = Legacy
		return s, nil
	}
	cur, tree, err := hash.Path(ctx, r.Root, o.Path, r.Ignore)
	switch {
	case errors.Is(err, os.ErrNotExist):
		s.Workspace = Deleted
	case err != nil:
		return s, err
	case cur.MD5 == o.Info.MD5:
		s.Workspace = Unchanged
		s.Current = cur
	default:
		s.Workspace = Modified
		s.Current = cur
		s.tree = tree
	}
	if o.Cache && o.Info.MD5 != "" {
		if s.Cached, err = r.Cache.Complete(o.Info.MD5); err != nil {
			return s, err
		}
	}
	return s, nil
}

// CloudStatus is an output's state against a remote.
type CloudStatus struct {
	Output
	// Missing counts objects neither the cache nor the remote has.
	Missing int
	// NotPushed counts objects the cache has and the remote lacks.
	NotPushed int
	// NotFetched counts objects the remote has and the cache lacks.
	NotFetched int
}

// CloudStatus compares the cached outputs' objects with a remote.
func (r *Repo) CloudStatus(ctx context.Context, remoteName string, targets []string) ([]CloudStatus, string, error) {
	outs, err := r.transferOutputs(targets)
	if err != nil {
		return nil, "", err
	}
	name, err := r.RemoteName(remoteName)
	if err != nil {
		return nil, "", err
	}
	rem, err := r.Remote(ctx, name)
	if err != nil {
		return nil, "", err
	}
	var res []CloudStatus
	for _, o := range outs {
		cs := CloudStatus{Output: o}
		objs, full, err := r.Cache.Objects(o.Info.MD5)
		if err != nil {
			return nil, "", err
		}
		if !full {
			// Read the manifest from the remote to know the files.
			if rc, err := rem.Get(ctx, keyOf(o.Info.MD5)); err == nil {
				tree, terr := readTree(rc)
				rc.Close()
				if terr == nil {
					for _, e := range tree {
						objs = append(objs, e.MD5)
					}
				}
			}
		}
		for _, obj := range objs {
			local := r.Cache.Has(obj)
			onRemote, err := rem.Exists(ctx, keyOf(obj))
			if err != nil {
				return nil, "", fmt.Errorf("remote %q (%s): %w", name, rem, err)
			}
			switch {
			case local && !onRemote:
				cs.NotPushed++
			case !local && onRemote:
				cs.NotFetched++
			case !local && !onRemote:
				cs.Missing++
			}
		}
		res = append(res, cs)
	}
	return res, rem.String(), nil
}
