package cache

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"

	dvchash "github.com/mlopsgo/mlops/training/internal/dvc/hash"
)

// Filter tells CheckoutDir which existing paths to leave alone (those a
// .dvcignore hides); rel is relative to the checked-out directory.
type Filter func(rel string, isDir bool) (bool, error)

// staged is a verified copy waiting to be renamed over its destination.
type staged struct {
	tmp, dst string
	mode     os.FileMode
}

// stage copies oid into a temporary file beside dst, verifying it.
func (c *Cache) stage(oid, dst string, exec bool) (staged, error) {
	src, err := c.Open(oid)
	if err != nil {
		return staged{}, err
	}
	defer src.Close()
	if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
		return staged{}, err
	}
	tmp, err := os.CreateTemp(filepath.Dir(dst), "."+filepath.Base(dst)+".tmp-*")
	if err != nil {
		return staged{}, err
	}
	if _, err := io.Copy(tmp, src); err != nil {
		tmp.Close()
		os.Remove(tmp.Name())
		return staged{}, err
	}
	if err := tmp.Close(); err != nil {
		os.Remove(tmp.Name())
		return staged{}, err
	}
	mode := os.FileMode(0o644)
	if exec {
		mode = 0o755
	}
	return staged{tmp: tmp.Name(), dst: dst, mode: mode}, nil
}

func (s staged) commit() error {
	if err := os.Chmod(s.tmp, s.mode); err != nil {
		return err
	}
	if st, err := os.Lstat(s.dst); err == nil && st.IsDir() {
		if err := os.RemoveAll(s.dst); err != nil {
			return err
		}
	}
	return os.Rename(s.tmp, s.dst)
}

// CheckoutFile writes object oid to dst: a verified copy in a temporary
// file beside dst, renamed over it. A corrupt object leaves dst as it was.
func (c *Cache) CheckoutFile(oid, dst string, exec bool) error {
	s, err := c.stage(oid, dst, exec)
	if err != nil {
		return err
	}
	if err := s.commit(); err != nil {
		os.Remove(s.tmp)
		return err
	}
	return nil
}

// CheckoutDir makes dir hold exactly the files of tree, except paths skip
// hides. Every file that differs is first copied and verified into a
// temporary file; only when all are ready are they renamed into place and
// files not in the tree removed, so a missing or corrupt object leaves
// dir as it was.
func (c *Cache) CheckoutDir(ctx context.Context, tree dvchash.Tree, dir string, skip Filter) error {
	if st, err := os.Lstat(dir); err == nil && !st.IsDir() {
		if err := os.Remove(dir); err != nil {
			return err
		}
	}
	existing, err := listFiles(dir, skip)
	if err != nil {
		return err
	}
	var ready []staged
	cleanup := func() {
		for _, s := range ready {
			os.Remove(s.tmp)
		}
	}
	want := make(map[string]bool, len(tree))
	for _, e := range tree {
		if err := ctx.Err(); err != nil {
			cleanup()
			return err
		}
		want[e.RelPath] = true
		dst := filepath.Join(dir, filepath.FromSlash(e.RelPath))
		if existing[e.RelPath] {
			if info, err := dvchash.File(dst); err == nil && info.MD5 == e.MD5 {
				continue
			}
		}
		s, err := c.stage(e.MD5, dst, false)
		if err != nil {
			cleanup()
			return fmt.Errorf("check out %s: %w", dst, err)
		}
		ready = append(ready, s)
	}
	for i, s := range ready {
		if err := s.commit(); err != nil {
			for _, r := range ready[i:] {
				os.Remove(r.tmp)
			}
			return err
		}
	}
	var extra []string
	for rel := range existing {
		if !want[rel] {
			extra = append(extra, rel)
		}
	}
	for _, rel := range extra {
		if err := os.Remove(filepath.Join(dir, filepath.FromSlash(rel))); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return err
		}
	}
	return removeEmptyDirs(dir, extra)
}

// listFiles returns the files below dir (slash-separated, relative), not
// descending into what skip hides.
func listFiles(dir string, skip Filter) (map[string]bool, error) {
	out := map[string]bool{}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if errors.Is(err, fs.ErrNotExist) && p == dir {
			return filepath.SkipAll
		}
		if err != nil {
			return err
		}
		if p == dir {
			return nil
		}
		rel, _ := filepath.Rel(dir, p)
		rel = filepath.ToSlash(rel)
		if skip != nil {
			ign, err := skip(rel, d.IsDir())
			if err != nil {
				return err
			}
			if ign {
				if d.IsDir() {
					return filepath.SkipDir
				}
				return nil
			}
		}
		if !d.IsDir() {
			out[rel] = true
		}
		return nil
	})
	return out, err
}

// removeEmptyDirs removes the now-empty parents of the removed files,
// deepest first, never dir itself.
func removeEmptyDirs(dir string, removed []string) error {
	seen := map[string]bool{}
	var dirs []string
	for _, rel := range removed {
		for d := filepathDir(rel); d != ""; d = filepathDir(d) {
			if !seen[d] {
				seen[d] = true
				dirs = append(dirs, d)
			}
		}
	}
	slices.SortFunc(dirs, func(a, b string) int { return strings.Count(b, "/") - strings.Count(a, "/") })
	for _, d := range dirs {
		p := filepath.Join(dir, filepath.FromSlash(d))
		entries, err := os.ReadDir(p)
		if err == nil && len(entries) == 0 {
			if err := os.Remove(p); err != nil {
				return err
			}
		}
	}
	return nil
}

func filepathDir(rel string) string {
	i := strings.LastIndexByte(rel, '/')
	if i < 0 {
		return ""
	}
	return rel[:i]
}
