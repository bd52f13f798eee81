package remote

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"runtime"
	"strings"
	"sync"

	"github.com/mlopsgo/mlops/training/internal/dvc/cache"
	dvchash "github.com/mlopsgo/mlops/training/internal/dvc/hash"
	"github.com/mlopsgo/mlops/training/internal/progress"
)

// Options configures a transfer. The zero value means the defaults.
type Options struct {
	// Jobs bounds parallel operations. Optional. Default: 4 per CPU, as
	// DVC's default.
	Jobs int
	// Retry governs retries of failed operations.
	Retry Retry
	// Progress receives a progress bar (drawn only on a terminal).
	// Optional. Default: none.
	Progress io.Writer
	// Logger receives per-object failures. Optional. Default: discard.
	Logger *slog.Logger
}

func (o Options) withDefaults() Options {
	if o.Jobs <= 0 {
		o.Jobs = 4 * runtime.NumCPU()
	}
	if o.Progress == nil {
		o.Progress = io.Discard
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	return o
}

// Result counts what a transfer did.
type Result struct {
	// Transferred objects and their bytes.
	Transferred int
	Bytes       int64
	// Skipped objects the destination already had.
	Skipped int
	// Failed objects, each error naming the object.
	Failed []error
}

// maxErrors bounds the failures Result.Err spells out: with wrong
// credentials every object fails the same way, and a thousand identical
// lines hide the point.
const maxErrors = 5

// Err joins the failures (the first maxErrors of them, then a count), or
// is nil. errors.As and errors.Is see every failure.
func (r *Result) Err() error {
	if len(r.Failed) == 0 {
		return nil
	}
	return &failedError{failed: r.Failed}
}

// failedError is Result.Err's error.
type failedError struct{ failed []error }

func (e *failedError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%d object(s) failed: ", len(e.failed))
	for i, err := range e.failed[:min(len(e.failed), maxErrors)] {
		if i > 0 {
			b.WriteString("\n")
		}
		b.WriteString(err.Error())
	}
	if n := len(e.failed) - maxErrors; n > 0 {
		fmt.Fprintf(&b, "\nand %d more", n)
	}
	return b.String()
}

func (e *failedError) Unwrap() []error { return e.failed }

// errSkippedManifest is why a directory's manifest was not uploaded.
var errSkippedManifest = errors.New("skipped: some of its files failed")

func objectError(op string, r Remote, oid string, err error) *ObjectError {
	// The URL is in the ObjectError; a not-found error repeating it
	// would say it twice.
	if errors.Is(err, ErrNotFound) {
		err = ErrNotFound
	}
	return &ObjectError{Op: op, Oid: oid, URL: URL(r, cache.Key(oid)), Err: err}
}

type tally struct {
	mu  sync.Mutex
	res Result
}

func (t *tally) fail(err error) {
	t.mu.Lock()
	t.res.Failed = append(t.res.Failed, err)
	t.mu.Unlock()
}

// parallel runs fn for every item with at most jobs at once.
func parallel(ctx context.Context, jobs int, items []string, fn func(string)) {
	sem := make(chan struct{}, jobs)
	var wg sync.WaitGroup
	for _, it := range items {
		if ctx.Err() != nil {
			break
		}
		sem <- struct{}{}
		wg.Add(1)
		go func() {
			defer func() { <-sem; wg.Done() }()
			fn(it)
		}()
	}
	wg.Wait()
}

// Push uploads the objects of oids (files and directory manifests, with
// the files each manifest lists) that r does not have yet. Every object is
// verified in the cache before it is sent; a manifest is sent only after
// all its files are on the remote. The error is non-nil if any object
// failed (see Result.Failed) or ctx ended.
func Push(ctx context.Context, c *cache.Cache, r Remote, oids []string, opts Options) (Result, error) {
	opts = opts.withDefaults()
	files, dirs, err := expand(c, oids)
	if err != nil {
		return Result{}, err
	}
	t := &tally{}
	all := append(append([]string{}, files...), dirs...)
	missing := make(map[string]bool)
	var mu sync.Mutex
	parallel(ctx, opts.Jobs, all, func(oid string) {
		var ok bool
		err := policy(opts.Retry).Do(ctx, func(ctx context.Context) (err error) {
			ok, err = r.Exists(ctx, cache.Key(oid))
			return err
		})
		if err != nil {
			t.fail(objectError("check", r, oid, err))
			return
		}
		mu.Lock()
		missing[oid] = !ok
		mu.Unlock()
	})
	if err := ctx.Err(); err != nil {
		return t.res, err
	}
	var sendFiles, sendDirs []string
	for _, o := range files {
		if missing[o] {
			sendFiles = append(sendFiles, o)
		}
	}
	for _, o := range dirs {
		if missing[o] {
			sendDirs = append(sendDirs, o)
		}
	}
	t.res.Skipped = len(all) - len(sendFiles) - len(sendDirs) - len(t.res.Failed)
	bar := progress.New(opts.Progress, "push", len(sendFiles)+len(sendDirs))
	defer bar.Done()
	failed := sync.Map{}
	upload := func(oid string) {
		defer bar.Add(1)
		n, err := putObject(ctx, c, r, oid, opts.Retry)
		if err != nil {
			failed.Store(oid, true)
			opts.Logger.Warn("upload failed", "object", URL(r, cache.Key(oid)), "err", err)
			t.fail(objectError("upload", r, oid, err))
			return
		}
		t.mu.Lock()
		t.res.Transferred++
		t.res.Bytes += n
		t.mu.Unlock()
	}
	parallel(ctx, opts.Jobs, sendFiles, upload)
	if err := ctx.Err(); err != nil {
		return t.res, err
	}
	// A manifest on the remote promises its files are there: send it
	// only when none of them failed.
	var okDirs []string
	for _, d := range sendDirs {
		tree, err := c.ReadTree(d)
		if err != nil {
			t.fail(objectError("upload", r, d, err))
			continue
		}
		complete := true
		for _, e := range tree {
			if _, bad := failed.Load(e.MD5); bad {
				complete = false
			}
		}
		if complete {
			okDirs = append(okDirs, d)
		} else {
			t.fail(objectError("upload", r, d, errSkippedManifest))
		}
	}
	parallel(ctx, opts.Jobs, okDirs, upload)
	if err := ctx.Err(); err != nil {
		return t.res, err
	}
	return t.res, t.res.Err()
}

// expand lists the file objects and the manifests oids need, reading
// manifests from the cache.
func expand(c *cache.Cache, oids []string) (files, dirs []string, err error) {
	seen := map[string]bool{}
	add := func(list *[]string, o string) {
		if !seen[o] {
			seen[o] = true
			*list = append(*list, o)
		}
	}
	for _, o := range oids {
		if !dvchash.IsDirOid(o) {
			add(&files, o)
			continue
		}
		tree, err := c.ReadTree(o)
		if err != nil {
			return nil, nil, fmt.Errorf("read manifest %s: %w", o, err)
		}
		for _, e := range tree {
			add(&files, e.MD5)
		}
		add(&dirs, o)
	}
	return files, dirs, nil
}

func putObject(ctx context.Context, c *cache.Cache, r Remote, oid string, rt Retry) (int64, error) {
	// Never send a corrupt object.
	if err := c.Verify(oid); err != nil {
		return 0, err
	}
	f, err := os.Open(c.Path(oid))
	if err != nil {
		return 0, err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return 0, err
	}
	err = policy(rt).Do(ctx, func(ctx context.Context) error {
		if _, err := f.Seek(0, io.SeekStart); err != nil {
			return err
		}
		return r.Put(ctx, cache.Key(oid), f, st.Size())
	})
	return st.Size(), err
}

// Fetch downloads into the cache the objects of oids it lacks: manifests
// first, then the files they list. Each download is verified before it is
// renamed into the cache; a corrupt object is reported with its URL and
// left out. It returns the top-level oids that are now complete in the
// cache.
func Fetch(ctx context.Context, c *cache.Cache, r Remote, oids []string, opts Options) (Result, map[string]bool, error) {
	opts = opts.withDefaults()
	t := &tally{}
	get := func(oid string) bool {
		n, err := getObject(ctx, c, r, oid, opts.Retry)
		if err != nil {
			opts.Logger.Warn("download failed", "object", URL(r, cache.Key(oid)), "err", err)
			t.fail(objectError("download", r, oid, err))
			return false
		}
		t.mu.Lock()
		t.res.Transferred++
		t.res.Bytes += n
		t.mu.Unlock()
		return true
	}
	// Manifests first: they say which files a directory needs.
	var dirs []string
	for _, o := range oids {
		if dvchash.IsDirOid(o) && !c.Has(o) {
			dirs = append(dirs, o)
		}
	}
	parallel(ctx, opts.Jobs, dirs, func(o string) { get(o) })
	if err := ctx.Err(); err != nil {
		return t.res, nil, err
	}
	need := map[string]bool{}
	for _, d := range dirs {
		need[d] = true // fetched (or failed) above
	}
	var files []string
	for _, o := range oids {
		objs, full, err := c.Objects(o)
		if err != nil {
			t.fail(objectError("read manifest", r, o, err))
			continue
		}
		if !full {
			continue // its manifest failed above
		}
		for _, obj := range objs {
			if !need[obj] && !c.Has(obj) {
				need[obj] = true
				files = append(files, obj)
			} else if !need[obj] {
				need[obj] = true
				t.res.Skipped++
			}
		}
	}
	bar := progress.New(opts.Progress, "fetch", len(files))
	parallel(ctx, opts.Jobs, files, func(o string) {
		get(o)
		bar.Add(1)
	})
	bar.Done()
	if err := ctx.Err(); err != nil {
		return t.res, nil, err
	}
	complete := map[string]bool{}
	for _, o := range oids {
		ok, err := c.Complete(o)
		if err == nil && ok {
			complete[o] = true
		}
	}
	return t.res, complete, t.res.Err()
}

func getObject(ctx context.Context, c *cache.Cache, r Remote, oid string, rt Retry) (int64, error) {
	var n int64
	err := policy(rt).Do(ctx, func(ctx context.Context) error {
		rc, err := r.Get(ctx, cache.Key(oid))
		if err != nil {
			return err
		}
		defer rc.Close()
		cr := &countingReader{r: rc}
		err = c.Write(oid, cr, URL(r, cache.Key(oid)))
		n = cr.n
		return err
	})
	return n, err
}

type countingReader struct {
	r io.Reader
	n int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}
