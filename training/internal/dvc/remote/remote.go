// Package remote moves cache objects to and from DVC remotes with the
// layout DVC 3.x uses (files/md5/<2 hex>/<30 hex>[.dir] below the remote's
// URL), so a remote filled by `mlops data push` serves `dvc pull` and the
// other way round.
//
// Transfers run in parallel, skip what the other side already has, retry
// failed operations with exponential backoff, and verify every object
// against its md5: a corrupt object in a remote is reported with its URL
// and never enters the cache. Writes are atomic on every backend (a
// temporary file renamed into place locally; on S3 a PutObject, or above
// the part size a multipart upload, which S3 applies only on completion),
// and a directory's manifest is uploaded only after all of its files, so
// an interrupted push leaves no partial object and a second push resumes
// where the first stopped.
package remote

import (
	"context"
	"io"
)

// Remote is one storage backend. Keys are slash-separated paths below the
// remote's root (cache.Key). Implementations are safe for concurrent use.
type Remote interface {
	// String returns the remote's URL, used in messages.
	String() string
	// Exists reports whether key is stored.
	Exists(ctx context.Context, key string) (bool, error)
	// Put stores size bytes from body under key, atomically: the key
	// holds either nothing or all of it. body may be read more than once
	// after seeking to the start.
	Put(ctx context.Context, key string, body io.ReadSeeker, size int64) error
	// Get returns the content of key, or an error wrapping ErrNotFound.
	Get(ctx context.Context, key string) (io.ReadCloser, error)
}

// URL returns the URL of key on r, for messages.
func URL(r Remote, key string) string {
	s := r.String()
	if len(s) > 0 && s[len(s)-1] == '/' {
		return s + key
	}
	return s + "/" + key
}
