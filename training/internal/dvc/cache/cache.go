// Package cache is DVC's local content-addressed cache (3.x layout):
// every file is stored once under files/md5/<first 2 hex>/<other 30 hex>,
// a directory's manifest under the same name with ".dir" appended
// (dvc/cachemgr.py, dvc_data/hashfile/db/local.py). Objects are written
// through a temporary file and renamed into place, so a reader never sees
// a partial object, and every object read back is checked against its
// name: a corrupt object is reported with its path and never copied into
// the workspace.
package cache

import (
	"crypto/md5"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	dvchash "github.com/mlopsgo/mlops/training/internal/dvc/hash"
)

// objectMode is the permission of cached objects: read-only, as DVC
// protects them, so a hard-linked or copied-back file is not edited in
// place by accident.
const objectMode = 0o444

// Cache is a local object cache rooted at Dir (a repository's
// .dvc/cache). Its methods are safe for concurrent use.
type Cache struct {
	// Dir is the cache root.
	Dir string
}

// New returns the cache rooted at dir.
func New(dir string) *Cache { return &Cache{Dir: dir} }

// Key returns the slash-separated path of oid below a cache or remote
// root: files/md5/ab/cdef... .
func Key(oid string) string {
	return "files/md5/" + oid[:2] + "/" + oid[2:]
}

// Path returns the file that holds oid.
func (c *Cache) Path(oid string) string {
	return filepath.Join(c.Dir, filepath.FromSlash(Key(oid)))
}

// Has reports whether oid is present. It does not verify the content.
func (c *Cache) Has(oid string) bool {
	st, err := os.Stat(c.Path(oid))
	return err == nil && st.Mode().IsRegular()
}

// CorruptError reports an object whose content does not match its name.
type CorruptError struct {
	// Path is where the object was read from (a cache file or a remote
	// URL).
	Path string
	// Oid is the object's name; Got the md5 of what was read.
	Oid, Got string
}

func (e *CorruptError) Error() string {
	return fmt.Sprintf("cache: object %s is corrupt: its md5 is %s, want %s", e.Path, e.Got, strings.TrimSuffix(e.Oid, dvchash.DirSuffix))
}

// ErrCorrupt matches every *CorruptError with errors.Is.
var ErrCorrupt = errors.New("cache: corrupt object")

// Is makes errors.Is(err, ErrCorrupt) hold.
func (e *CorruptError) Is(target error) bool { return target == ErrCorrupt }

// ErrMissing is returned for an object the cache does not hold.
var ErrMissing = errors.New("cache: object not in cache")

// VerifyingReader passes r through and, at EOF, fails with a
// *CorruptError if what was read does not hash to oid.
type VerifyingReader struct {
	r    io.Reader
	h    hash.Hash
	oid  string
	path string
	done bool
}

// NewVerifyingReader wraps r, the content of oid read from path.
func NewVerifyingReader(r io.Reader, oid, path string) *VerifyingReader {
	return &VerifyingReader{r: r, h: md5.New(), oid: oid, path: path}
}

func (v *VerifyingReader) Read(p []byte) (int, error) {
	n, err := v.r.Read(p)
	v.h.Write(p[:n])
	if errors.Is(err, io.EOF) && !v.done {
		v.done = true
		if got := hex.EncodeToString(v.h.Sum(nil)); got != strings.TrimSuffix(v.oid, dvchash.DirSuffix) {
			return n, &CorruptError{Path: v.path, Oid: v.oid, Got: got}
		}
	}
	return n, err
}

// Open returns the content of oid; reading it to EOF fails with a
// *CorruptError if the content does not match.
func (c *Cache) Open(oid string) (io.ReadCloser, error) {
	p := c.Path(oid)
	f, err := os.Open(p)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("%w: %s", ErrMissing, oid)
	}
	if err != nil {
		return nil, err
	}
	return struct {
		io.Reader
		io.Closer
	}{NewVerifyingReader(f, oid, p), f}, nil
}

