package repo_test

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/mlopsgo/mlops/training/internal/dvc/cache"
	"github.com/mlopsgo/mlops/training/internal/dvc/dvctest"
	"github.com/mlopsgo/mlops/training/internal/dvc/remote"
	"github.com/mlopsgo/mlops/training/internal/dvc/repo"
	"github.com/mlopsgo/mlops/training/internal/dvc/scm"
)

var (
	git   = dvctest.Git
	write = dvctest.Write
	read  = dvctest.Read
)

func newRepo(t *testing.T) (string, *repo.Repo) {
	t.Helper()
	dir := dvctest.GitDir(t)
	r, err := repo.Init(t.Context(), dir, false, nil)
	if err != nil {
		t.Fatal(err)
	}
	return dir, r
}

// What dvc init creates (iterative/dvc 3.64.0: dvc/config.py Config.init,
// dvc/repo/__init__.py _ignore, dvc/ignore.py init; asserted in
// tests/func/test_init.py).
func TestInit(t *testing.T) {
	t.Parallel()
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git not installed")
	}
	if _, err := repo.Init(t.Context(), t.TempDir(), false, nil); !errors.Is(err, scm.ErrNotRepo) {
		t.Fatalf("Init outside git: %v, want ErrNotRepo", err)
	}
	dir, _ := newRepo(t)
	for rel, want := range map[string]string{
		".dvc/config":     "",
		".dvc/.gitignore": "/config.local\n/tmp\n/cache\n",
		".dvcignore":      "# Add patterns of files dvc should ignore, which could improve\n# the performance. Learn more at\n# https://dvc.org/doc/user-guide/dvcignore\n",
	} {
		if got := read(t, dir, rel); got != want {
			t.Errorf("%s = %q, want %q", rel, got, want)
		}
	}
	if st, err := os.Stat(filepath.Join(dir, ".dvc", "tmp")); err != nil || !st.IsDir() {
		t.Error(".dvc/tmp missing")
	}
	staged := git(t, dir, "diff", "--cached", "--name-only")
	if staged != ".dvc/.gitignore\n.dvc/config\n.dvcignore\n" {
		t.Errorf("staged files:\n%s", staged)
	}
	if _, err := repo.Init(t.Context(), dir, false, nil); err == nil {
		t.Error("a second init without --force succeeded")
	}
}

func TestAddStatusCheckout(t *testing.T) {
	t.Parallel()
	dir, r := newRepo(t)
	write(t, dir, "data/foo", "foo")
	write(t, dir, "data/bar", "bar")
	write(t, dir, "model.bin", "foo")
	res, err := r.Add(t.Context(), []string{filepath.Join(dir, "data") + "/", filepath.Join(dir, "model.bin")})
	if err != nil {
		t.Fatal(err)
	}
	if len(res) != 2 || !res[0].Changed || res[0].GitIgnore != ".gitignore" {
		t.Fatalf("Add results: %+v", res)
	}
	// Exactly the text of tests/func/test_install.py::
	// test_merge_driver_no_ancestor (iterative/dvc 3.64.0).
	wantDir := "outs:\n- md5: 5ea40360f5b4ec688df672a4db9c17d1.dir\n  size: 6\n  nfiles: 2\n  hash: md5\n  path: data\n"
	if got := read(t, dir, "data.dvc"); got != wantDir {
		t.Errorf("data.dvc:\n%s\nwant:\n%s", got, wantDir)
	}
	if got := read(t, dir, ".gitignore"); got != "/data\n/model.bin\n" {
		t.Errorf(".gitignore = %q", got)
	}
	for _, oid := range []string{"5ea40360f5b4ec688df672a4db9c17d1.dir", "acbd18db4cc2f85cedef654fccc4a4d8", "37b51d194a7513e45b56f6524f2d51f2"} {
		if !r.Cache.Has(oid) {
			t.Errorf("cache lacks %s", oid)
		}
	}

	t.Run("re-adding unchanged data changes nothing", func(t *testing.T) {
		stamp, _ := os.Stat(filepath.Join(dir, "data.dvc"))
		res, err := r.Add(t.Context(), []string{filepath.Join(dir, "data")})
		if err != nil || res[0].Changed || res[0].GitIgnore != "" {
			t.Fatalf("re-add: %+v, %v", res, err)
		}
		if now, _ := os.Stat(filepath.Join(dir, "data.dvc")); !now.ModTime().Equal(stamp.ModTime()) {
			t.Error("data.dvc was rewritten")
		}
	})

	t.Run("status", func(t *testing.T) {
		write(t, dir, "data/foo", "changed")
		os.Remove(filepath.Join(dir, "model.bin"))
		st, err := r.Status(t.Context(), nil)
		if err != nil {
			t.Fatal(err)
		}
		got := map[string]repo.State{}
		for _, s := range st {
			got[s.Path] = s.Workspace
		}
		if got["data"] != repo.Modified || got["model.bin"] != repo.Deleted {
			t.Errorf("status = %v", got)
		}
	})

	t.Run("checkout restores deleted data but not modified data without force", func(t *testing.T) {
		res, err := r.Checkout(t.Context(), nil, false)
		if !errors.Is(err, repo.ErrUnsaved) {
			t.Fatalf("checkout error = %v, want ErrUnsaved", err)
		}
		if !slices.Equal(res.Added, []string{"model.bin"}) {
			t.Errorf("added = %v", res.Added)
		}
		if read(t, dir, "data/foo") != "changed" {
			t.Error("a modified file was overwritten without --force")
		}
		if _, err := r.Checkout(t.Context(), []string{filepath.Join(dir, "data.dvc")}, true); err != nil {
			t.Fatal(err)
		}
		if read(t, dir, "data/foo") != "foo" {
			t.Error("checkout --force did not restore data/foo")
		}
	})

	t.Run("a corrupt cache object is reported, removed and not checked out", func(t *testing.T) {
		oid := "acbd18db4cc2f85cedef654fccc4a4d8"
		os.Chmod(r.Cache.Path(oid), 0o644)
		write(t, filepath.Dir(r.Cache.Path(oid)), filepath.Base(r.Cache.Path(oid)), "rot")
		write(t, dir, "data/foo", "mine")
		_, err := r.Checkout(t.Context(), []string{filepath.Join(dir, "data.dvc")}, true)
		var ce *cache.CorruptError
		if !errors.As(err, &ce) || !strings.Contains(err.Error(), r.Cache.Path(oid)) {
			t.Fatalf("checkout error = %v, want the corrupt object's path", err)
		}
		if read(t, dir, "data/foo") != "mine" {
			t.Error("workspace changed by a checkout from a corrupt cache")
		}
		if r.Cache.Has(oid) {
			t.Error("corrupt object left in the cache")
		}
	})
}

