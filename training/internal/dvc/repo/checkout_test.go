package repo_test

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/mlopsgo/mlops/training/internal/dvc/remote"
	"github.com/mlopsgo/mlops/training/internal/dvc/repo"
)

// Checkout follows DVC 3 (dvc/repo/checkout.py with
// dvc_data/index/checkout.py compare): what is missing is restored without
// asking; a workspace file that would be overwritten or removed needs
// --force only when its content is not in the cache, and the error names
// those files.
func TestCheckoutUnsaved(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		// change edits the workspace after data/ and model.bin were added
		// (data/a.csv once held "old", which is in the cache).
		change func(t *testing.T, dir string)
		force  bool
		// unsaved are the files the UnsavedError names; none means success.
		unsaved []string
		// want is the workspace afterwards ("" for a file that must not
		// exist).
		want                  map[string]string
		wantAdded, wantModded []string
	}{
		{
			name:       "deleted file in a folder output is restored without --force",
			change:     func(t *testing.T, dir string) { remove(t, dir, "data/a.csv") },
			want:       map[string]string{"data/a.csv": "a", "data/b.csv": "b"},
			wantModded: []string{"data"},
		},
		{
			name:      "deleted folder output is restored without --force",
			change:    func(t *testing.T, dir string) { remove(t, dir, "data") },
			want:      map[string]string{"data/a.csv": "a", "data/sub/c.csv": "c"},
			wantAdded: []string{"data"},
		},
		{
			name:      "deleted file output is restored without --force",
			change:    func(t *testing.T, dir string) { remove(t, dir, "model.bin") },
			want:      map[string]string{"model.bin": "model"},
			wantAdded: []string{"model.bin"},
		},
		{
			name:    "modified file not in the cache is refused",
			change:  func(t *testing.T, dir string) { write(t, dir, "data/a.csv", "unsaved") },
			unsaved: []string{"data/a.csv"},
			want:    map[string]string{"data/a.csv": "unsaved"},
		},
		{
			name:       "modified file not in the cache is overwritten with --force",
			change:     func(t *testing.T, dir string) { write(t, dir, "data/a.csv", "unsaved") },
			force:      true,
			want:       map[string]string{"data/a.csv": "a"},
			wantModded: []string{"data"},
		},
		{
			name:       "a file holding an older cached version is overwritten without --force",
			change:     func(t *testing.T, dir string) { write(t, dir, "data/a.csv", "old") },
			want:       map[string]string{"data/a.csv": "a"},
			wantModded: []string{"data"},
		},
		{
			name:    "a new file in a folder output is refused",
			change:  func(t *testing.T, dir string) { write(t, dir, "data/new.csv", "new") },
			unsaved: []string{"data/new.csv"},
			want:    map[string]string{"data/new.csv": "new", "data/a.csv": "a"},
		},
		{
			name:       "a new file in a folder output is removed with --force",
			change:     func(t *testing.T, dir string) { write(t, dir, "data/new.csv", "new") },
			force:      true,
			want:       map[string]string{"data/new.csv": "", "data/a.csv": "a"},
			wantModded: []string{"data"},
		},
		{
			name:       "a new file whose content is cached is removed without --force",
			change:     func(t *testing.T, dir string) { write(t, dir, "data/copy.csv", "b") },
			want:       map[string]string{"data/copy.csv": "", "data/b.csv": "b"},
			wantModded: []string{"data"},
		},
		{
			name: "only the unsaved files are named",
			change: func(t *testing.T, dir string) {
				remove(t, dir, "data/b.csv")
				write(t, dir, "data/a.csv", "old")
				write(t, dir, "data/sub/c.csv", "mine")
				write(t, dir, "data/sub/d.csv", "mine too")
			},
			unsaved: []string{"data/sub/c.csv", "data/sub/d.csv"},
			want:    map[string]string{"data/a.csv": "old", "data/b.csv": "", "data/sub/c.csv": "mine"},
		},
		{
			name:    "modified file output not in the cache is refused",
			change:  func(t *testing.T, dir string) { write(t, dir, "model.bin", "retrained") },
			unsaved: []string{"model.bin"},
			want:    map[string]string{"model.bin": "retrained"},
		},
		{
			name: "a folder where a file output was is refused for its unsaved files",
			change: func(t *testing.T, dir string) {
				remove(t, dir, "model.bin")
				write(t, dir, "model.bin/x", "x")
			},
			unsaved: []string{"model.bin/x"},
			want:    map[string]string{"model.bin/x": "x"},
		},
		{
			name: "a file where a folder output was is refused",
			change: func(t *testing.T, dir string) {
				remove(t, dir, "data")
				write(t, dir, "data", "flat")
			},
			unsaved: []string{"data"},
			want:    map[string]string{"data": "flat"},
		},
		{
			name: "a file where a folder output was is replaced with --force",
			change: func(t *testing.T, dir string) {
				remove(t, dir, "data")
				write(t, dir, "data", "flat")
			},
			force:      true,
			want:       map[string]string{"data/a.csv": "a"},
			wantModded: []string{"data"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			dir, r := newRepo(t)
			write(t, dir, "data/a.csv", "old")
			if _, err := r.Add(t.Context(), []string{filepath.Join(dir, "data")}); err != nil {
				t.Fatal(err)
			}
			write(t, dir, "data/a.csv", "a")
			write(t, dir, "data/b.csv", "b")
			write(t, dir, "data/sub/c.csv", "c")
			write(t, dir, "model.bin", "model")
			if _, err := r.Add(t.Context(), []string{filepath.Join(dir, "data"), filepath.Join(dir, "model.bin")}); err != nil {
				t.Fatal(err)
			}
			tt.change(t, dir)

			res, err := r.Checkout(t.Context(), nil, tt.force)
			var ue *repo.UnsavedError
			switch {
			case len(tt.unsaved) == 0 && err != nil:
				t.Fatalf("checkout: %v, want success", err)
			case len(tt.unsaved) > 0 && !errors.As(err, &ue):
				t.Fatalf("checkout error = %v, want an UnsavedError naming %v", err, tt.unsaved)
			case len(tt.unsaved) > 0 && !slices.Equal(ue.Paths, tt.unsaved):
				t.Errorf("unsaved files = %v, want %v", ue.Paths, tt.unsaved)
			}
			if len(tt.unsaved) > 0 && !errors.Is(err, repo.ErrUnsaved) {
				t.Errorf("errors.Is(%v, ErrUnsaved) is false", err)
			}
			for rel, want := range tt.want {
				b, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(rel)))
				switch {
				case want == "" && err == nil:
					t.Errorf("%s still exists (%q)", rel, b)
				case want != "" && string(b) != want:
					t.Errorf("%s = %q (%v), want %q", rel, b, err, want)
				}
			}
			if !slices.Equal(res.Added, tt.wantAdded) || !slices.Equal(res.Modified, tt.wantModded) {
				t.Errorf("added %v, modified %v; want %v, %v", res.Added, res.Modified, tt.wantAdded, tt.wantModded)
			}
			// Nothing checkout replaced is lost: the older version is
			// still in the cache.
			if !r.Cache.Has("149603e6c03516362a8da23f624db945") {
				t.Error(`the cached "old" version of data/a.csv is gone`)
			}
		})
	}
}

