package hash

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"
)

// BenchmarkDir hashes directories of growing file counts (4 KiB files, the
// size of iris.csv), the work `status` and `pipeline run` repeat for every
// directory dependency.
func BenchmarkDir(b *testing.B) {
	content := make([]byte, 4096)
	for i := range content {
		content[i] = byte(i)
	}
	for _, n := range []int{10, 100, 1000} {
		root := b.TempDir()
		for i := range n {
			p := filepath.Join(root, "d", fmt.Sprintf("sub%d", i%10), fmt.Sprintf("f%04d.csv", i))
			os.MkdirAll(filepath.Dir(p), 0o755)
			os.WriteFile(p, content, 0o644)
		}
		b.Run(fmt.Sprintf("files=%d", n), func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(n * len(content)))
			for b.Loop() {
				if _, err := Dir(context.Background(), root, "d", nil); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkTreeDigest serializes and hashes manifests of growing size.
func BenchmarkTreeDigest(b *testing.B) {
	for _, n := range []int{10, 1000, 100000} {
		t := make(Tree, n)
		for i := range t {
			t[i] = Entry{RelPath: fmt.Sprintf("dir/file-%06d.csv", i), MD5: "acbd18db4cc2f85cedef654fccc4a4d8"}
		}
		b.Run(fmt.Sprintf("entries=%d", n), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				t.Digest()
			}
		})
	}
}