func TestPushPullLocalRemote(t *testing.T) {
	t.Parallel()
	dir, r := newRepo(t)
	write(t, dir, "data/iris.csv", "a,b\r\n1,2\r\n")
	if _, err := r.Add(t.Context(), []string{filepath.Join(dir, "data")}); err != nil {
		t.Fatal(err)
	}
	store := t.TempDir()
	if err := r.AddRemote("store", store, true, false, false); err != nil {
		t.Fatal(err)
	}
	cfg := read(t, dir, ".dvc/config")
	if !strings.HasPrefix(cfg, "[core]\n    remote = store\n['remote \"store\"']\n    url = ") {
		t.Errorf(".dvc/config:\n%s", cfg)
	}
	opts := remote.Options{Jobs: 2}
	res, err := r.Push(t.Context(), "", nil, opts)
	if err != nil || res.Transferred != 2 {
		t.Fatalf("push: %+v, %v", res, err)
	}
	// The remote has DVC's layout.
	oid := strings.TrimSpace(strings.Split(strings.Split(read(t, dir, "data.dvc"), "md5: ")[1], "\n")[0])
	if _, err := os.Stat(filepath.Join(store, "files", "md5", oid[:2], oid[2:])); err != nil {
		t.Errorf("manifest not at files/md5/%s/%s: %v", oid[:2], oid[2:], err)
	}
	// A fresh clone of the cache: remove the cache and the data, pull.
	os.RemoveAll(filepath.Join(dir, "data"))
	filepath.Walk(r.Cache.Dir, func(p string, _ os.FileInfo, _ error) error { return os.Chmod(p, 0o755) })
	os.RemoveAll(r.Cache.Dir)
	res, co, err := r.Pull(t.Context(), "", nil, false, opts)
	if err != nil {
		t.Fatal(err)
	}
	if res.Transferred != 2 || !slices.Equal(co.Added, []string{"data"}) {
		t.Errorf("pull: %+v %+v", res, co)
	}
	if got := read(t, dir, "data/iris.csv"); got != "a,b\r\n1,2\r\n" {
		t.Errorf("pulled file = %q (CRLF must survive byte for byte)", got)
	}
}

func TestAddKeepsGitTrackedData(t *testing.T) {
	t.Parallel()
	dir, r := newRepo(t)
	write(t, dir, "data/iris.csv", "x\n")
	git(t, dir, "add", "data/iris.csv")
	res, err := r.Add(t.Context(), []string{filepath.Join(dir, "data")})
	if err != nil {
		t.Fatal(err)
	}
	if !res[0].InGit || res[0].GitIgnore != "" {
		t.Errorf("add of git-tracked data: %+v, want InGit and no .gitignore entry", res[0])
	}
	if _, err := os.Stat(filepath.Join(dir, ".gitignore")); !os.IsNotExist(err) {
		t.Error(".gitignore written for data git tracks")
	}
}