// An output refused for unsaved files does not stop the others.
func TestCheckoutUnsavedIsPerOutput(t *testing.T) {
	t.Parallel()
	dir, r := newRepo(t)
	write(t, dir, "data/a.csv", "a")
	write(t, dir, "model.bin", "model")
	if _, err := r.Add(t.Context(), []string{filepath.Join(dir, "data"), filepath.Join(dir, "model.bin")}); err != nil {
		t.Fatal(err)
	}
	write(t, dir, "model.bin", "retrained")
	remove(t, dir, "data")
	res, err := r.Checkout(t.Context(), nil, false)
	if !errors.Is(err, repo.ErrUnsaved) || len(res.Failed) != 1 {
		t.Fatalf("checkout: %v (failed %v), want one UnsavedError", err, res.Failed)
	}
	if !slices.Equal(res.Added, []string{"data"}) || read(t, dir, "data/a.csv") != "a" {
		t.Errorf("data was not restored beside the refused model.bin: added %v", res.Added)
	}
}

func remove(t *testing.T, dir, rel string) {
	t.Helper()
	if err := os.RemoveAll(filepath.Join(dir, filepath.FromSlash(rel))); err != nil {
		t.Fatal(err)
	}
}

// The messages name what a user must look at, and stay readable when
// there are many.
func TestErrorMessages(t *testing.T) {
	t.Parallel()
	many := make([]string, 12)
	for i := range many {
		many[i] = fmt.Sprintf("data/%02d.csv", i)
	}
	objErr := func(i int) error {
		return &remote.ObjectError{Op: "download", Oid: fmt.Sprint(i), URL: fmt.Sprintf("s3://b/dvc/%d", i), Err: remote.ErrNotFound}
	}
	tests := []struct {
		name string
		err  error
		want string
	}{
		{
			"unsaved", &repo.UnsavedError{Output: "data", Paths: []string{"data/a.csv"}},
			"repo: data not checked out: it would overwrite or remove files that are not in the cache: data/a.csv " +
				"(keep them with `mlops data add`, or use --force to discard them)",
		},
		{
			"many unsaved", &repo.UnsavedError{Output: "data", Paths: many},
			"repo: data not checked out: it would overwrite or remove files that are not in the cache: " +
				strings.Join(many[:10], ", ") + " and 2 more (keep them with `mlops data add`, or use --force to discard them)",
		},
		{
			"not fetched", &repo.NotFetchedError{Output: "models", Remote: "s3r", Objects: []error{objErr(1)}},
			`repo: models not checked out: 1 of its objects could not be fetched from remote "s3r": download s3://b/dvc/1: remote: object not found`,
		},
		{
			"many not fetched", &repo.NotFetchedError{Output: "models", Remote: "s3r", Objects: []error{objErr(1), objErr(2), objErr(3), objErr(4), objErr(5)}},
			`repo: models not checked out: 5 of its objects could not be fetched from remote "s3r": download s3://b/dvc/1: remote: object not found; ` +
				`download s3://b/dvc/2: remote: object not found; download s3://b/dvc/3: remote: object not found; and 2 more`,
		},
		{
			"not fetched, no failure known", &repo.NotFetchedError{Output: "models", Remote: "s3r"},
			`repo: models not checked out: its objects are not all in the cache after fetching from remote "s3r"`,
		},
	}
	for _, tt := range tests {
		if got := tt.err.Error(); got != tt.want {
			t.Errorf("%s:\n got %q\nwant %q", tt.name, got, tt.want)
		}
	}
}
