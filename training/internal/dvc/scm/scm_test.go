package scm

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/mlopsgo/mlops/training/internal/gitcmd/gitcmdtest"
)

// Expected entries follow scmrepo's Git.ignore (iterative/scmrepo 3.5.9,
// src/scmrepo/git/__init__.py) and dvc's tests/func/test_add.py::
// test_escape_gitignore_entries (iterative/dvc 3.64.0).
func TestEntry(t *testing.T) {
	tests := map[string]string{
		"data":                           "/data",
		"foo":                            "/foo",
		"file!with*weird#naming_[1].t?t": `/file\!with\*weird\#naming_\[1\].t\?t`,
	}
	for in, want := range tests {
		if got := Entry(in); got != want {
			t.Errorf("Entry(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestAddEntry(t *testing.T) {
	tests := map[string]struct {
		content, entry, want string
		changed              bool
	}{
		"new file":                 {"", "/data", "/data\n", true},
		"appends":                  {"/foo\n", "/data", "/foo\n/data\n", true},
		"adds missing newline":     {"/foo", "/data", "/foo\n/data\n", true},
		"already there":            {"/foo\n/data\n", "/data", "/foo\n/data\n", false},
		"already there, CRLF file": {"/data\r\n", "/data", "/data\r\n", false},
		"prefix is not a match":    {"/data2\n", "/data", "/data2\n/data\n", true},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			got, changed := AddEntry([]byte(tc.content), tc.entry)
			if string(got) != tc.want || changed != tc.changed {
				t.Errorf("AddEntry(%q, %q) = %q, %v; want %q, %v", tc.content, tc.entry, got, changed, tc.want, tc.changed)
			}
		})
	}
}

func TestGit(t *testing.T) {
	ctx := context.Background()
	if _, err := Open(ctx, t.TempDir()); !errors.Is(err, ErrNotRepo) {
		t.Fatalf("Open outside a repository: error = %v, want ErrNotRepo", err)
	}
	dir := gitcmdtest.Repo(t)
	g, err := Open(ctx, filepath.Join(dir))
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{"tracked/a.txt", "sub/data/x"} {
		p := filepath.Join(dir, filepath.FromSlash(f))
		os.MkdirAll(filepath.Dir(p), 0o755)
		os.WriteFile(p, []byte("x"), 0o644)
	}
	if err := g.Add(ctx, filepath.Join(dir, "tracked", "a.txt")); err != nil {
		t.Fatal(err)
	}
	if ok, err := g.IsTracked(ctx, filepath.Join(dir, "tracked")); err != nil || !ok {
		t.Errorf("IsTracked(tracked) = %v, %v; want true", ok, err)
	}
	if ok, _ := g.IsTracked(ctx, filepath.Join(dir, "sub", "data")); ok {
		t.Error("IsTracked(sub/data) = true, want false")
	}
	file, err := g.Ignore(ctx, filepath.Join(dir, "sub", "data"))
	if err != nil {
		t.Fatal(err)
	}
	if file != filepath.Join(dir, "sub", ".gitignore") {
		t.Errorf("Ignore wrote %q, want sub/.gitignore", file)
	}
	if b, _ := os.ReadFile(file); string(b) != "/data\n" {
		t.Errorf("sub/.gitignore = %q, want %q", b, "/data\n")
	}
	if ok, _ := g.IsIgnored(ctx, filepath.Join(dir, "sub", "data")); !ok {
		t.Error("sub/data is not ignored after Ignore")
	}
	// Ignoring again changes nothing.
	if file, err := g.Ignore(ctx, filepath.Join(dir, "sub", "data")); err != nil || file != "" {
		t.Errorf("second Ignore = %q, %v; want no change", file, err)
	}
}
