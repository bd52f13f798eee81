package remote

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
)

// Local is a remote in a local (or mounted) directory.
type Local struct {
	// Dir is the remote's root.
	Dir string
}

var _ Remote = (*Local)(nil)

// String returns the directory.
func (l *Local) String() string { return l.Dir }

func (l *Local) path(key string) string { return filepath.Join(l.Dir, filepath.FromSlash(key)) }

// Exists reports whether key is stored.
func (l *Local) Exists(ctx context.Context, key string) (bool, error) {
	st, err := os.Stat(l.path(key))
	if errors.Is(err, fs.ErrNotExist) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	return st.Mode().IsRegular(), nil
}

// Put writes body into a temporary file in key's directory, syncs it and
// renames it into place.
func (l *Local) Put(ctx context.Context, key string, body io.ReadSeeker, size int64) (err error) {
	dst := l.path(key)
	if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
		return err
	}
	tmp, err := os.CreateTemp(filepath.Dir(dst), "."+filepath.Base(dst)+".tmp-*")
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	n, err := io.Copy(tmp, ctxReader{ctx, body})
	if err != nil {
		return err
	}
	if n != size {
		return fmt.Errorf("remote: %s: wrote %d bytes, want %d", dst, n, size)
	}
	if err := tmp.Chmod(0o444); err != nil {
		return err
	}
	if err := tmp.Sync(); err != nil {
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), dst)
}

// Get opens key.
func (l *Local) Get(ctx context.Context, key string) (io.ReadCloser, error) {
	f, err := os.Open(l.path(key))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("%w: %s", ErrNotFound, l.path(key))
	}
	return f, err
}

// ctxReader stops a copy when ctx is done.
type ctxReader struct {
	ctx context.Context
	r   io.Reader
}

func (c ctxReader) Read(p []byte) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, err
	}
	return c.r.Read(p)
}
