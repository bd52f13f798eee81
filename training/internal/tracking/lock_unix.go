//go:build unix

package tracking

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"syscall"
	"time"
)

// lock takes the run's advisory lock (flock on <run>/.lock), waiting until
// ctx is done. The lock is released by the returned function, or by the
// kernel if the process dies, so a crash never leaves a run locked.
func (s *Store) lock(ctx context.Context, id string) (func(), error) {
	if !validID(id) {
		return nil, fmt.Errorf("%w: %q", ErrNotFound, id)
	}
	dir := filepath.Join(s.opts.Dir, id)
	f, err := os.OpenFile(filepath.Join(dir, ".lock"), os.O_CREATE|os.O_RDWR, 0o644)
	if errors.Is(err, os.ErrNotExist) {
		return nil, fmt.Errorf("%w: %s (in %s)", ErrNotFound, id, s.opts.Dir)
	}
	if err != nil {
		return nil, fmt.Errorf("tracking: lock run %s: %w", id, err)
	}
	for {
		err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB)
		if err == nil {
			return func() {
				_ = syscall.Flock(int(f.Fd()), syscall.LOCK_UN)
				f.Close()
			}, nil
		}
		if !errors.Is(err, syscall.EWOULDBLOCK) && !errors.Is(err, syscall.EINTR) {
			f.Close()
			return nil, fmt.Errorf("tracking: lock run %s: %w", id, err)
		}
		select {
		case <-ctx.Done():
			f.Close()
			return nil, fmt.Errorf("tracking: waiting for the lock of run %s: %w", id, ctx.Err())
		case <-time.After(50 * time.Millisecond):
		}
	}
}