// Verify reads oid and checks its content.
func (c *Cache) Verify(oid string) error {
	rc, err := c.Open(oid)
	if err != nil {
		return err
	}
	defer rc.Close()
	_, err = io.Copy(io.Discard, rc)
	return err
}

// Write stores the content r yields as oid: into a temporary file next
// to the object, checked against oid, then renamed into place. A mismatch
// returns a *CorruptError naming src and leaves nothing behind.
func (c *Cache) Write(oid string, r io.Reader, src string) error {
	if !dvchash.ValidOid(oid) {
		return fmt.Errorf("cache: %q is not an md5 oid", oid)
	}
	dst := c.Path(oid)
	if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
		return fmt.Errorf("cache: %w", err)
	}
	tmp, err := os.CreateTemp(filepath.Dir(dst), "."+filepath.Base(dst)+".tmp-*")
	if err != nil {
		return fmt.Errorf("cache: %w", err)
	}
	ok := false
	defer func() {
		if !ok {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	if _, err := io.Copy(tmp, NewVerifyingReader(r, oid, src)); err != nil {
		return err
	}
	if err := tmp.Chmod(objectMode); err != nil {
		return fmt.Errorf("cache: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("cache: %w", err)
	}
	if err := os.Rename(tmp.Name(), dst); err != nil {
		return fmt.Errorf("cache: %w", err)
	}
	ok = true
	return nil
}

// AddFile copies the file at src into the cache as oid unless present.
// The copy is checked against oid, so a file that changed since it was
// hashed is refused.
func (c *Cache) AddFile(src, oid string) error {
	if c.Has(oid) {
		return nil
	}
	f, err := os.Open(src)
	if err != nil {
		return err
	}
	defer f.Close()
	if err := c.Write(oid, f, src); err != nil {
		if errors.Is(err, ErrCorrupt) {
			return fmt.Errorf("cache: %s changed while it was being added", src)
		}
		return err
	}
	return nil
}

// AddTree stores a directory's manifest and its files (read from dir).
func (c *Cache) AddTree(dir string, t dvchash.Tree) (string, error) {
	for _, e := range t {
		if err := c.AddFile(filepath.Join(dir, filepath.FromSlash(e.RelPath)), e.MD5); err != nil {
			return "", err
		}
	}
	oid, b := t.Digest()
	if c.Has(oid) {
		return oid, nil
	}
	return oid, c.Write(oid, strings.NewReader(string(b)), dir)
}

// ReadTree reads and verifies the manifest oid.
func (c *Cache) ReadTree(oid string) (dvchash.Tree, error) {
	rc, err := c.Open(oid)
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	b, err := io.ReadAll(rc)
	if err != nil {
		return nil, err
	}
	return dvchash.ParseTree(b)
}

// Objects returns the oids an output needs from the cache: oid itself and,
// for a directory whose manifest is cached, its files. The bool is false
// when the manifest is missing, so the list is incomplete.
func (c *Cache) Objects(oid string) ([]string, bool, error) {
	if !dvchash.IsDirOid(oid) {
		return []string{oid}, true, nil
	}
	t, err := c.ReadTree(oid)
	if errors.Is(err, ErrMissing) {
		return []string{oid}, false, nil
	}
	if err != nil {
		return nil, false, err
	}
	out := []string{oid}
	for _, e := range t {
		out = append(out, e.MD5)
	}
	return out, true, nil
}

// Complete reports whether every object oid needs is present.
func (c *Cache) Complete(oid string) (bool, error) {
	objs, full, err := c.Objects(oid)
	if err != nil || !full {
		return false, err
	}
	for _, o := range objs {
		if !c.Has(o) {
			return false, nil
		}
	}
	return true, nil
}

// Remove deletes oid (used to drop a corrupt object so it can be fetched
// again).
func (c *Cache) Remove(oid string) error {
	err := os.Remove(c.Path(oid))
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	return err
}
