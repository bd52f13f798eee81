package remote_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awss3 "github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/johannesboyne/gofakes3"
	"github.com/johannesboyne/gofakes3/backend/s3mem"

	"github.com/mlopsgo/mlops/training/internal/dvc/cache"
	"github.com/mlopsgo/mlops/training/internal/dvc/hash"
	"github.com/mlopsgo/mlops/training/internal/dvc/remote"
	"github.com/mlopsgo/mlops/training/internal/dvc/remote/s3"
)

// backend is a remote under test plus a way to overwrite a stored object
// behind the transfer code's back.
type backend struct {
	remote.Remote
	plant func(t *testing.T, key string, data []byte)
}

func localBackend(t *testing.T) backend {
	t.Helper()
	l := &remote.Local{Dir: t.TempDir()}
	return backend{l, func(t *testing.T, key string, data []byte) {
		p := filepath.Join(l.Dir, filepath.FromSlash(key))
		os.MkdirAll(filepath.Dir(p), 0o755)
		os.Chmod(p, 0o644)
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
	}}
}

// s3Backend starts gofakes3, a maintained in-memory S3 implementation, on
// 127.0.0.1 and points the aws-sdk-go-v2 remote at it (path style, as the
// remote uses with a custom endpoint).
func s3Backend(t *testing.T) backend {
	t.Helper()
	t.Setenv("AWS_CONFIG_FILE", filepath.Join(t.TempDir(), "none"))
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", filepath.Join(t.TempDir(), "none"))
	mem := s3mem.New()
	srv := httptest.NewServer(gofakes3.New(mem).Server())
	t.Cleanup(srv.Close)
	if err := mem.CreateBucket("bucket"); err != nil {
		t.Fatal(err)
	}
	r, err := s3.New(t.Context(), s3.Options{
		URL: "s3://bucket/dvc/store", Endpoint: srv.URL, Region: "us-east-1",
		AccessKeyID: "test", SecretAccessKey: "test",
	})
	if err != nil {
		t.Fatal(err)
	}
	return backend{r, func(t *testing.T, key string, data []byte) {
		_, err := r.Client().PutObject(context.Background(), &awss3.PutObjectInput{
			Bucket: aws.String(r.Bucket()), Key: aws.String(r.ObjectKey(key)), Body: bytes.NewReader(data),
		})
		if err != nil {
			t.Fatal(err)
		}
	}}
}

var backends = map[string]func(*testing.T) backend{"local": localBackend, "s3": s3Backend}

