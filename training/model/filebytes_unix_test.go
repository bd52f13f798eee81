//go:build unix

package model

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestLoadKeepsNothingMapped loads each kind of bundle from a file, whose
// mapping is gone once Load returns, then overwrites the file and uses
// everything the bundle holds: a reference into the mapping would read the
// new bytes or fault.
func TestLoadKeepsNothingMapped(t *testing.T) {
	dir := t.TempDir()
	for name, p := range map[string]Params{
		"linear": linearParams(), "standardized": standardizedParams(), "tree": treeParams(),
		"forest": forestParams(), "boosted": boostedParams(), "svm": svmParams(),
	} {
		t.Run(name, func(t *testing.T) {
			data := sealedFile(t, "m_"+name, p)
			path := filepath.Join(dir, name+".json")
			if err := os.WriteFile(path, data, 0o644); err != nil {
				t.Fatal(err)
			}
			b, err := Load(path)
			if err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(path, bytes.Repeat([]byte{'#'}, len(data)), 0o644); err != nil {
				t.Fatal(err)
			}
			out, err := b.Marshal()
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(out, data) {
				t.Errorf("bundle re-encoded after its file changed differs from the file it was loaded from")
			}
			x := make([]float64, b.NumFeatures())
			checkProbabilities(t, b.Predict(x))
		})
	}
}

// faultSink keeps the compiler from dropping the read that must fault.
var faultSink byte

func TestWithFileBytes(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "f")
	content := bytes.Repeat([]byte("0123456789abcdef"), 1024) // four pages
	write := func(t *testing.T, data []byte) {
		t.Helper()
		if err := os.WriteFile(path, data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	t.Run("contents", func(t *testing.T) {
		write(t, content)
		var got []byte
		if err := withFileBytes(path, 1<<20, func(b []byte) error { got = bytes.Clone(b); return nil }); err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, content) {
			t.Errorf("got %d bytes, want the file's %d", len(got), len(content))
		}
	})
	t.Run("empty file", func(t *testing.T) {
		write(t, nil)
		n := -1
		if err := withFileBytes(path, 1<<20, func(b []byte) error { n = len(b); return nil }); err != nil || n != 0 {
			t.Errorf("got %d bytes, err %v; want 0 and no error", n, err)
		}
	})
	t.Run("over the limit", func(t *testing.T) {
		write(t, content)
		err := withFileBytes(path, 100, func([]byte) error { t.Error("use called"); return nil })
		if err == nil || !strings.Contains(err.Error(), "larger than 100 bytes") {
			t.Errorf("error %v, want one saying the file is larger than 100 bytes", err)
		}
	})
	t.Run("not a regular file", func(t *testing.T) {
		err := withFileBytes(dir, 1<<20, func([]byte) error { t.Error("use called"); return nil })
		if err == nil {
			t.Error("a directory was read without error")
		}
	})
	t.Run("shrunk while mapped", func(t *testing.T) {
		write(t, content)
		err := withFileBytes(path, 1<<20, func(b []byte) error {
			if err := os.Truncate(path, 0); err != nil {
				t.Fatal(err)
			}
			faultSink = b[len(b)-1] // beyond the new end of file: a fault
			t.Error("reading a truncated mapping did not fault")
			return nil
		})
		if err == nil || !strings.Contains(err.Error(), "shrank while being read") {
			t.Errorf("error %v, want the file-shrank error", err)
		}
	})
}
