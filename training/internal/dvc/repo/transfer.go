package repo

import (
	"context"
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

// byRemote groups outputs by the remote they go to ("" is the default or
// the one the caller named).
func byRemote(outs []Output, named string) map[string][]string {
	groups := map[string][]string{}
	for _, o := range outs {
		name := named
		if name == "" {
			name = o.Remote
		}
		if !slices.Contains(groups[name], o.Info.MD5) {
			groups[name] = append(groups[name], o.Info.MD5)
		}
	}
	return groups
}

// Push uploads the selected outputs' objects the remote lacks. Outputs
// whose objects are not in the cache are skipped with a warning, as dvc
// push does.
func (r *Repo) Push(ctx context.Context, remoteName string, targets []string, opts remote.Options) (remote.Result, error) {
	outs, err := r.transferOutputs(targets)
	if err != nil {
		return remote.Result{}, err
	}
	var total remote.Result
	for name, oids := range byRemote(outs, remoteName) {
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
			return total, err
		}
	}
	return total, nil
}

// Fetch downloads the selected outputs' objects the cache lacks. It
// returns the oids now complete in the cache.
func (r *Repo) Fetch(ctx context.Context, remoteName string, targets []string, opts remote.Options) (remote.Result, map[string]bool, error) {
	outs, err := r.transferOutputs(targets)
	if err != nil {
		return remote.Result{}, nil, err
	}
	var total remote.Result
	complete := map[string]bool{}
	var firstErr error
	for name, oids := range byRemote(outs, remoteName) {
		rem, err := r.Remote(ctx, name)
		if err != nil {
			return total, complete, err
		}
		res, done, err := remote.Fetch(ctx, r.Cache, rem, oids, opts)
		total = add(total, res)
		for k := range done {
			complete[k] = true
		}
		if err != nil && firstErr == nil {
			firstErr = err
		}
	}
	return total, complete, firstErr
}

// Pull fetches, then checks out every selected output whose objects all
// arrived; outputs with a failed object are not touched.
func (r *Repo) Pull(ctx context.Context, remoteName string, targets []string, force bool, opts remote.Options) (remote.Result, CheckoutResult, error) {
	res, complete, fetchErr := r.Fetch(ctx, remoteName, targets, opts)
	if ctx.Err() != nil {
		return res, CheckoutResult{}, ctx.Err()
	}
	outs, err := r.transferOutputs(targets)
	if err != nil {
		return res, CheckoutResult{}, err
	}
	var ready []Output
	for _, o := range outs {
		if complete[o.Info.MD5] {
			ready = append(ready, o)
		}
	}
	co, err := r.checkoutOutputs(ctx, ready, force)
	if fetchErr != nil {
		return res, co, fetchErr
	}
	return res, co, err
}

func add(a, b remote.Result) remote.Result {
	a.Transferred += b.Transferred
	a.Bytes += b.Bytes
	a.Skipped += b.Skipped
	a.Failed = append(a.Failed, b.Failed...)
	return a
}