// fixture fills a cache with a directory (three files) and one file, and
// returns the top-level oids.
func fixture(t *testing.T) (*cache.Cache, []string, hash.Tree) {
	t.Helper()
	root := t.TempDir()
	files := map[string]string{"d/a.csv": "a,b\n1,2\n", "d/sub/b.txt": "bee", "d/c.txt": "sea", "single.txt": "solo"}
	for rel, content := range files {
		p := filepath.Join(root, filepath.FromSlash(rel))
		os.MkdirAll(filepath.Dir(p), 0o755)
		os.WriteFile(p, []byte(content), 0o644)
	}
	c := cache.New(filepath.Join(root, ".dvc", "cache"))
	info, tree, err := hash.Path(t.Context(), root, "d", nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.AddTree(filepath.Join(root, "d"), tree); err != nil {
		t.Fatal(err)
	}
	single, _, _ := hash.Path(t.Context(), root, "single.txt", nil)
	if err := c.AddFile(filepath.Join(root, "single.txt"), single.MD5); err != nil {
		t.Fatal(err)
	}
	return c, []string{info.MD5, single.MD5}, tree
}

func fastRetry() remote.Options {
	return remote.Options{Jobs: 3, Retry: remote.Retry{Attempts: 3, Backoff: time.Millisecond}}
}

func TestPushFetchRoundTrip(t *testing.T) {
	for name, mk := range backends {
		t.Run(name, func(t *testing.T) {
			b := mk(t)
			src, oids, tree := fixture(t)
			res, err := remote.Push(t.Context(), src, b, oids, fastRetry())
			if err != nil {
				t.Fatal(err)
			}
			if want := len(tree) + 2; res.Transferred != want || res.Skipped != 0 {
				t.Errorf("first push: transferred %d skipped %d, want %d and 0", res.Transferred, res.Skipped, want)
			}
			// DVC's layout: files/md5/<2>/<30> below the remote root.
			for _, oid := range oids {
				if ok, _ := b.Exists(t.Context(), "files/md5/"+oid[:2]+"/"+oid[2:]); !ok {
					t.Errorf("%s not at files/md5/%s/%s", oid, oid[:2], oid[2:])
				}
			}
			res, err = remote.Push(t.Context(), src, b, oids, fastRetry())
			if err != nil || res.Transferred != 0 || res.Skipped != len(tree)+2 {
				t.Errorf("second push: %+v, %v; want everything skipped", res, err)
			}
			dst := cache.New(t.TempDir())
			res, complete, err := remote.Fetch(t.Context(), dst, b, oids, fastRetry())
			if err != nil {
				t.Fatal(err)
			}
			if res.Transferred != len(tree)+2 || !complete[oids[0]] || !complete[oids[1]] {
				t.Errorf("fetch: %+v complete %v", res, complete)
			}
			for _, e := range tree {
				if err := dst.Verify(e.MD5); err != nil {
					t.Errorf("fetched %s: %v", e.RelPath, err)
				}
			}
		})
	}
}

func TestFetchCorruptObject(t *testing.T) {
	for name, mk := range backends {
		t.Run(name, func(t *testing.T) {
			b := mk(t)
			src, oids, tree := fixture(t)
			if _, err := remote.Push(t.Context(), src, b, oids, fastRetry()); err != nil {
				t.Fatal(err)
			}
			bad := tree[0].MD5
			b.plant(t, cache.Key(bad), []byte("tampered"))
			dst := cache.New(t.TempDir())
			res, complete, err := remote.Fetch(t.Context(), dst, b, oids, fastRetry())
			if !errors.Is(err, cache.ErrCorrupt) {
				t.Fatalf("Fetch error = %v, want a corrupt object", err)
			}
			if !strings.Contains(err.Error(), remote.URL(b, cache.Key(bad))) {
				t.Errorf("error %q does not name the object's URL %s", err, remote.URL(b, cache.Key(bad)))
			}
			if dst.Has(bad) {
				t.Error("the corrupt object entered the cache")
			}
			if complete[oids[0]] || !complete[oids[1]] {
				t.Errorf("complete = %v: the directory must be incomplete, the single file complete", complete)
			}
			if len(res.Failed) != 1 {
				t.Errorf("failed = %v, want one", res.Failed)
			}
			if entries, _ := filepath.Glob(filepath.Join(filepath.Dir(dst.Path(bad)), ".*tmp*")); len(entries) > 0 {
				t.Errorf("temporary files left in the cache: %v", entries)
			}
		})
	}
}

// failingRemote fails every Put after the first ok ones, as a push killed
// part-way would.
type failingRemote struct {
	remote.Remote
	ok   int64
	puts atomic.Int64
}

var errInterrupted = errors.New("connection reset")

func (f *failingRemote) Put(ctx context.Context, key string, body io.ReadSeeker, size int64) error {
	if f.puts.Add(1) > f.ok {
		return errInterrupted
	}
	return f.Remote.Put(ctx, key, body, size)
}

func TestInterruptedPushResumes(t *testing.T) {
	for name, mk := range backends {
		t.Run(name, func(t *testing.T) {
			b := mk(t)
			src, oids, tree := fixture(t)
			opts := fastRetry()
			opts.Jobs = 1
			opts.Retry.Attempts = 1
			_, err := remote.Push(t.Context(), src, &failingRemote{Remote: b, ok: 2}, oids, opts)
			if !errors.Is(err, errInterrupted) {
				t.Fatalf("interrupted push error = %v", err)
			}
			// The manifest must not be on the remote while files are
			// missing: DVC would take the directory as complete.
			if ok, _ := b.Exists(t.Context(), cache.Key(oids[0])); ok {
				t.Error("the .dir manifest was uploaded before all its files")
			}
			res, err := remote.Push(t.Context(), src, b, oids, fastRetry())
			if err != nil {
				t.Fatal(err)
			}
			if res.Skipped != 2 || res.Transferred != len(tree) {
				t.Errorf("resumed push: transferred %d skipped %d, want %d and 2", res.Transferred, res.Skipped, len(tree))
			}
			dst := cache.New(t.TempDir())
			if _, complete, err := remote.Fetch(t.Context(), dst, b, oids, fastRetry()); err != nil || !complete[oids[0]] {
				t.Fatalf("fetch after resume: %v %v", complete, err)
			}
		})
	}
}

// brokenReader fails half-way through an upload.
type brokenReader struct{ data []byte }

func (b *brokenReader) Read(p []byte) (int, error) {
	if len(b.data) == 0 {
		return 0, errInterrupted
	}
	n := copy(p, b.data[:min(len(b.data), 4)])
	b.data = b.data[n:]
	return n, nil
}

func (b *brokenReader) Seek(int64, int) (int64, error) { return 0, nil }

func TestPartialUploadInvisible(t *testing.T) {
	for name, mk := range backends {
		t.Run(name, func(t *testing.T) {
			b := mk(t)
			const key = "files/md5/ac/bd18db4cc2f85cedef654fccc4a4d8"
			err := b.Put(t.Context(), key, &brokenReader{data: []byte("12345678")}, 16)
			if err == nil {
				t.Fatal("Put of a failing body succeeded")
			}
			if ok, _ := b.Exists(t.Context(), key); ok {
				t.Error("a partial object is visible")
			}
			if _, err := b.Get(t.Context(), key); !errors.Is(err, remote.ErrNotFound) {
				t.Errorf("Get after failed Put = %v, want ErrNotFound", err)
			}
		})
	}
}

// flakyRemote fails the first attempts of every operation.
type flakyRemote struct {
	remote.Remote
	failures atomic.Int64
}

func (f *flakyRemote) Exists(ctx context.Context, key string) (bool, error) {
	if f.failures.Add(-1) >= 0 {
		return false, errors.New("503 slow down")
	}
	return f.Remote.Exists(ctx, key)
}

func TestRetries(t *testing.T) {
	b := localBackend(t)
	src, oids, tree := fixture(t)
	flaky := &flakyRemote{Remote: b}
	flaky.failures.Store(2)
	opts := fastRetry()
	opts.Jobs = 1
	res, err := remote.Push(t.Context(), src, flaky, oids, opts)
	if err != nil || res.Transferred != len(tree)+2 {
		t.Fatalf("push through transient failures: %+v, %v", res, err)
	}
}

func TestCorruptCacheObjectIsNotPushed(t *testing.T) {
	b := localBackend(t)
	src, oids, _ := fixture(t)
	p := src.Path(oids[1])
	os.Chmod(p, 0o644)
	if err := os.WriteFile(p, []byte("rotten"), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err := remote.Push(t.Context(), src, b, oids, fastRetry())
	if !errors.Is(err, cache.ErrCorrupt) {
		t.Fatalf("push error = %v, want a corrupt object", err)
	}
	if ok, _ := b.Exists(t.Context(), cache.Key(oids[1])); ok {
		t.Error("a corrupt cache object was pushed")
	}
}

// A transfer where many objects fail says how many and spells out only
// the first few; errors.As still reaches every one.
func TestResultErrBounded(t *testing.T) {
	var res remote.Result
	for i := range 8 {
		res.Failed = append(res.Failed, &remote.ObjectError{Op: "check", Oid: strings.Repeat("a", 31) + string(rune('0'+i)), URL: "s3://b/k" + string(rune('0'+i)), Err: errors.New("denied")})
	}
	msg := res.Err().Error()
	if !strings.HasPrefix(msg, "8 object(s) failed: check s3://b/k0: denied\n") || !strings.HasSuffix(msg, "check s3://b/k4: denied\nand 3 more") {
		t.Errorf("error message:\n%s", msg)
	}
	var oe *remote.ObjectError
	if !errors.As(res.Err(), &oe) || oe.URL != "s3://b/k0" {
		t.Errorf("errors.As(ObjectError) = %v", oe)
	}
	if (&remote.Result{}).Err() != nil {
		t.Error("a transfer with no failure has an error")
	}
}
