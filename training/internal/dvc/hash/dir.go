package hash

import (
	"context"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
)

// Filter says which paths a directory hash leaves out; rel is relative to
// the repository root, slash-separated. *ignore.Filter implements it.
type Filter interface {
	Ignored(rel string, isDir bool) (bool, error)
}

// Dir hashes the directory at root+"/"+rel: every regular file below it
// (symbolic links to files are followed, as DVC does) except what filter
// ignores (nil: nothing). Empty directories contribute nothing. It returns
// the sorted tree; its Info gives the oid, size and file count.
func Dir(ctx context.Context, root, rel string, filter Filter) (Tree, error) {
	top := filepath.Join(root, filepath.FromSlash(rel))
	var t Tree
	err := filepath.WalkDir(top, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		if p == top {
			return nil
		}
		inner, err := filepath.Rel(top, p)
		if err != nil {
			return err
		}
		inner = filepath.ToSlash(inner)
		isDir := d.IsDir()
		if d.Type()&fs.ModeSymlink != 0 {
			st, err := os.Stat(p)
			if err != nil {
				return fmt.Errorf("hash: %s: %w", p, err)
			}
			if st.IsDir() {
				return fmt.Errorf("hash: %s: symbolic links to directories are not supported", p)
			}
		}
		if filter != nil {
			ign, err := filter.Ignored(path.Join(rel, inner), isDir)
			if err != nil {
				return err
			}
			if ign {
				if isDir {
					return filepath.SkipDir
				}
				return nil
			}
		}
		if isDir {
			return nil
		}
		info, err := File(p)
		if err != nil {
			return err
		}
		t = append(t, Entry{RelPath: inner, MD5: info.MD5, Size: info.Size})
		return nil
	})
	if err != nil {
		return nil, err
	}
	t.Sort()
	return t, nil
}

// Path hashes a file or a directory at root+"/"+rel.
func Path(ctx context.Context, root, rel string, filter Filter) (Info, Tree, error) {
	p := filepath.Join(root, filepath.FromSlash(rel))
	st, err := os.Stat(p)
	if err != nil {
		return Info{}, nil, err
	}
	if st.IsDir() {
		t, err := Dir(ctx, root, rel, filter)
		if err != nil {
			return Info{}, nil, err
		}
		return t.Info(), t, nil
	}
	info, err := File(p)
	return info, nil, err
}
