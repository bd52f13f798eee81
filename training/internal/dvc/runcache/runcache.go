// Package runcache is DVC's run cache (dvc/stage/cache.py): for every
// stage run, the stage's lock record is stored under
// .dvc/cache/runs/<key[:2]>/<key>/<value>, where key is the sha256 of the
// record with outs reduced to their paths and value the sha256 of the
// whole record, both hashed as dict_sha256 does (Python json.dumps with
// sorted keys, "size" and "nfiles" left out). Looking a stage up by its
// current cmd, deps and params finds the outputs an earlier run produced,
// so reverting a parameter restores earlier outputs from the cache
// instead of running the command again.
package runcache

import (
	"cmp"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"

	"github.com/mlopsgo/mlops/training/internal/dvc/pipeline"
	"github.com/mlopsgo/mlops/training/internal/dvc/pyfmt"
	"github.com/mlopsgo/mlops/training/model/atomicfile"
)

// DirName is the run cache's directory inside the cache root.
const DirName = "runs"

// filter drops the keys dict_sha256 excludes, at every depth.
func filter(v any) any {
	switch x := v.(type) {
	case pyfmt.Map:
		out := pyfmt.Map{}
		for _, kv := range x {
			if kv.Key == "size" || kv.Key == "nfiles" {
				continue
			}
			out = append(out, pyfmt.KV{Key: kv.Key, Value: filter(kv.Value)})
		}
		return out
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = filter(e)
		}
		return out
	}
	return v
}

func sha(v any) (string, error) {
	b, err := pyfmt.MarshalJSON(filter(v))
	if err != nil {
		return "", err
	}
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:]), nil
}

// Value returns the sha256 naming a stage record.
func Value(s *pipeline.LockStage) (string, error) { return sha(s.Value()) }

// Key returns the sha256 of a stage record with its outs reduced to their
// paths: what is known before the command runs.
func Key(s *pipeline.LockStage) (string, error) {
	rec := s.Value()
	paths := []any{}
	if outs, ok := rec.Get("outs"); ok {
		for _, o := range outs.([]any) {
			p, _ := o.(pyfmt.Map).Get("path")
			paths = append(paths, p)
		}
	}
	rec.Set("outs", paths)
	return sha(rec)
}

// Cache is the run cache below a cache root.
type Cache struct {
	// Dir is the runs directory (.dvc/cache/runs).
	Dir string
}

// New returns the run cache of the cache rooted at cacheDir.
func New(cacheDir string) *Cache { return &Cache{Dir: filepath.Join(cacheDir, DirName)} }

// Save stores a stage record unless an identical one is there. It returns
// the entry's path.
func (c *Cache) Save(s *pipeline.LockStage) (string, error) {
	key, err := Key(s)
	if err != nil {
		return "", err
	}
	val, err := Value(s)
	if err != nil {
		return "", err
	}
	p := filepath.Join(c.Dir, key[:2], key, val)
	if _, err := os.Stat(p); err == nil {
		return p, nil
	}
	data, err := pyfmt.MarshalYAML(s.Value())
	if err != nil {
		return "", err
	}
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		return "", err
	}
	return p, atomicfile.WriteFile(p, data, 0o644)
}

// Lookup returns the records stored for a stage whose cmd, deps and
// params equal probe's (probe's outs need only their paths), newest
// first. Unreadable entries are skipped.
func (c *Cache) Lookup(probe *pipeline.LockStage) ([]*pipeline.LockStage, error) {
	key, err := Key(probe)
	if err != nil {
		return nil, err
	}
	dir := filepath.Join(c.Dir, key[:2], key)
	entries, err := os.ReadDir(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	type found struct {
		s   *pipeline.LockStage
		mod int64
	}
	var out []found
	for _, e := range entries {
		if e.IsDir() || len(e.Name()) != 64 {
			continue
		}
		data, err := os.ReadFile(filepath.Join(dir, e.Name()))
		if err != nil {
			continue
		}
		s, err := pipeline.ParseLockStage(probe.Name, data)
		if err != nil {
			continue
		}
		if k, err := Key(s); err != nil || k != key {
			continue // not what its directory promises
		}
		info, _ := e.Info()
		var mod int64
		if info != nil {
			mod = info.ModTime().UnixNano()
		}
		out = append(out, found{s, mod})
	}
	slices.SortStableFunc(out, func(a, b found) int { return cmp.Compare(b.mod, a.mod) })
	res := make([]*pipeline.LockStage, len(out))
	for i, f := range out {
		res[i] = f.s
	}
	return res, nil
}

// String describes the cache for messages.
func (c *Cache) String() string { return fmt.Sprintf("run cache %s", c.Dir) }
