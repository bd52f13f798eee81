package repo

import (
	"errors"
	"fmt"
	"strings"

	"github.com/mlopsgo/mlops/training/internal/dvc/cache"
)

// ErrUnsaved matches every *UnsavedError with errors.Is.
var ErrUnsaved = errors.New("repo: workspace files are not in the cache")

// UnsavedError is the failure of an output whose checkout would overwrite
// or remove workspace files whose content the cache does not hold, so
// they would be lost; --force discards them.
type UnsavedError struct {
	// Output is the output's root-relative path.
	Output string
	// Paths are the root-relative files that would be lost, sorted.
	Paths []string
}

// maxListed bounds the files an UnsavedError names, so a directory full
// of new files gives a readable message.
const maxListed = 10

func (e *UnsavedError) Error() string {
	list := e.Paths
	more := ""
	if len(list) > maxListed {
		more = fmt.Sprintf(" and %d more", len(list)-maxListed)
		list = list[:maxListed]
	}
	return fmt.Sprintf("repo: %s not checked out: it would overwrite or remove files that are not in the cache: %s%s "+
		"(keep them with `mlops data add`, or use --force to discard them)", e.Output, strings.Join(list, ", "), more)
}

// Is makes errors.Is(err, ErrUnsaved) hold.
func (e *UnsavedError) Is(target error) bool { return target == ErrUnsaved }

// checkUnsaved returns an *UnsavedError when checking out s's output would
// overwrite or remove a workspace file whose content is not in the cache,
// as DVC refuses without --force (dvc/repo/checkout.py _check_can_delete).
// A file to be restored where nothing is, or one whose current content is
// cached (an older version), loses nothing and passes. s must be Modified.
func (r *Repo) checkUnsaved(s OutputStatus) error {
	o := s.Output
	var want map[string]string // recorded file -> md5, for a directory
	if o.Info.IsDir {
		tree, err := r.Cache.ReadTree(o.Info.MD5)
		if errors.Is(err, cache.ErrMissing) {
			// Nothing can be checked out; restore reports it.
			return nil
		}
		if err != nil {
			return fmt.Errorf("check out %s: %w", o.Path, r.dropCorrupt(err))
		}
		want = make(map[string]string, len(tree))
		for _, e := range tree {
			want[e.RelPath] = e.MD5
		}
	}
	var lost []string
	if !s.Current.IsDir {
		// A file where the record has a different file or a directory:
		// it is replaced either way.
		if !r.Cache.Has(s.Current.MD5) {
			lost = append(lost, o.Path)
		}
	} else {
		for _, e := range s.tree {
			if md5, ok := want[e.RelPath]; ok && md5 == e.MD5 {
				continue // kept as it is
			}
			if !r.Cache.Has(e.MD5) {
				lost = append(lost, o.Path+"/"+e.RelPath)
			}
		}
	}
	if len(lost) == 0 {
		return nil
	}
	return &UnsavedError{Output: o.Path, Paths: lost}
}
