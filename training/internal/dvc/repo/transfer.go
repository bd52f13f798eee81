package repo

import (
	"context"
	"errors"
	"fmt"
	"slices"

	"github.com/mlopsgo/mlops/training/internal/dvc/remote"
)

// transferOutputs selects the cached, pushable outputs with DVC 3.x hashes.
func (r *Repo) transferOutputs(targets []string) ([]Output, error) {
	outs, err := r.Outputs()
	if err != nil {
		return nil, err
	}
	if outs, err = r.Select(outs, targets); err != nil {
		return nil, err
	}
	var sel []Output
	for _, o := range outs {
		switch {
		case !o.Cache || !o.Push || o.Info.MD5 == "":
		case o.Legacy:
			r.Logger.Warn("skipping output with a DVC 2.x hash; transfer it with dvc", "path", o.Path)
		default:
			sel = append(sel, o)
		}
	}
	return sel, nil
}

// byRemote groups outputs' oids by the name of the remote they go to:
// named when given, else each output's own remote or the default one.
func (r *Repo) byRemote(outs []Output, named string) (map[string][]string, error) {
	groups := map[string][]string{}
	for _, o := range outs {
		name, err := r.outputRemote(o, named)
		if err != nil {
			return nil, err
		}
		if !slices.Contains(groups[name], o.Info.MD5) {
			groups[name] = append(groups[name], o.Info.MD5)
		}
	}
	return groups, nil
}

// outputRemote names the remote o is transferred with.
func (r *Repo) outputRemote(o Output, named string) (string, error) {
	if named == "" {
		named = o.Remote
	}
	return r.RemoteName(named)
}

// Push uploads the selected outputs' objects the remote lacks. Outputs
// whose objects are not in the cache are skipped with a warning, as dvc
// push does.
func (r *Repo) Push(ctx context.Context, remoteName string, targets []string, opts remote.Options) (remote.Result, error) {
	outs, err := r.transferOutputs(targets)
	if err != nil {
		return remote.Result{}, err
	}
	groups, err := r.byRemote(outs, remoteName)
	if err != nil {
		return remote.Result{}, err
	}
	var total remote.Result
	for name, oids := range groups {
		rem, err := r.Remote(ctx, name)
		if err != nil {
			return total, err
		}
		var ready []string
		for _, oid := range oids {
			ok, err := r.Cache.Complete(oid)
			if err != nil {
				return total, err
			}
			if !ok {
				r.Logger.Warn("not in the cache; skipped", "object", oid)
				continue
			}
			ready = append(ready, oid)
		}
		res, err := remote.Push(ctx, r.Cache, rem, ready, opts)
		total = add(total, res)
		if err != nil {
			return total, fmt.Errorf("push to remote %q (%s): %w", name, rem, err)
		}
	}
	return total, nil
}

// Fetch downloads the selected outputs' objects the cache lacks. It
// returns the oids now complete in the cache. Objects that failed are in
// the result's Failed list (as *remote.ObjectError) and make the error
// non-nil.
func (r *Repo) Fetch(ctx context.Context, remoteName string, targets []string, opts remote.Options) (remote.Result, map[string]bool, error) {
	outs, err := r.transferOutputs(targets)
	if err != nil {
		return remote.Result{}, nil, err
	}
	return r.fetch(ctx, outs, remoteName, opts)
}

func (r *Repo) fetch(ctx context.Context, outs []Output, remoteName string, opts remote.Options) (remote.Result, map[string]bool, error) {
	groups, err := r.byRemote(outs, remoteName)
	if err != nil {
		return remote.Result{}, nil, err
	}
	var total remote.Result
	complete := map[string]bool{}
	var errs []error
	for name, oids := range groups {
		rem, err := r.Remote(ctx, name)
		if err != nil {
			return total, complete, err
		}
		res, done, err := remote.Fetch(ctx, r.Cache, rem, oids, opts)
		total = add(total, res)
		for k := range done {
			complete[k] = true
		}
		if err != nil {
			errs = append(errs, fmt.Errorf("fetch from remote %q (%s): %w", name, rem, err))
		}
	}
	return total, complete, errors.Join(errs...)
}

func add(a, b remote.Result) remote.Result {
	a.Transferred += b.Transferred
	a.Bytes += b.Bytes
	a.Skipped += b.Skipped
	a.Failed = append(a.Failed, b.Failed...)
	return a
}
