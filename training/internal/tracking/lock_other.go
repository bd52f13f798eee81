//go:build !unix

package tracking

import (
	"context"
	"fmt"
)

// lock is a no-op where flock is not available: concurrent updates of one
// run (two syncs at once) are then not serialized.
func (s *Store) lock(_ context.Context, id string) (func(), error) {
	if !validID(id) {
		return nil, fmt.Errorf("%w: %q", ErrNotFound, id)
	}
	return func() {}, nil
}
