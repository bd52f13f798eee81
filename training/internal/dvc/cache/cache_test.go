package cache

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	dvchash "github.com/mlopsgo/mlops/training/internal/dvc/hash"
)

// The 3.x cache layout, as iterative/dvc's
// tests/func/test_commit.py::test_commit_granular_dir (tag 3.64.0) expects
// it: .dvc/cache/files/md5/1a/ca2c799df82929bbdd976557975546.dir and
// .dvc/cache/files/md5/ac/bd18db4cc2f85cedef654fccc4a4d8.
func TestPathLayout(t *testing.T) {
	c := New(filepath.Join(".dvc", "cache"))
	for oid, want := range map[string]string{
		"1aca2c799df82929bbdd976557975546.dir": ".dvc/cache/files/md5/1a/ca2c799df82929bbdd976557975546.dir",
		"acbd18db4cc2f85cedef654fccc4a4d8":     ".dvc/cache/files/md5/ac/bd18db4cc2f85cedef654fccc4a4d8",
	} {
		if got := c.Path(oid); got != filepath.FromSlash(want) {
			t.Errorf("Path(%s) = %s, want %s", oid, got, want)
		}
	}
}

func writeTree(t *testing.T, dir string, files map[string]string) dvchash.Tree {
	t.Helper()
	for rel, content := range files {
		p := filepath.Join(dir, filepath.FromSlash(rel))
		os.MkdirAll(filepath.Dir(p), 0o755)
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	tree, err := dvchash.Dir(t.Context(), dir, ".", nil)
	if err != nil {
		t.Fatal(err)
	}
	return tree
}

func TestWriteRefusesWrongContent(t *testing.T) {
	c := New(t.TempDir())
	oid := dvchash.Bytes([]byte("foo"))
	err := c.Write(oid, strings.NewReader("bar"), "src")
	var ce *CorruptError
	if !errors.As(err, &ce) || ce.Path != "src" || !errors.Is(err, ErrCorrupt) {
		t.Fatalf("Write(wrong content) = %v, want a *CorruptError naming src", err)
	}
	if c.Has(oid) {
		t.Error("wrong content entered the cache")
	}
	if err := c.Write(oid, strings.NewReader("foo"), "src"); err != nil {
		t.Fatal(err)
	}
	if st, _ := os.Stat(c.Path(oid)); st.Mode().Perm() != 0o444 {
		t.Errorf("object mode = %v, want read-only", st.Mode().Perm())
	}
}

func TestCheckoutDir(t *testing.T) {
	src := t.TempDir()
	tree := writeTree(t, src, map[string]string{"a.csv": "1,2\n", "sub/b.txt": "bee", "c.txt": "sea"})
	c := New(t.TempDir())
	if _, err := c.AddTree(src, tree); err != nil {
		t.Fatal(err)
	}
	dst := filepath.Join(t.TempDir(), "data")
	writeTree(t, dst, map[string]string{"a.csv": "1,2\n", "c.txt": "modified", "extra/x.txt": "x"})
	if err := c.CheckoutDir(t.Context(), tree, dst, nil); err != nil {
		t.Fatal(err)
	}
	got, err := dvchash.Dir(t.Context(), dst, ".", nil)
	if err != nil {
		t.Fatal(err)
	}
	if a, _ := got.Digest(); a != mustDigest(tree) {
		t.Errorf("checked-out tree %s differs from the recorded one", got.Bytes())
	}
	if _, err := os.Stat(filepath.Join(dst, "extra")); !os.IsNotExist(err) {
		t.Error("the emptied extra directory was left behind")
	}
}

func mustDigest(t dvchash.Tree) string { d, _ := t.Digest(); return d }

// A corrupt object aborts the checkout before anything in the workspace
// changes.
func TestCheckoutDirCorruptChangesNothing(t *testing.T) {
	src := t.TempDir()
	tree := writeTree(t, src, map[string]string{"a.txt": "new a", "b.txt": "new b"})
	c := New(t.TempDir())
	if _, err := c.AddTree(src, tree); err != nil {
		t.Fatal(err)
	}
	bad := tree[1].MD5
	os.Chmod(c.Path(bad), 0o644)
	os.WriteFile(c.Path(bad), []byte("rot"), 0o644)
	dst := t.TempDir()
	writeTree(t, dst, map[string]string{"a.txt": "old a", "b.txt": "old b"})
	err := c.CheckoutDir(t.Context(), tree, dst, nil)
	var ce *CorruptError
	if !errors.As(err, &ce) || ce.Path != c.Path(bad) {
		t.Fatalf("CheckoutDir error = %v, want a *CorruptError naming %s", err, c.Path(bad))
	}
	for name, want := range map[string]string{"a.txt": "old a", "b.txt": "old b"} {
		if b, _ := os.ReadFile(filepath.Join(dst, name)); string(b) != want {
			t.Errorf("%s = %q after a failed checkout, want %q", name, b, want)
		}
	}
	if left, _ := filepath.Glob(filepath.Join(dst, ".*tmp*")); len(left) > 0 {
		t.Errorf("temporary files left: %v", left)
	}
}

func TestCheckoutFileCorrupt(t *testing.T) {
	c := New(t.TempDir())
	oid := dvchash.Bytes([]byte("good"))
	if err := c.Write(oid, strings.NewReader("good"), "x"); err != nil {
		t.Fatal(err)
	}
	os.Chmod(c.Path(oid), 0o644)
	os.WriteFile(c.Path(oid), []byte("evil"), 0o644)
	dst := filepath.Join(t.TempDir(), "f")
	os.WriteFile(dst, []byte("mine"), 0o644)
	if err := c.CheckoutFile(oid, dst, false); !errors.Is(err, ErrCorrupt) {
		t.Fatalf("CheckoutFile = %v, want ErrCorrupt", err)
	}
	if b, _ := os.ReadFile(dst); string(b) != "mine" {
		t.Errorf("workspace file = %q, want it untouched", b)
	}
}
