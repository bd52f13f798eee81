package repo

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/mlopsgo/mlops/training/internal/dvc/remote"
)

// Pull fetches, then checks out every selected output whose objects all
// arrived, whatever happened to the others, as dvc pull does. Each output
// that could not be checked out, for want of objects (a *NotFetchedError
// naming them) or for the reasons Checkout gives, is in the
// CheckoutResult's Failed list, and the error joins them.
func (r *Repo) Pull(ctx context.Context, remoteName string, targets []string, force bool, opts remote.Options) (remote.Result, CheckoutResult, error) {
	outs, err := r.transferOutputs(targets)
	if err != nil {
		return remote.Result{}, CheckoutResult{}, err
	}
	res, complete, fetchErr := r.fetch(ctx, outs, remoteName, opts)
	if err := ctx.Err(); err != nil {
		return res, CheckoutResult{}, err
	}
	if fetchErr != nil && len(res.Failed) == 0 {
		// Not one object's failure: the remote could not be used.
		return res, CheckoutResult{}, fetchErr
	}
	var ready []Output
	var notFetched []error
	for _, o := range outs {
		if complete[o.Info.MD5] {
			ready = append(ready, o)
			continue
		}
		name, _ := r.outputRemote(o, remoteName)
		notFetched = append(notFetched, r.notFetched(o, name, res.Failed))
	}
	co, err := r.checkoutOutputs(ctx, ready, force)
	co.Failed = append(co.Failed, notFetched...)
	return res, co, errors.Join(err, errors.Join(notFetched...))
}

// NotFetchedError is the failure of an output pull did not check out
// because some of its objects did not arrive in the cache.
type NotFetchedError struct {
	// Output is the output's root-relative path; Remote the name of the
	// remote it was fetched from.
	Output, Remote string
	// Objects are the failures of its objects (each a
	// *remote.ObjectError naming the object's URL and the cause).
	Objects []error
}

// ErrNotFetched matches every *NotFetchedError with errors.Is.
var ErrNotFetched = errors.New("repo: output not fetched")

// Is makes errors.Is(err, ErrNotFetched) hold.
func (e *NotFetchedError) Is(target error) bool { return target == ErrNotFetched }

// maxObjects bounds the object failures a NotFetchedError spells out.
const maxObjects = 3

func (e *NotFetchedError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "repo: %s not checked out: ", e.Output)
	if len(e.Objects) == 0 {
		fmt.Fprintf(&b, "its objects are not all in the cache after fetching from remote %q", e.Remote)
		return b.String()
	}
	fmt.Fprintf(&b, "%d of its objects could not be fetched from remote %q: ", len(e.Objects), e.Remote)
	for i, err := range e.Objects[:min(len(e.Objects), maxObjects)] {
		if i > 0 {
			b.WriteString("; ")
		}
		b.WriteString(err.Error())
	}
	if n := len(e.Objects) - maxObjects; n > 0 {
		fmt.Fprintf(&b, "; and %d more", n)
	}
	return b.String()
}

// notFetched builds o's *NotFetchedError from the fetch's failures: those
// of its manifest and, when the manifest is cached, of the files it lists.
func (r *Repo) notFetched(o Output, remoteName string, failed []error) error {
	objs, _, err := r.Cache.Objects(o.Info.MD5)
	if err != nil {
		objs = []string{o.Info.MD5}
	}
	mine := make(map[string]bool, len(objs))
	for _, oid := range objs {
		mine[oid] = true
	}
	e := &NotFetchedError{Output: o.Path, Remote: remoteName}
	for _, f := range failed {
		var oe *remote.ObjectError
		if errors.As(f, &oe) && mine[oe.Oid] {
			e.Objects = append(e.Objects, oe)
		}
	}
	return e
}
